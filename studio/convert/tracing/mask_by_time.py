"""What a noise mask set by time on an audio-and-video latent keeps and makes (ComfyUI-LTXVideo's
LTXVSetAudioVideoMaskByTime, read for its inputs and meaning: 'start_time' to 'end_time' in seconds at 'video_fps'
sampled again where 'mask_video' / 'mask_audio' are on, the rest held at its 'mask_init_value_*'; told here by its
settings and its 'av_latent' input, not its name): a window starting after 0 keeps the encoded clip's first seconds
(the latent frame the start falls in kept whole, as KJNodes' window keeps it: mask_window.kept_video_frames) and,
unlike KJNodes' LTXVAudioVideoMask, pads nothing: the latent is the encoded clip's own length, so the frames after
the window's end are kept too - a continuation where the clip ends by then, an inpaint in time otherwise, which only
the clip's length, known when the workflow runs, tells. Worded for the hold (mapping.intent) and its by-hand words
(mapping/continue_by_hand.py). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .mask_window import kept_video_frames


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def by_time(wf: Workflow, n: CNode) -> tuple[float, float, float | None] | None:
    """(start, end, fps) of ``n``'s window where it sets a mask by time on an 'av_latent' with the picture sampled
    again over it and held elsewhere (init 0); None otherwise."""
    if "av_latent" not in n.links:
        return None
    start, end = _number(wf.value(n, "start_time")), _number(wf.value(n, "end_time"))
    if start is None or end is None or wf.value(n, "mask_video") is not True:
        return None
    if (_number(wf.value(n, "mask_init_value_video")) or 0.0) != 0.0:
        return None
    return start, end, _number(wf.value(n, "video_fps"))


def time_words(wf: Workflow, n: CNode) -> str | None:
    """What ``n``'s window keeps and makes, in words ('a continuation where ...' for a start after 0), or None."""
    got = by_time(wf, n)
    if got is None:
        return None
    start, end, fps = got
    if start <= 0:
        return (f"not a continuation: it makes the encoded frames anew from 0 s to {end:g} s, the frames after it kept "
                "as encoded")
    kept = kept_video_frames(start, fps) if fps else 0
    counted = f" (its first {kept} frames at {fps:g} fps)" if kept else " (to the latent frame it falls in)"
    sound = ("the sound made anew over the same window" if wf.value(n, "mask_audio") is True else
             "the sound kept as it is given" if (_number(wf.value(n, "mask_init_value_audio")) or 0.0) == 0.0
             else "the sound held as its settings say")
    return (f"a continuation where the encoded clip ends by {end:g} s, else an inpaint in time: it keeps the encoded "
            f"frames before {start:g} s{counted} and makes them anew from {start:g} s to {end:g} s, the frames after "
            f"{end:g} s kept as encoded (nothing padded: the latent is the encoded clip's own length); {sound}")


def time_by_hand(wf: Workflow, n: CNode, who: str, file: str) -> str:
    """The by-hand words for a window by time continuing the clip ``who`` loads, '' where none starts after 0."""
    got = by_time(wf, n)
    if got is None or got[0] <= 0:
        return ""
    start, end, _ = got
    return (f"; to make it by hand where the clip {who} loads ('{file}') ends by {end:g} s: wire it to LTX-2 Video + "
            f"Sound's 'continue_from' with 'continue_part' its first frames and 'continue_seconds' {start:g}, and set "
            "'frames' to the clip's own length, which Studio learns only when the workflow runs (the take is held, "
            "not made, for that)")
