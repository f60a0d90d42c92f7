"""A range of a loaded clip's frames picked on its way to a generator's clip input (ComfyUI's ImageFromBatch 0 of
81, KJNodes' GetImageRangeFromBatch, essentials' ImageFromBatch+: one IMAGE socket, IMAGE out, whole-number settings
naming the first frame and how many: takes.frame_way.pick_widgets, by declared types) is Studio's Trim after the
clip's Load Video (start, end = start + count), made as a step on that input's way, said; no longer passed over as
'not applied' with the whole clip wired (heldout55 10: Wan VACE inpainting the first 81 frames of a clip was given
every frame). Trim keeps at most the frames the clip has, as ComfyUI's pick does (it takes min(count, frames left));
a first frame past the clip's end stops Trim with an error where ComfyUI's pick takes the clip's last frame. A pick
of one frame is Frame Hold's (clip_last); a picture input (a start image) given a range keeps clip_frames' reading.
The node whose frames a clip input is given (the step Studio makes nearest the input, else the loader: ``given``)
lets a count of those frames be read as that input's length (mapping/folded_sizes: a generator's 'frames' 0 takes
its source clip's length, as ComfyUI's length = the count). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading import measured
from ..reading.loaded_clip import components_input
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..takes.extend import pick_of
from ..takes.frame_way import highest, pick_widgets

CLIPS = ("Video", "Mask")  # Studio input types taking a clip (a range of frames is one)


def _whole(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def picked(wf: Workflow, n: CNode) -> tuple[int, int] | None:
    """(the first frame, how many) ``n`` picks of the frames it is given where it is a pick of a range of more than
    one frame by its declared types, both known whole numbers (the first below its declared highest: ImageFromBatch's
    4095 stands for 'the last'); else None."""
    widgets = pick_widgets(n)
    if widgets is None or not widgets[1]:
        return None
    start, count = _whole(wf.value(n, widgets[0])), _whole(wf.value(n, widgets[1]))
    top = highest(n, widgets[0])
    if start is None or count is None or start < 0 or count < 2 or (top is not None and start >= top):
        return None
    return start, count


def trims(wf: Workflow, loader: CNode, n: CNode, takes: str | None) -> bool:
    """True where ``n``, on the way from the video ``loader`` to a generator input of Studio type ``takes``, picks a
    range of the clip Studio's Trim makes (a clip input: a picture input keeps clip_frames' reading)."""
    return takes in CLIPS and LOADER_NODES.get(loader.cls, ("", ""))[1] == "video" and picked(wf, n) is not None


def params(wf: Workflow, n: CNode) -> dict[str, int]:
    """Studio's Trim settings for the pick ``n`` (picked)."""
    start, count = picked(wf, n)
    return {"start": start, "end": start + count, "step": 1}


def said(wf: Workflow, n: CNode, into: str, loader: CNode, file: str) -> str:
    """The sentence for the pick ``n`` of ``loader``'s clip (its file ``file``) made as Studio's Trim on the generator
    input ``into``'s way."""
    start, count = picked(wf, n)
    at, many = pick_widgets(n)
    past = (f"; a clip of {start} frames or fewer stops Trim with an error (ComfyUI's pick takes its last frame)"
            if start > 0 else "")
    named = f" ('{file}')" if file else ""
    return (f"the generator's '{into}' is given frames {start} to {start + count - 1} of the clip {loader.named()} "
            f"loads{named} ('{n.title or n.shown_cls}' "
            f"({n.shown_cls}, #{n.id}) picks them: {at} {start}, {many} {count}): Studio's Trim after Load Video "
            f"(start {start}, end {start + count}) keeps them; a shorter clip gives the frames it has, as in "
            f"ComfyUI{past}")


def given(wf: Workflow, loader: CNode, walked: list[CNode], steps: list[CNode]) -> CNode | None:
    """The node whose frames, as Studio makes them, are the clip a generator input is given from the video
    ``loader`` (``walked``: every node on the way, nearest the input first; ``steps``: those Studio makes): the made
    step nearest the input, else the loader; None for a picture loader, or where a node before it on the way is
    neither made nor one keeping the frames as they are (a pick Studio does not make would change their count)."""
    if LOADER_NODES.get(loader.cls, ("", ""))[1] != "video":
        return None
    at = steps[0] if steps else loader
    before = walked[walked.index(at) + 1:] if at in walked else walked
    kept = all(n in steps or n.cls == "Reroute" or components_input(n) is not None or measured.passes_picture(n)
               for n in before)
    return at if kept and not any(pick_of(n) is not None and n not in steps for n in walked) else None


def record(b: Any, into: str, loader: CNode, walked: list[CNode], steps: list[CNode]) -> None:
    """``b.clips_given[into]`` = (the node whose frames ``into`` is given: ``given``, its loader), where known."""
    node = given(b.wf, loader, walked, steps)
    if node is not None:
        b.__dict__.setdefault("clips_given", {})[into] = (node, loader)
