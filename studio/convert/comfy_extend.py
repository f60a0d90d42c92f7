"""Takes extended from another take's frame (issue 99, item 2): a ComfyUI chain of segments in which each
segment's start image is a frame of the segment before (ImageFromBatch of its decoded frames, resized or not),
each with its own prompt, LoRAs and seed, joined in order into one output. Read here: which take a segment
continues, through which port of its task node, from which frame. The segments are made as a generator each
(comfy_segments), each take after the first starting from the earlier generator's frame (Frame Hold), joined by
Concatenate; a chain of another form (a family's own continuation: InfiniteTalk's previous frames, SCAIL-2's
Extend) is its family's to read.

Plain data and stdlib."""
from __future__ import annotations

from dataclasses import dataclass

from .comfy_read import CNode, Workflow
from .comfy_tasks import task_node, task_of

# a frame of a take picked, or resized, on its way to the next take's start image
FRAME_PICKS = {"ImageFromBatch": ("batch_index", "length"), "GetImageRangeFromBatch": ("start_index", "num_frames")}
RESIZES = ("ImageScale", "ImageScaleBy", "ImageResizeKJv2", "ImageResizeKJ", "Reroute")
MAX_STEPS = 16


@dataclass(frozen=True)
class Continued:
    """A take whose start image is a frame of another's."""
    node: CNode  # its task node
    port: str  # the task node's input the frame reaches (its start image)
    sampler: str  # the earlier take's sampler whose decoded frames it picks from
    frame: int | None  # the frame picked (None: the last, or not known)
    pick: CNode | None  # the node picking it


def _frame(wf: Workflow, pick: CNode | None) -> tuple[int | None, bool]:
    """(the frame a picking node takes: None for the last or unknown, whether it picks one frame)."""
    if pick is None:
        return None, False
    at, count = FRAME_PICKS[pick.cls]
    i, n = wf.value(pick, at), wf.value(pick, count)
    one = n is None or n == 1
    return (i if isinstance(i, int) and not isinstance(i, bool) and i >= 0 else None), one


def continued(wf: Workflow, first: CNode, samplers: set[str], single: bool = True) -> Continued | None:
    """How sampler ``first``'s take starts from a frame of the take of one of ``samplers`` (its task node's start
    image, through a frame pick and resizes, from that take's decoder); None where it does not (or, ``single``,
    where it starts from several frames)."""
    node, _ = task_node(wf, first, [])
    spec = task_of(node)
    if node is None or spec is None or spec.generator is None:
        return None
    for port, into in spec.ports:
        if into != "image" or port not in node.links:
            continue
        src, pick = wf.source(node, port), None
        for _ in range(MAX_STEPS):
            if src is None:
                break
            if src.cls.startswith("VAEDecode"):
                made = wf.source(src, "samples")
                frame, one = _frame(wf, pick)
                if made is not None and made.id in samplers and (one or not single):
                    return Continued(node, port, made.id, frame, pick)
                break
            if src.cls in FRAME_PICKS and pick is None:
                pick = src
            elif src.cls not in RESIZES:
                break
            src = wf.source(src, "image") or wf.source(src, "images")
    return None
