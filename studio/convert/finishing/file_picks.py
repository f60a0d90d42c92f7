"""Frames of a file picked on its way to a comparison beside the take (ComfyUI core's ImageFromBatch from
'batch_index', 'length' of them; a pack's pick of a run told by its declared types, KJNodes' GetImageRangeFromBatch):
Studio's Trim after the file's loader, said in the comparison's sentence. Found by the hundred-and-eighth held-out
set: a clip's frames 0-120 picked once for both the re-render and the before-and-after stitch were trimmed on the
generator's way only, the stitch given the whole clip unsaid. The pick's settings as picked_frames reads them (only
fixed numbers, a run of more than one frame); ComfyUI clamps a run past the clip's end, as Trim's end does.
Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .picked_frames import run_picked
from .utility import wired_node


def file_trim(b: Any, n: Any, part: tuple[str, str]) -> tuple[tuple[str, str], str] | None:
    """Studio's Trim for the pick ``n`` on the file ``part`` (a Studio node and its output), and the words for the
    comparison's sentence; None where ``n`` is no pick of a run of frames or its settings are not fixed numbers."""
    run = run_picked(b.wf, n)
    if run is None:
        return None
    start, length = run
    trim = wired_node(b, "transform.trim", {"start": start, "end": start + length}, n, (*part, "video"))
    return (trim, "video"), (f"frames {start} to {start + length - 1} (at most) as '{n.title or n.shown_cls}' "
                             f"({n.shown_cls}, #{n.id}) picks them: Studio's Trim")
