"""A video take ComfyUI saves as pictures (issue 99, item 2: image-sequence saves count as outputs): a SaveImage
whose pictures are the frames a video sampler makes (its first pass's latent made by a video family's task node
or empty latent, of one frame or more) is an output of its own where no video output writes those samplers' take:
converted as any output, into Studio's Save Image Sequence (finishing.finish.save_node), a take of one frame (Wan
2.2's text to image) into its Save Image, one picture named as ComfyUI names it. A picture saved beside
a video, or a frame picked from the take (a still: an image edit's), stays what it was.

Plain data and stdlib."""
from __future__ import annotations

from .extend import pick_of
from ..finishing.finish import FRAME_SAVES
from ..tracing.take_length import counted_when_run, take_length
from ..tracing.walks import sampler_chain
from ..reading.workflow import CNode, Workflow


def frame_saves(wf: Workflow, written: set[str]) -> list[CNode]:
    """The enabled picture saves whose pictures are a video take's frames (one or more), none of whose samplers
    is in ``written`` (those a video output writes), in id order."""
    out = []
    for n in wf.nodes.values():
        samplers = sampler_chain(wf, n) if n.cls in FRAME_SAVES and n.enabled else []
        if not samplers or any(s.id in written for s in samplers) or _picked(wf, n):
            continue
        if take_length(wf, n) is not None or counted_when_run(wf, n):  # (a count known when it runs: a take)
            out.append(n)
    return sorted(out, key=lambda n: n.id)


def _picked(wf: Workflow, save: CNode) -> bool:
    """A frame (or a few) picked from the take on its way to ``save`` (ImageFromBatch...): a still, not the take."""
    node, seen = save, set()
    while node is not None and node.id not in seen and not node.cls.startswith("VAEDecode"):
        seen.add(node.id)
        if pick_of(node) is not None:
            return True
        node = wf.source(node, next((k for k in ("images", "image") if k in node.links), ""))
    return False
