"""A loaded clip continued: its last frame picked on its way to a generator's picture input (VideoHelperSuite's
Select Images '-1', KJNodes' GetImageRangeFromBatch from -1 of 1 frame, ImageFromBatch at its declared highest index:
ComfyUI takes the batch's last frame there) is Frame Hold of that frame counted from the clip's end (-1: the last),
not the clip's first frame (heldout45 03: a Wan segment extending 'Example1.mp4' from its last frame was started from
its first, the pick said not applied). Told by the pick's declared types: one IMAGE socket, IMAGE out, one setting
naming an index (a whole number, or a text holding one whole number), at most one more saying how many frames (1).
A pick of the clip's first frame (index 0, one frame), the only pick on the way, is what Frame Hold's frame 0 gives:
read so, named, never said wired without nor 'not applied' (heldout49 03: KJNodes' GetImageRangeFromBatch 0 of 1 as
InfiniteTalk's start image). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading import sequence_picks
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..takes.frame_way import COUNTS
from ..takes.extend import pick_of
from . import clip_frames


def _whole(v: Any) -> int | None:
    """A whole number, or a text holding one ('-1'); None for anything else (a range '-6:-1', a list '0,5')."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v.strip())
    return None


def _one(wf: Workflow, n: CNode) -> tuple[int, str, Any] | None:
    """(the index ``n`` picks one frame at, its setting in words, that setting's declared widget) where ``n`` is a
    pick of one frame by its declared types; None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE":
        return None
    if [i.type for i in t.sockets if i.type == "IMAGE"] != ["IMAGE"]:
        return None
    at = [w for w in t.widgets if "index" in w.name]
    count = [w for w in t.widgets if w.name in COUNTS]
    if len(at) != 1 or len(count) > 1:
        return None
    v = wf.value(n, at[0].name)
    i = _whole(v)
    many = _whole(wf.value(n, count[0].name)) if count else 1
    if i is None or many != 1:
        return None
    return i, (f"{at[0].name} {v!r}" if isinstance(v, str) else f"{at[0].name} {i}"), at[0]


def _picks(wf: Workflow, via: list[CNode]) -> list[CNode]:
    """The nodes on the way ``via`` picking frames (by name or by their declared types), once each."""
    return list({n.id: n for n in via if pick_of(n) is not None or _one(wf, n) is not None}.values())


def _from_first(wf: Workflow, n: CNode) -> bool:
    """Whether pick ``n`` starts at the frames' first (its first frame index 0, whatever its count)."""
    got = _one(wf, n)
    if got is not None:
        return got[0] == 0
    way = pick_of(n)  # (its setting naming the first frame: a range picked)
    return way is not None and _whole(wf.value(n, way[0])) == 0


def first_pick(wf: Workflow, via: list[CNode]) -> tuple[CNode, int, str] | None:
    """(the node on the way ``via`` picking the clip's first frame, 0, its setting in words) where it is the only
    node on the way picking frames, or where every pick on the way starts at the frames' first (a range from 0, then
    one frame at 0: still the clip's first frame; heldout119 01's GetImageRangeFromBatch 0 of 15 then 0 of 1); None
    where a pick starting elsewhere would move which frame is first."""
    picks = _picks(wf, via)
    ones = [(n, got) for n in picks if (got := _one(wf, n)) is not None and got[0] == 0]
    if not ones or not all(_from_first(wf, n) for n in picks):
        return None
    n, got = ones[0]
    return n, 0, got[1]


def firsts(wf: Workflow, via: list[CNode]) -> list[CNode]:
    """The picks on the way ``via`` that first_pick reads together (each starting at the frames' first)."""
    return [n for n in _picks(wf, via) if _from_first(wf, n)] if first_pick(wf, via) is not None else []


def last_pick(wf: Workflow, via: list[CNode]) -> tuple[CNode, int, str] | None:
    """(the node on the way ``via`` picking one frame counted from the clip's end, that frame: -1 the last, its
    setting in words), or None where no node on it does."""
    for n in via:
        got = _one(wf, n)
        if got is None:
            continue
        i, words, at = got
        if i < 0:
            return n, i, words
        if isinstance(at.max, int) and i >= at.max > 0:  # its highest (ImageFromBatch's batch_index 4095):
            top = at.max + 1  # ComfyUI's pick clamps to the last frame of any clip up to that long
            return n, -1, f"{words}, its highest: ComfyUI takes the last frame of a clip of up to {top} frames"
    return None


def held(b: Any, into: str, file: str, said: list[str]) -> int | None:
    """The frame Frame Hold keeps for ``into`` where the clip's way picks one from its end or its first (intent recorded it in
    ``b.last_picks``), the pick read (its sentence in ``said``, the file no longer said wired without it); None
    where none does."""
    found = b.last_picks.get(into)
    if found is None:
        return None
    pick, frame, words, what, other, *also = found
    also = [n for n in (also[0] if also else []) if n is not pick] if frame == 0 else []  # (picks from 0 before it)
    b.used |= {pick.id, *(n.id for n in also)}
    named = f"'{pick.title or pick.shown_cls}' ({pick.shown_cls}, #{pick.id})"
    covered = {named, *(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in also)}
    if also:  # (the range it picks within, named: its first frame is the clip's)
        words += "".join(f", within '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s frames from 0" for n in also)
    old = b.wired_without.get(into)
    if old in said:
        rest = [x for x in other if x not in covered]
        at = said.index(old)
        if rest:
            said[at] = b.wired_said(into, what, rest)
        else:
            del said[at]
            del b.wired_without[into]
    if frame == 0:  # (the clip's first frame: Frame Hold's own)
        said.append(f"'{into}' is the first frame of the clip '{file}' ({named} picks it: {words}): Frame Hold "
                    "(frame 0) gives it")
        return frame
    which = "last frame" if frame == -1 else f"frame {-frame} from the end"
    said.append(f"'{into}' is the {which} of the clip '{file}' ({named} picks it: {words}): Frame Hold "
                f"(frame {frame}) gives it: the take starts where the clip ends")
    return frame


def record(b: Any, into: str, loader: CNode, way: list[CNode], given: str, other: list[str]) -> None:
    """Where the way ``way`` from a video ``loader`` to ``into`` (the task node's input ``given``, in words) picks
    the clip's frame from its end, or its first frame: kept for Frame Hold (hold), with the other steps said wired
    without (``other``)."""
    if LOADER_NODES.get(loader.cls, ("", ""))[1] == "video" and (
            last := last_pick(b.wf, way) or first_pick(b.wf, way)):
        b.last_picks[into] = (*last, f"{given} is {loader.shown_cls}'s file", other,
                              firsts(b.wf, way) if last[1] == 0 else [])


def hold(b: Any, into: str, loader: CNode, said: list[str]) -> str:
    """Frame Hold giving ``into`` one frame of ``loader``'s clip: its last one picked (held), else its first, said
    (clip_frames: never 'a frame' of many)."""
    file = b.file_of(loader)
    last = held(b, into, file, said)
    node = b.add("edit.frame_hold", {"frame": last or 0}, loader)
    picks = sequence_picks.params(b.wf, loader) if LOADER_NODES[loader.cls][0] == "footage.load_sequence" else None
    if last is None and picks:  # a folder's picture picked by its place (reading.folders.picked)
        said.append(clip_frames.folder_said(into, file, picks))
    elif last is None and (line := clip_frames.held_said(into, file, b.clip_frames.get(into),
                                                         LOADER_NODES[loader.cls][1])):
        said.append(line)
    return node
