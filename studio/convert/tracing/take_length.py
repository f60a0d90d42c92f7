"""The length of the video take a save of pictures is given: the frames its first sampler's latent is made with by a
video family's task node or empty latent (ComfyUI's usual names for a length), else None. One frame (Wan 2.2's text
to image: EmptyHunyuanLatentVideo of length 1) is a take of one frame, saved as one picture. Plain data and stdlib."""
from __future__ import annotations

from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from .tasks import task_node
from .walks import sampler_chain, upstream

LENGTHS = ("length", "video_frames", "num_frames", "frames")  # a latent's frames, by ComfyUI's usual names


def take_length(wf: Workflow, save: CNode) -> int | None:
    """The frames of the video family's take whose pictures ``save`` is given (None: no such take)."""
    node = _task_of(wf, save)
    if node is None:
        return None
    length = next((v for k in LENGTHS if (v := wf.value(node, k)) is not None), None)
    return length if isinstance(length, int) and not isinstance(length, bool) and length >= 1 else None


def counted_when_run(wf: Workflow, save: CNode) -> bool:
    """True where the pictures ``save`` is given are a video family's take whose length is wired to a value worked
    out only when the workflow runs (SCAIL-2's blueprints: GetImageSize's batch_size, the count of the pose clip's
    frames): a take of those frames, not a still (take_length None)."""
    node = _task_of(wf, save)
    return node is not None and take_length(wf, save) is None and any(
        k in node.links and wf.value(node, k) is None for k in LENGTHS)


def _task_of(wf: Workflow, save: CNode) -> CNode | None:
    """The video family's task node or empty latent the first sampler of ``save``'s take is given, else None."""
    samplers = sampler_chain(wf, save)
    if not samplers:
        return None
    ups = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in samplers}
    first = next((s for s in samplers if not any(o.id in ups[s.id] for o in samplers)), samplers[0])
    node, _ = task_node(wf, first, [])
    if node is None or node.cls not in set(families.lookup("tasks")) | set(families.lookup("empty")):
        return None
    return node
