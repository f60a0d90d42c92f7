"""A long take continued: each window starts from the last frames of the one before, given to a model
that can be conditioned on frames (issue 47's 'continue').

* Image to Video (every family): the window's image is the last frame of the one before.
* Wan VACE: the window's control video holds the last ``k`` frames of the one before, kept (mask 0
  there: VACE's extension), and the rest made as the preset says (mask 1, or the preset's mask).
* SkyReels-V2 DF (Text and Image to Video): the model's own diffusion forcing, every window inside one
  pipeline call (forcing.py), not here.
* LTX-Video / LTX-2 Text to Video: the take is made by the family's condition pipeline
  (``LTXConditionPipeline`` / ``LTX2ConditionPipeline``, sharing the loaded parts); each window after
  the first gets the last ``k`` frames of the one before as a video condition at frame 0. ``k`` is a
  length the VAE encodes whole (``t·m + 1`` frames, ``t`` its frames per latent frame: 1, 9, 17 for
  LTX-Video), the largest not past 'overlap'.

The window shares exactly those ``k`` frames with the one before (:func:`continued_starts`); the
earlier window's stay in the clip (``ClipMaking``: ``blend`` off), and the colour hold matches the new
window to them.

Plain numpy here; diffusers' condition classes are imported when a condition is made."""
from __future__ import annotations

import numpy as np

from .continued_starts import continued_starts  # noqa: F401,E402  (the windows' starts: a light module)

CONTINUES = "Image to Video, Wan VACE, and LTX-Video / LTX-2 / SkyReels-V2 DF Text to Video"


def can_continue(fam, task: str) -> bool:
    """The node's task with this family takes frames to start a window from (SkyReels-V2 DF: by diffusion
    forcing, inside one call; forcing.py)."""
    return task in ("i2v", "vace") or (task == "t2v" and (fam.cond is not None or fam.forcing))


def lead_frames(task: str, overlap: int, temporal: int = 1) -> int:
    """Frames of the window before that a continued window starts from: one for Image to Video (its
    image); 'overlap' for VACE (at least one); for a condition pipeline the longest ``t·m + 1`` not
    past 'overlap' (its VAE encodes such a clip whole; diffusers trims others to it)."""
    if task == "i2v":
        return 1
    k = max(1, int(overlap))
    if task == "vace":
        return k
    t = max(1, int(temporal))
    return (k - 1) // t * t + 1


def condition_pipeline(sampler) -> None:
    """The run is made by the family's condition pipeline (LTX / LTX-2: a take continued, keyframes at
    any frame): the sampler's pipeline is swapped for it before any window's arguments are made."""
    sampler.pipe = sampler.ref.pipeline("cond")
    sampler.task = "cond"


def frames_condition(fam, clip: list) -> dict:
    """The condition pipeline's arguments for a window starting from ``clip`` (the frames, PIL images): one
    video condition at frame 0, at full strength."""
    from ..base.capabilities import Conditions
    cond = fam.capability(Conditions)
    if cond is None:
        from ..base.errors import ModelError
        raise ModelError(f"{fam.title} has no condition pipeline: a take cannot be continued from frames")
    return cond.frames(clip)


def still_frames(still) -> np.ndarray | None:
    """What ``ClipMaking`` hands a window as its start ([k, H, W, C] frames, one frame [H, W, C], or None)
    as frames [k, H, W, C]."""
    if still is None:
        return None
    a = np.asarray(still, np.float32)
    return a[None] if a.ndim == 3 else a


def vace_continued(video: list | None, mask: list | None, lead: np.ndarray, n: int, w: int, h: int,
                   grey: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A VACE window's control video and mask ([H, W, C] / [H, W, 1] frames, ``n`` of them) with its first
    ``len(lead)`` frames the frames the window before ended on, kept (mask 0); after them the preset's
    frames and mask (``video`` / ``mask``: None where the preset has none: grey, and all made)."""
    k = min(len(lead), n)
    vid = list(video) if video is not None else [np.full((h, w, 3), grey, np.float32)] * n
    msk = list(mask) if mask is not None else [np.ones((h, w, 1), np.float32)] * n
    keep = np.zeros((h, w, 1), np.float32)
    for i in range(k):
        vid[i] = np.asarray(lead[i], np.float32)[..., :3]
        msk[i] = keep
    return vid, msk


def shift_fixed(ctx, sampler, frames: int, width: int, height: int) -> None:
    """LTXConditionPipeline gives its scheduler timesteps of its own and no ``mu``: a model whose scheduler
    shifts with the clip's size (LTX-Video 0.9.0 / 0.9.1: ``use_dynamic_shifting``) cannot run in it. The
    take's pipeline then gets a copy of the scheduler with the shift fixed where LTXPipeline would put it
    for a window of this size (``exp(mu)``: the same shift of every sigma), said on the node; the loaded
    pipelines are left as they are."""
    import math
    pipe = sampler.pipe
    cfg = dict(getattr(pipe.scheduler, "config", {}) or {})
    from ..base.capabilities import Conditions
    cond = sampler.fam.capability(Conditions)
    if cond is None or not cond.shift_fixed or not cfg.get("use_dynamic_shifting"):
        return
    from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
    t = int(getattr(pipe, "vae_temporal_compression_ratio", 1) or 1)
    s = int(getattr(pipe, "vae_spatial_compression_ratio", 1) or 1)
    den = pipe.transformer.config
    p, pt = int(getattr(den, "patch_size", 1) or 1), int(getattr(den, "patch_size_t", 1) or 1)
    tokens = ((frames - 1) // t + 1) // pt * (height // s // p) * (width // s // p)
    mu = calculate_shift(tokens, cfg.get("base_image_seq_len", 256), cfg.get("max_image_seq_len", 4096),
                         cfg.get("base_shift", 0.5), cfg.get("max_shift", 1.15))
    shift = math.exp(mu)
    sched = type(pipe.scheduler).from_config(cfg, use_dynamic_shifting=False, shift=shift)
    own = {k: v for k, v in pipe.components.items()  # Studio's model subclasses, which from_pipe drops
           if v is not None and type(v).__module__.startswith(("nodes.", "studio."))}  # (loading/load.py own_parts)
    sampler.pipe = type(pipe).from_pipe(pipe, **own, scheduler=sched)
    if hasattr(sampler.pipe, "set_progress_bar_config"):
        sampler.pipe.set_progress_bar_config(disable=True)
    ctx.info(f"{type(pipe).__name__} takes no size-dependent shift: its windows are sampled at shift {shift:.3g}, "
             f"where LTXPipeline's would put a window of {frames} frames at {width}x{height}")
