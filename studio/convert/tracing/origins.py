"""Where a picture a generator is given comes from when no file loader Studio reads lies behind it: made by
another pass (a sampler or a decoder upstream: the workflow generates it first), else the node the picture starts
from (a picture held in the workflow as text, a pack's loader Studio does not read), named in words."""
from __future__ import annotations

from ..reading import measured
from . import origin_meet
from ..reading.workflow import CNode, Workflow
from .roles import generates
from .walks import upstream


def unread_origin(wf: Workflow, node: CNode, port: str) -> str | None:
    """Words naming the node the picture at ``node``'s ``port`` starts from ("ComfyUI's 'Title' (type, #id)"),
    where no sampler or decoder upstream makes it; None where one does (the workflow generates it first) or
    nothing is wired there."""
    src = node.links.get(port)
    start = wf.nodes.get(src[0]) if src is not None else None
    if start is None:
        return None
    ups = upstream(wf, start)
    if any(generates(wf, n) for n in ups):
        return None
    found = origin_meet.loaders(wf, ups)
    met = origin_meet.meeting(wf, start, found) if len(found) > 1 else None  # (two loaders' ways meeting there)
    roots = [n for n in found if not n.links]
    at = met if met is not None else roots[0] if len(roots) == 1 else _maker(wf, start)
    return f"ComfyUI's '{at.title or at.shown_cls}' ({at.shown_cls}, #{at.id})"


def _maker(wf: Workflow, start: CNode) -> CNode:
    """The node making the picture ``start`` gives: ``start``, or, where it is a measuring node passing its picture on
    as it is (KJNodes' GetImageSizeAndCount, told by its types: reading.measured), the node before it (heldout71 01:
    SkyReels-A2's start frames, an ImageBatch of the references, were said to be given by the measuring node)."""
    seen = {start.id}
    while measured.passes_picture(start) and (port := measured.image_input(start)) is not None:
        src = start.links.get(port)
        before = wf.nodes.get(src[0]) if src is not None else None
        if before is None or before.id in seen:
            break
        seen.add(before.id)
        start = before
    return start
