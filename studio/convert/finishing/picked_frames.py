"""Frames of the take picked on its way to a save (ComfyUI core's ImageFromBatch: from 'batch_index', 'length' of
them; a pack's pick of a run by its declared types, KJNodes' GetImageRangeFromBatch from 'start_index', 'num_frames' of
them): Studio's Trim after the generator, said. Found by the fortieth held-out set: a Wan 2.2 take written from its
second frame on (ImageFromBatch 1, 999, between the grain and both Video Combines) was "not applied", the first frame
written too. Only fixed settings, a run of more than one frame (one frame is a still: takes.frames); ComfyUI clamps a
run past the batch's end, as Trim's end does. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from .utility import wired_node

PICKS = {"ImageFromBatch": ("batch_index", "length")}  # ComfyUI core's pick of a run of frames (its two settings)
COUNTS = ("length", "num_frames", "count", "frame_count", "num")  # (takes/frame_way.COUNTS: a pick's count's names)


def _names(n: Any) -> tuple[str, str] | None:
    """(the setting naming the first frame, the one naming how many) of a pick of a run of frames: by name (PICKS),
    else by its pack's declared types (one IMAGE socket and out, two whole-number settings: an index or a start, and
    a count: KJNodes' GetImageRangeFromBatch, as takes/frame_way reads a pick); None for another node."""
    if n.cls in PICKS:
        return PICKS[n.cls]
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE" or \
            [i.type for i in t.sockets if i.type == "IMAGE"] != ["IMAGE"] or any(w.type != "INT" for w in t.widgets):
        return None
    at = [w.name for w in t.widgets if "index" in w.name or w.name.startswith("start")]
    count = [w.name for w in t.widgets if w.name in COUNTS]
    return (at[0], count[0]) if len(at) == 1 and len(count) == 1 and len(t.widgets) == 2 else None


def _fixed(wf: Any, n: Any, name: str) -> int | None:
    v = wf.value(n, name) if name in n.links or name in n.widgets else None
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def trimmed(b: Any, n: Any, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Trim for ComfyUI's pick ``n`` on the take ``src`` before the save ``out`` (in words), said; None
    where ``n`` is no such pick or its settings are not fixed numbers."""
    names = _names(n)
    if names is None:
        return None
    start, length = (_fixed(b.wf, n, k) for k in names)
    if start is None or length is None or length < 2:
        return None
    b.used.add(n.id)
    trim = wired_node(b, "transform.trim", {"start": start, "end": start + length}, n, (*src, "video"))
    said.append(f"{out} writes the take's frames {start} to {start + length - 1} (at most; ComfyUI stops at the "
                f"take's end) as '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) picks them: Studio's Trim after "
                "the generator")
    return trim, "video"


def run_picked(wf: Any, n: Any) -> tuple[int, int] | None:
    """(the first frame, how many) the pick of a run of frames ``n`` takes, where both are fixed numbers and it takes
    more than one frame (finishing/file_picks.py: the same pick on a file's way); None else."""
    names = _names(n)
    start, length = (_fixed(wf, n, k) for k in names) if names is not None else (None, None)
    return (start, length) if start is not None and length is not None and length >= 2 else None
