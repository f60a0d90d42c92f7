"""What a noise mask set by a time window keeps of an encoded latent, read from its declared settings (KJNodes'
LTXVAudioVideoMask: ``video_fps``, ``video_start_time`` / ``video_end_time``, ``audio_start_time`` /
``audio_end_time`` in seconds, ``max_length``): new content is made inside the window, the encoded frames outside it are
kept. A window starting after 0 keeps the leading run of the encoded clip - the context frames a continuation starts
from (heldout17 04: shot 1's last 73 frames, 3.04 s at 24 fps; 09: a clip's last 5 s continued to 20 s). LTX-2's VAE
puts latent frame 0 on pixel frame 0 and latent frame k on pixel frames 8(k-1)+1 .. 8k: the window starts at the first
latent frame whose first pixel frame is not before the start (facts read from KJNodes' source, no code copied). A mask
set otherwise (a MASK input: SetLatentNoiseMask) says nothing here. Plain data and stdlib."""
from __future__ import annotations

from ..catalogue import node_type
from ..reading.workflow import CNode, Workflow

PARTS = (("video", "frames"), ("audio", "sound"))
TEMPORAL = 8  # pixel frames a latent frame after the first holds (LTX-2's VAE)


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _secs(v: float) -> str:
    return f"{v:g} s"


def windowed(n: CNode) -> bool:
    """``n`` declares a mask window in seconds (a ``<part>_start_time`` and ``<part>_end_time`` setting)."""
    t = node_type(n.origin or n.cls)
    names = {i.name for i in t.inputs} if t is not None and t.inputs else set()
    return any(f"{p}_start_time" in names and f"{p}_end_time" in names for p, _ in PARTS)


def kept_video_frames(start: float, fps: float) -> int:
    """Pixel frames of the encoded clip before the window starting at ``start`` s (a whole number of latent frames:
    1 + 8k)."""
    first = int(round(start * fps))
    if first <= 0:
        return 0
    k = (first - 1 + TEMPORAL - 1) // TEMPORAL + 1  # latent frames before the first one starting at or after it
    return (k - 1) * TEMPORAL + 1


def window_words(wf: Workflow, n: CNode) -> str | None:
    """What ``n``'s window keeps and makes, in words ('a continuation: ...'), or None when it declares no window or its
    start is not worked out (the caller keeps its own words)."""
    if not windowed(n):
        return None
    fps = _number(wf.value(n, "video_fps"))
    pad = wf.value(n, "max_length")
    parts, lead = [], None
    for p, what in PARTS:
        if f"{p}_latent" not in n.links:
            continue  # (no such latent wired: nothing of it masked)
        start, end = _number(wf.value(n, f"{p}_start_time")), _number(wf.value(n, f"{p}_end_time"))
        if start is None:
            return None
        made = f"from {_secs(start)} to " + (_secs(end) if end is not None else "a time Studio cannot work out")
        if p == "video":
            lead = start > 0
            kept = kept_video_frames(start, fps) if fps else 0
            counted = f" (its first {kept} frames at {fps:g} fps)" if kept else " (to the latent frame it falls in)"
            parts.append(f"keeps the encoded {what} before {_secs(start)}{counted} and makes new ones {made}"
                         if start > 0 else f"makes the encoded {what} anew {made}")
        else:
            parts.append(f"the encoded {what} kept before {_secs(start)} and made {made}" if start > 0 else
                         f"the encoded {what} made anew {made}")
    if not parts or lead is None:
        return None
    padded = (", the latent padded where the window runs past the encoded clip's end ('pad')" if pad == "pad" else
              ", the window cut where it runs past the encoded clip's end ('truncate')" if pad == "truncate" else
              ", cut at the encoded clip's end or padded past it (its 'max_length' not read)" if pad is None else
              f" ('max_length' {pad})")
    kind = "a continuation: it " if lead else "not a continuation: it "
    return kind + "; ".join(parts) + padded
