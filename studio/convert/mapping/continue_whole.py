"""A whole loaded clip encoded and kept by a noise mask's window up to its start (KJNodes' LTXVAudioVideoMask, the
latent padded to the window's end; ckinpdx's three LTX23_Continuation files: 'vid replace start time' 4 s or 10 s)
made as Studio's 'continue_from' with 'continue_part: its first frames' (nodes/video_models/takes/continue_from.py):
the take starts from the clip's first seconds the window keeps and makes the rest to the window's end, as ComfyUI
does. What differs is said in one sentence each: the clip's frames after the window's end, which ComfyUI keeps where
the clip is longer (an inpaint in time), are not in Studio's take; a start or rate worked out when the workflow runs
(from the clip's information: tracing/window_probe.py) is read for a long clip, a shorter clip's worked out when it
runs. Called by mapping/continue_wired.py; told by the mask's declared settings and the loader found by its types.
Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..takes.continued_take import padded
from ..tracing.mask_window import kept_video_frames, windowed
from ..tracing.window_probe import long_clip_value

FIRST = "its first frames"  # continue_part's choice (nodes/video_models/takes/continue_from.py)
_name = CNode.named


def _g(v: float) -> str:
    return f"{v:g}"


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def setting(b: Any, mask: CNode, name: str, said: list[str], what: str, unit: str) -> float | None:
    """``mask``'s setting ``name``: as read, else worked out for a long clip (said: the nodes it is worked out from
    when the workflow runs, and that another clip's may differ; the nodes read marked read); None where neither."""
    v = _number(b.wf.value(mask, name))
    if v is not None:
        return v
    got = long_clip_value(b.wf, mask, name)
    if got is None:
        return None
    v, leaves, read = got
    b.used |= read
    who = ", ".join(_name(n) for n in leaves)
    said.append(f"{mask.of(name)} is worked out when the workflow runs from what {who} gives: {_g(v)}{unit} where "
                f"those values are large (a clip long enough, at a rate high enough: Studio worked it out so); for "
                f"another clip ComfyUI may work out another {what}, which Studio's take does not follow (it takes "
                f"{_g(v)}{unit})")
    return v


def window(b: Any, mask: CNode, said: list[str]) -> tuple[float, float, bool] | None:
    """(start, end, the start worked out when it runs) of ``mask``'s video window where it continues what it is given
    (a start after 0, an end after it, the latent padded to it), reading a start worked out from the clip for a long
    clip (said); None otherwise."""
    if not windowed(mask) or "video_latent" not in mask.links or padded(b.wf, mask) != "pad":
        return None
    end = _number(b.wf.value(mask, "video_end_time"))
    known = _number(b.wf.value(mask, "video_start_time"))
    words: list[str] = []
    start = known if known is not None else setting(b, mask, "video_start_time", words, "start", " s")
    if end is None or start is None or not 0 < start < end:
        return None
    said += words
    return start, end, known is None


def whole(b: Any, mask: CNode, encode: CNode, start: float, end: float, rate: float, known_rate: bool, frames: int,
          source: str, said: list[str]) -> str:
    """The generator's settings of a whole clip kept by ``mask`` up to ``start`` s and made to ``end`` s (its first
    frames continued), put in ``b.extra`` and said; the words of how it is continued."""
    kept = kept_video_frames(start, rate)
    b.extra["continue_part"] = FIRST
    if known_rate:
        b.extra["continue_frames"] = kept
        how = f"its first {kept} frames"
    else:
        b.extra["continue_seconds"] = round(start, 4)
        how = f"its first {_g(start)} s at the clip's own frame rate"
    b.extra["frames"] = frames
    rated = "fps" not in b.extra  # (the take's rate where the workflow's own is not read: the window's)
    b.extra.setdefault("fps", rate)
    b.used.add(mask.id)
    said.append(f"{_name(mask)} keeps the first {_g(start)} s of the whole clip {_name(encode)} encodes ({source}) and "
                f"makes its frames anew from there to {_g(end)} s: Studio's 'continue_from' is given the clip and, "
                f"with 'continue_part' {FIRST}, continues from {how}, a condition at frame 0, 'frames' {frames} "
                f"({_g(end)} s at {_g(rate)} fps, as a whole number of latent frames)" + (f", 'fps' {_g(rate)}" if rated else ""))
    said.append(f"the clip's frames after {_g(end)} s, which {_name(mask)} keeps as they are where the clip is longer "
                f"(an inpaint in time), are not in Studio's take: it ends at {_g(end)} s")
    return how
