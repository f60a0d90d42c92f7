"""Text to Video's 'continue_from': a clip the take continues. Its last ``k`` frames condition the take's first
window at frame 0, exactly as a continued window is conditioned on the one before (continuation.py: the family's
condition pipeline, LTX-Video / LTX-2); ``k`` is the longest length the VAE encodes whole (``t·m + 1``) not past the
clip nor the window, or fewer where 'continue_frames' / 'continue_seconds' ask (the last N frames, cut to that
length; or seconds at the clip's own rate, counted as LTX-2's noise masks by time keep them: to the end of the latent
frame the time falls in). The take then starts with those
frames (as the VAE gives them back) and goes on from them; its 'frames' count them; 'continue_output: new frames only'
cuts them from the output (and the sound under them), as workflows that save only the frames made after them do;
'continue_part: its first frames' starts it from the clip's first frames instead (the rest of the clip made anew after
them: a noise-mask window from a time on, ckinpdx's LTX23_Continuation).
Families whose Text to Video takes no frames refuse it in words."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int
from studio.core.spec import In

from .continuation import lead_frames

CONTINUE_FROM = In("continue_from", "Video", optional=True,
                   help="a clip to continue (LTX-Video, LTX-2): its last frames (the most the VAE encodes whole, "
                        "less than a window) condition the first window at frame 0, as a continued window is; the "
                        "output starts with those frames and goes on from them, 'frames' counting them; width and "
                        "height 0: the clip's")
WITH, NEW_ONLY = "with its frames", "new frames only"
LAST, FIRST = "its last frames", "its first frames"  # continue_part: the clip's end, or its start (the rest remade)
CONTINUE_PARAMS = (
    Int("continue_frames", 0, min=0, max=1_000_000,
        help="with 'continue_from': the clip's last frames the take starts from (cut to a length the VAE encodes "
             "whole, less than a window); 0: the most it encodes whole"),
    Float("continue_seconds", 0.0, min=0.0, max=86_400.0,
          help="with 'continue_from': the clip's last seconds (at its own frame rate) the take starts from, in place "
               "of 'continue_frames', counted to the end of the latent frame the time falls in (as LTX-2's noise "
               "masks by time keep them: 4 s at 25 fps are 105 frames); 0: as 'continue_frames' says"),
    Choice("continue_output", WITH, choices=(WITH, NEW_ONLY),
           help="with 'continue_from': the output starts with the clip's frames it continues (as the VAE gives them "
                "back), or holds only the frames made after them (those cut, with the sound under them)"),
    Choice("continue_part", LAST, choices=(LAST, FIRST),
           help="with 'continue_from': the take starts from the clip's last frames (it goes on after the clip), or "
                "from its first ones (the rest of the clip made anew after them, as a noise-mask window from a time "
                "on does); the sound continued is theirs"))


def lead_count(frames: int, window: int, temporal: int, asked: int = 0) -> int:
    """Frames of a clip of ``frames`` a take of windows of ``window`` starts from: ``t·m + 1``, at most the clip's, the
    ``asked`` (where above 0) and less than the window."""
    return lead_frames("t2v", min(frames, window - 1, asked or frames), temporal)


def asked_count(p, fps: float, temporal: int = 1) -> int:
    """The clip's frames the node's 'continue_seconds' (at the clip's ``fps``) or 'continue_frames' ask; 0: none asked
    (the most the VAE encodes whole). Seconds are counted as LTX-2's noise masks by time count them (KJNodes'
    LTXVAudioVideoMask, ComfyUI-LTXVideo's LTXVSetAudioVideoMaskByTime): the latent frame the time falls in is kept
    whole, so ``s`` seconds are the fewest ``t·m + 1`` frames not less than ``round(s·fps)`` (4 s at 25 fps: 105, 5 s
    at 24 fps: 121), where 'continue_frames' is a count cut down to such a length."""
    secs = float(getattr(p, "continue_seconds", 0.0) or 0.0)
    if secs > 0:
        n, t = max(1, int(round(secs * fps))), max(1, int(temporal))
        return (n - 1 + t - 1) // t * t + 1
    return int(getattr(p, "continue_frames", 0) or 0)


def refuse_beside(image, control) -> None:
    """LTX-2 Video + Sound: a first image or a control clip beside 'continue_from' is refused in words (both would
    give the take's first frames)."""
    wired = [name for name, v in (("image", image), ("control", control)) if v is not None]
    if wired:
        raise StudioError(f"'continue_from' gives the take its first frames, and so would '{wired[0]}': connect one "
                          "of them")


def lead_clip(ctx, sampler, clip, n: int, win: int, take: str, node_title: str) -> list:
    """The last frames of ``clip`` the take starts from, as [H, W, C] frames in [0, 1], said on the node; the run
    switched to the family's condition pipeline. Refused for a family that takes no frames, or context windows (one
    call of the whole take: no window of its own to start)."""
    from .continuation import condition_pipeline
    from .context_windows import temporal_ratio
    from .long_take import CONTEXT
    fam = sampler.fam
    if not fam.cond:
        raise StudioError(f"'continue_from': {fam.title} {node_title} takes no frames to start from (LTX-Video and "
                          "LTX-2 do): disconnect it, or load one of those models")
    if take == CONTEXT and n > win:
        raise StudioError("'continue_from' conditions the take's first window, but context windows sample the "
                          "whole take at once: set 'long_take' to continue (or auto)")
    m = len(clip)
    if m < 1:
        raise StudioError("'continue_from' holds no frames")
    if sampler.task != "cond":
        condition_pipeline(sampler)
    t = temporal_ratio(sampler.pipe)
    asked = asked_count(ctx.params, clip.fps, t)
    k = lead_count(m, win, t, asked)
    secs = float(getattr(ctx.params, "continue_seconds", 0.0) or 0.0)
    how = (f" (asked: {secs:g} s at {clip.fps:g} fps, to the end of the latent frame it falls in: {asked})"
           if secs > 0 and asked == k else "") + (
        f" (asked: {f'{secs:g} s, ' if secs > 0 else ''}the last {asked}, cut to a length the VAE encodes whole, "
        "less than a window)" if asked and asked != k else "")
    kept = (f"its first {k} frames are them" if getattr(ctx.params, "continue_output", WITH) != NEW_ONLY else
            f"they are cut from the output ('continue_output: {NEW_ONLY}')")
    first = getattr(ctx.params, "continue_part", LAST) == FIRST
    ctx.info(f"continue_from: the take starts from the {'first' if first else 'last'} {k} of its {m} frames{how}, a "
             f"condition at frame 0 of its first window ({type(sampler.pipe).__name__}): {kept}")
    return [clip.frame(i) for i in lead_span(m, k, first)]


def lead_span(m: int, k: int, first: bool = False) -> range:
    """The indices of the ``k`` frames of a clip of ``m`` a take starts from: its first ones, else its last."""
    return range(0, k) if first else range(m - k, m)


def one_call_lead(ctx, sampler, clip, image, control, n: int, node_title: str) -> list | None:
    """LTX-2 Video + Sound (one call of ``n`` frames): the frames of ``clip`` it starts from, or None where nothing is
    wired; its sound is not continued (said)."""
    if clip is None:
        return None
    refuse_beside(image, control)
    lead = lead_clip(ctx, sampler, clip, n, n, "", node_title)
    if not getattr(ctx.params, "continue_sound", False):
        ctx.info("continue_from: its sound is not continued: the take's sound is made as 'sound' says")
    return lead


def with_lead(sampler, call: dict, lead: list | None) -> dict:
    """The call's arguments with ``lead`` (frames, or None: as they are) a condition at frame 0, before its own."""
    if lead is None:
        return call
    from ..base.calls import to_pil
    from .continuation import frames_condition
    first = frames_condition(sampler.fam, [to_pil(f) for f in lead])["conditions"]
    return dict(call, conditions=first + list(call.get("conditions") or []))


def cut_lead(ctx, clip, lead: list | None):
    """``clip`` (made whole, an ArrayClip) without the ``lead`` frames it starts from where 'continue_output' is 'new
    frames only' (its sound cut by as many seconds), else as it is."""
    if not lead or getattr(ctx.params, "continue_output", WITH) != NEW_ONLY:
        return clip
    from studio.core.values import Audio
    from studio.engine.clip import ArrayClip
    k, sound = len(lead), clip.audio
    if sound is not None:
        sound = Audio(sound.samples[int(round(k / clip.fps * sound.rate)):], sound.rate)
    return ArrayClip(clip.frames[k:], clip.fps, sound)


def unstreamed(ctx, lead: list | None) -> None:
    """A take whose lead frames are cut is made whole before it is given (no frames streamed to the outputs)."""
    if lead and getattr(ctx.params, "continue_output", WITH) == NEW_ONLY:
        ctx.stream_to = None
