"""How a clip longer than the model's window is made: the generators' 'long take' setting.

* ``context windows``: one pipeline call, one take; the denoiser runs on overlapping windows of the
  whole latent at every step (context_windows.py). Families whose denoiser input Studio can cut
  along its frames (Wan, LTX-Video, SkyReels-V2 other than its DF models, AnimateDiff: its UNet, the prompt
  given once a frame cut with them).
* ``continue``: one call per window, each starting from the last frames of the one before, given to a
  model conditioned on frames (Image to Video: the last frame; Wan VACE: the last frames kept;
  LTX-Video / LTX-2 Text to Video: a video condition at frame 0; continuation.py), its colour held to
  them (colour_hold.py). SkyReels-V2 DF continues its own way, by diffusion forcing: every window
  inside one pipeline call (forcing.py).
* ``separate shots``: one call per window, blended over the overlap (cuts, or a prompt that changes
  window by window).

``auto`` picks what suits the family and the node, and the node says which (:func:`plan_take`)."""
from __future__ import annotations

from dataclasses import dataclass

from ..base.capabilities import ContextWindows
from ..base.errors import ModelError
from .context_windows import SCHEDULES
from .continuation import CONTINUES, can_continue, lead_frames

CONTEXT, CONTINUE, SHOTS = "context windows", "continue", "separate shots"
LONG_TAKES = ("auto", CONTEXT, CONTINUE, SHOTS)
LONG_TAKE_HELP = ("a clip longer than the window: 'context windows' samples it as one take (Wan, LTX-Video, "
                  "SkyReels-V2: the model runs on overlapping windows of the whole clip at every step); 'continue' "
                  "makes window after window, each from the last frames of the one before (Image to Video: the last "
                  "frame; Wan VACE: the last 'overlap' frames kept; LTX-Video / LTX-2 Text to Video: the last frames "
                  "as a condition; SkyReels-V2 DF: diffusion forcing in one call, 'window' its base_num_frames and "
                  "'overlap' its overlap_history); 'separate shots' makes independent windows blended over the "
                  "overlap (cuts). auto: context windows for Wan, LTX-Video and SkyReels-V2 (with a prompt schedule: "
                  "Wan; LTX-Video continues), continue for SkyReels-V2 DF, Wan VACE and Image to Video of other "
                  "families, else separate shots; the node says which")
SCHEDULE_HELP = ("context windows: 'uniform' from the first frame to the last; 'looped' wraps the last "
                 "windows around to the first frames, for a clip that loops")
HOLD_CHOICES = ("auto", "on", "off")
HOLD_HELP = ("match each window's colour (Lab mean and spread) to the frames it shares with the one before; "
             "auto: on for 'continue', off otherwise (one take needs none)")


def can_cut(fam) -> bool:
    """The family's denoiser input has a frame axis context windows can cut (a diffusion-forcing model
    makes its long takes its own way: forcing.py)."""
    return fam.capability(ContextWindows) is not None and not fam.forcing


def scheduled_in_one_take(fam) -> bool:
    """A prompt schedule can change the prompt inside one take: the model's conditional call is named apart
    (Wan; context_windows.py)."""
    windows = fam.capability(ContextWindows)
    return windows is not None and windows.schedule_in_one_take


def one_take(fam, task: str, scheduled: bool) -> bool:
    """Context windows can make this take (VACE's control video lies beside the latent: not cut)."""
    return task != "vace" and can_cut(fam) and (not scheduled or scheduled_in_one_take(fam))


def default_take(fam, task: str, scheduled: bool = False) -> str:
    if one_take(fam, task, scheduled):
        return CONTEXT
    if fam.forcing and scheduled:  # one call, one prompt: a schedule's prompts go a window each
        return SHOTS
    return CONTINUE if can_continue(fam, task) else SHOTS


def choose_take(fam, task: str, asked: str, scheduled: bool = False) -> tuple[str, str | None]:
    """(the mode used, why it is not the one asked, or None). ``task``: the node's (i2v, t2v, v2v)."""
    if asked == "auto":
        return default_take(fam, task, scheduled), None
    if asked == CONTEXT and task == "vace":
        instead = default_take(fam, task, scheduled)
        return instead, ("'context windows' cannot cut Wan VACE's control video (it lies beside the latent): "
                         f"making {instead} instead")
    if asked == CONTEXT and fam.forcing:
        instead = default_take(fam, task, scheduled)
        how = "by diffusion forcing in one call" if instead == CONTINUE else "one prompt a window"
        return instead, (f"'context windows' is not how {fam.title} makes a long take: it continues its own way, "
                         f"each block from the last frames of the one before (diffusion forcing); making {instead} "
                         f"instead ({how})")
    if asked == CONTINUE and fam.forcing and scheduled and can_continue(fam, task):
        return SHOTS, (f"a prompt schedule: {fam.title}'s diffusion forcing makes the take in one call with one "
                       "prompt; making separate shots instead, one prompt a window")
    if asked == CONTEXT and not can_cut(fam):
        instead = default_take(fam, task, scheduled)
        return instead, ("'context windows' needs a denoiser Studio can cut along its frames (Wan, LTX-Video, "
                         f"SkyReels-V2); {fam.title} makes {instead} instead")
    if asked == CONTEXT and scheduled and not scheduled_in_one_take(fam):
        instead = CONTINUE if can_continue(fam, task) else SHOTS
        return instead, (f"a prompt schedule inside one take needs Wan (its conditional call is named apart); "
                         f"{fam.title} makes {instead}, one prompt a window")
    if asked == CONTINUE and not can_continue(fam, task):
        instead = CONTEXT if one_take(fam, task, scheduled) else SHOTS
        what = "Text to Video" if task == "t2v" else "Video to Video"
        return instead, (f"'continue' needs a model that takes frames to start from; {fam.title} {what} takes "
                         f"none ({CONTINUES} do): making {instead} instead")
    return asked, None


def hold_for(mode: str, asked: str) -> bool:
    return asked == "on" or (asked == "auto" and mode == CONTINUE)


@dataclass(frozen=True)
class Take:
    take: str      # the mode used
    window: int    # frames per pipeline call (the whole clip for context windows)
    overlap: int   # frames two calls share
    blend: bool    # the shared frames cross-fade (else the earlier call's stay)
    hold: bool     # each call's colour held to the one before
    lead: int = 1  # continue: frames of the call before that the next starts from (= overlap)


def plan_take(ctx, sampler, task: str, n: int, win: int, scheduled: bool) -> Take:
    """The take of ``n`` frames with windows of ``win``, as the node's 'long take' settings ask, said
    on the node; for context windows the sampler's plan is set (``sampler.context``)."""
    p, s = ctx.params, sampler
    take, why = choose_take(s.fam, task, p.long_take, scheduled)
    if n <= win:
        return Take(take, win, p.overlap, True, False)
    if why:
        ctx.warn(why)
    hold = hold_for(take, p.hold_colour)
    auto = " (auto)" if p.long_take == "auto" else ""
    if take == CONTEXT:
        from .context_windows import plan_for, temporal_ratio
        from ..base.family import valid_frames
        if p.step_cache != "off":
            raise ModelError(f"step_cache '{p.step_cache}' reuses a step's work in the next call of the whole clip: "
                             "it cannot run with context windows. Set step_cache off, or long_take to separate shots")
        t = temporal_ratio(s.pipe)
        c = s.context = plan_for(win, p.overlap, t, p.context_schedule)
        full = valid_frames(s.fam, n)
        k = len(c.windows((full - 1) // t + 1))
        ctx.info(f"long take: context windows{auto}: {n} frames sampled as one take, the model run on {k} windows "
                 f"of {c.window} latent frames ({win} frames), overlap {c.overlap} latent frames ('overlap' {p.overlap} "
                 f"frames), stride {c.stride} ({c.schedule}) "
                 "at every step" + (" (colour hold is for windows made apart: not used)" if hold else ""))
        ctx.note(f"one take: {k} context windows a step")
        return Take(take, full, 0, True, False)
    if take == CONTINUE and s.fam.forcing:  # SkyReels-V2 DF: the take in one call (forcing.py)
        from .forcing import plan
        from ..base.family import valid_frames
        full = valid_frames(s.fam, n)
        plan(ctx, s, full, win, p.overlap, hold, p.hold_colour, auto)
        return Take(take, full, 0, True, False)
    if take == CONTINUE:
        from .context_windows import temporal_ratio
        if task == "t2v":  # LTX: the take is the condition pipeline's (continuation.py)
            from .continuation import condition_pipeline
            condition_pipeline(s)
        lead = min(lead_frames(task, p.overlap, temporal_ratio(s.pipe)), win - 1)
        what = "frame" if lead == 1 else f"{lead} frames"
        how = {"i2v": "its image", "vace": "kept (mask 0)"}.get(
            task, f"a condition at frame 0 ({type(s.pipe).__name__})")
        used = ("not used" if task == "i2v" else "raised to one" if p.overlap < 1
                else "rounded to what the model encodes whole")
        if task == "i2v" and int(getattr(p, "svi_motion_latents", 0) or 0) > 0:  # (said by sampling/anchor_motion.py)
            ctx.info(f"long take: continue{auto}: each window continues the one before as SVI 2.0 Pro's motion "
                     "latents ask (or, where they are not applied, from its last frame, its image)"
                     + (", its colour held to the frames they share" if hold else ""))
            return Take(take, win, lead, False, hold, lead)
        ctx.info(f"long take: continue{auto}: each window starts from the last {what} of the one before, {how}"
                 + (f" (they share {'it' if lead == 1 else 'them'}: 'overlap' {p.overlap} is {used})"
                    if p.overlap != lead else "")
                 + (f", its colour held to {'it' if lead == 1 else 'them'}" if hold else ""))
        return Take(take, win, lead, False, hold, lead)
    ctx.info(f"long take: separate shots{auto}: windows made apart, blended over {p.overlap} frames"
             + (", colour held" if hold else ""))
    return Take(take, win, p.overlap, True, hold)
