"""A ComfyUI node's frame index as the mark Studio's 'keyframes' setting reads (issue 112 item 4): a whole number as it
is, counted from the end where negative as ComfyUI counts it (-1: 'last', the take's last frame; -5 the fifth from the
end: Studio's keyframes count so too), a number written as text read as that number. An index Studio cannot read (wired
to a node whose value it cannot work out, or not a whole number) is placed at frame 0 with a sentence saying so, never
in silence. Plain stdlib."""
from __future__ import annotations

import math
from typing import Any

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow

LIMIT = 10**9  # an index past this is no frame number (a hostile file's)


def whole(v: Any) -> int | None:
    """``v`` as a whole frame number (an int, a float with no fraction, or such a number written as text), else None."""
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v != int(v) or abs(v) >= LIMIT:
        return None
    return int(v)


def mark(at: int) -> str:
    """-1 -> 'last'; any other whole number as it is (negative: counted from the end)."""
    return "last" if at == -1 else str(at)


def frame_mark(wf: Workflow, n: CNode, key: str, value: Any = None, default: int = 0) -> tuple[str, str | None]:
    """(the mark of node ``n``'s frame index ``key``, the sentence said where it could not be read, else None):
    ``value`` where the caller read it another way (a dynamic node's saved values), else the node's own; an index
    not set at all is the node's ``default`` (ComfyUI's default: 0), said (an API file's export may leave an optional
    index out: KJNodes' LTXVImgToVideoInplaceKJ then inserts no image at all)."""
    v = value if value is not None else wf.value(n, key)
    at = whole(v)
    if at is not None:
        return mark(at), None
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if v is None and key in n.links:
        src = wf.source(n, key)
        why = (f"comes from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}), whose value Studio cannot "
               "work out" if src is not None else "comes from a node Studio cannot read")
    elif v is None:  # (not saved at all: an API file's export that left the optional index out, heldout103 02)
        shown = n.ports.get(key, key) if isinstance(n.ports.get(key, key), str) else key
        return mark(default), (f"the file saves no frame for {who} ('{shown}'): its image is placed at frame "
                               f"{mark(default)}, the node's default; set the generator's 'keyframes' if another "
                               "frame is meant")
    else:
        why = f"({number(v) if isinstance(v, (int, float)) else repr(str(v)[:40])}) is not a frame number"
    shown = n.ports.get(key, key) if isinstance(n.ports.get(key, key), str) else key  # (the file's own input name)
    return "0", f"the frame of {who} ('{shown}') {why}: its image is placed at frame 0; set the generator's 'keyframes'"


def capped(marks: list[str], which: dict[int, str], frames: Any, said: list[str]) -> None:
    """Marks ``which`` names (their place in ``marks`` -> the node, in words) come from a node that puts an image given
    a frame at or past its latent's end on the last frame (KJNodes' LTXVImgToVideoInplaceKJ clamps its latent index:
    ltxv_nodes.py, read for meaning); Studio refuses a keyframe outside the take, so such a mark is made 'last' where
    the take's ``frames`` are known, and said (dyncombo10: ckinpdx's FLF files wire the end frame's index to the frame
    count, 249 of 249 frames)."""
    if not isinstance(frames, int) or isinstance(frames, bool) or frames <= 0:
        return
    for i, who in sorted(which.items()):
        at = whole(marks[i]) if 0 <= i < len(marks) else None
        if at is not None and at >= frames:
            marks[i] = "last"
            said.append(f"{who} places its image at frame {at}, past the take's last frame ({frames - 1}): ComfyUI's "
                        "node puts it on the last frame, and so does Studio ('last')")
