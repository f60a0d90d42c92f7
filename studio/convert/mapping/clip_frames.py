"""The frames of a clip a workflow gives a generator's picture input (a start image given frames of a video): one
picked (Frame Hold stands for it), several or every frame, in words, where Studio's input takes one picture and the
workflow gives more (heldout11 03: 'a frame of the clip' said of 121 frames). Plain data."""
from __future__ import annotations

from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..takes.extend import pick_of


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def frames_given(wf: Workflow, loader: CNode, via: list[CNode]) -> tuple[str, str] | None:
    """(how many frames, the node picking them in words: '' for none) of ``loader``'s clip the way ``via`` gives
    where more than one may be; None for a picture loader or a pick of one frame."""
    if LOADER_NODES.get(loader.cls, ("", ""))[1] != "video" or _int(loader.widgets.get("frame_load_cap")) == 1:
        return None  # a picture, a folder of pictures, or a clip loaded as one frame
    for n in via:
        if (pick := pick_of(n)) is None:
            continue
        at, count = pick
        first, many = _int(wf.value(n, at)) if at else None, _int(wf.value(n, count)) if count else 1
        if many == 1:
            return None
        what = f"up to {many} frames" if many and many > 1 else "frames"
        start = f" from frame {first}" if first is not None else ""
        return f"{what}{start}", f" ('{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) picks them)"
    return "every frame", ""


def held_said(into: str, file: str, given: tuple[str, str] | None, kind: str) -> str | None:
    """The sentence for Frame Hold on ``into`` (a picture input given a clip ``file``): the frames the workflow
    gives where more than one (``given``: frames_given), else 'a frame of the clip'; None for a picture loader."""
    if given is not None:
        return (f"'{into}' is given {given[0]} of the clip '{file}'{given[1]}: Studio's '{into}' takes one picture, "
                "Frame Hold gives the clip's first frame; the other frames are not given")
    return f"'{into}' is a frame of the clip '{file}': Frame Hold gives its first frame" if kind != "image" else None


def folder_said(into: str, folder: str, trim: dict) -> str:
    """The sentence for Frame Hold on ``into`` given the pictures a folder loader picks (``trim``: sequence_picks'):
    the one it picks, else the first of those it picks (the others not given)."""
    start, end = trim["start"], trim["end"]
    if end == start + 1:
        return (f"'{into}' is picture {start} of the folder '{folder}' (the Trim after Load Image Sequence keeps it): "
                "Frame Hold gives it")
    return (f"'{into}' is given pictures from {start} on of the folder '{folder}': Studio's '{into}' takes one "
            f"picture, Frame Hold gives the first the Trim keeps (picture {start}); the others are not given")
