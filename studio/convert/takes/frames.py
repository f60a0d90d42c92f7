"""A video take ComfyUI saves as pictures (issue 99, item 2: image-sequence saves count as outputs): a SaveImage
whose pictures are the frames a video sampler makes (its first pass's latent made by a video family's task node
or empty latent, of more than one frame) is an output of its own where no video output writes those samplers'
take: converted as any output, into Studio's Save Image Sequence (finishing.finish.save_node). A picture saved beside
a video, or a frame picked from the take (a still: an image edit's), stays what it was.

Plain data and stdlib."""
from __future__ import annotations

from ..families import registry as families
from .extend import FRAME_PICKS
from ..finishing.finish import FRAME_SAVES
from ..tracing.walks import sampler_chain, upstream
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import task_node

LENGTHS = ("length", "video_frames", "num_frames", "frames")  # a latent's frames, by ComfyUI's usual names


def frame_saves(wf: Workflow, written: set[str]) -> list[CNode]:
    """The enabled picture saves whose pictures are a video take's frames, none of whose samplers is in
    ``written`` (those a video output writes), in id order."""
    out = []
    video = set(families.lookup("tasks")) | set(families.lookup("empty"))
    for n in wf.nodes.values():
        samplers = sampler_chain(wf, n) if n.cls in FRAME_SAVES and n.enabled else []
        if not samplers or any(s.id in written for s in samplers) or _picked(wf, n):
            continue
        ups = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in samplers}
        first = next((s for s in samplers if not any(o.id in ups[s.id] for o in samplers)), samplers[0])
        node, _ = task_node(wf, first, [])
        length = next((v for k in LENGTHS if node is not None and (v := wf.value(node, k)) is not None), None)
        if node is not None and node.cls in video and isinstance(length, int) and length > 1:
            out.append(n)
    return sorted(out, key=lambda n: n.id)


def _picked(wf: Workflow, save: CNode) -> bool:
    """A frame (or a few) picked from the take on its way to ``save`` (ImageFromBatch...): a still, not the take."""
    node, seen = save, set()
    while node is not None and node.id not in seen and not node.cls.startswith("VAEDecode"):
        seen.add(node.id)
        if node.cls in FRAME_PICKS:
            return True
        node = wf.source(node, next((k for k in ("images", "image") if k in node.links), ""))
    return False
