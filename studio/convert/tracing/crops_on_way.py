"""The rectangle cuts on a file's way to a generator's picture input (ComfyUI's ImageCrop of a face before
InfiniteTalk) made as Studio's Crop: each whose sides are fixed, where nothing nearer the file that changes the
pictures' size is left unmade (else its x and y would fall elsewhere). Plain data and stdlib."""
from __future__ import annotations

from ..reading.crops import rect
from ..reading.workflow import CNode, Workflow
from . import resizes
from .resizes import is_resize


def cuts_on_way(wf: Workflow, walked: list[CNode], made: set[str]) -> dict[str, dict]:
    """{id: Crop's settings} of the cuts on the way (``walked``: nearest the input first; ``made``: the resizes
    Studio's Scale makes)."""
    out, lost = {}, False
    for n in reversed(walked):  # from the file on
        cut = rect(lambda k: wf.value(n, k), n)
        if cut is not None and not lost:
            out[n.id] = cut
        elif cut is not None or is_resize(n) and n.id not in made:
            lost = True
    return out


def said(n: CNode, cut: dict, port: str, node: CNode) -> str:
    """The sentence saying the cut is made by Studio's Crop."""
    return (f"{node.of(port)} is cut to {cut['width']}x{cut['height']} at ({cut['x']}, {cut['y']}) by Studio's Crop, "
            f"as '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) cuts it")


def with_cuts(wf: Workflow, walked: list[CNode], before_mask: list[CNode] | None) -> dict[str, dict]:
    """The resizes Studio's Scale makes on the way (``before_mask``: on a mask's way, the nodes before its maker:
    their resizes alone) and, on a picture's way, the cuts its Crop makes."""
    if before_mask is not None:
        return resizes.on_way(wf, before_mask)
    scaled = resizes.on_way(wf, walked)
    return {**scaled, **cuts_on_way(wf, walked, set(scaled))}


def way_said(n: CNode, params: dict, port: str, node: CNode) -> str:
    """The sentence for a resize (Scale) or a cut (Crop) made on the way."""
    return said(n, params, port, node) if "x" in params else resizes.said(n, params, port, node)
