"""A long take by diffusion forcing (SkyReels-V2 DF): the model's own way to continue, inside ONE call of
its pipeline (``SkyReelsV2DiffusionForcingPipeline`` / ``...ImageToVideoPipeline``).

Given ``num_frames`` past ``base_num_frames`` and an ``overlap_history``, diffusers' pipeline makes the
clip block by block: a block of ``base_num_frames`` frames, then each next block starting from the last
``overlap_history`` frames of the one before (their latent frames put in as they are, clean, and
``addnoise_condition`` noise on them as the model sees them), the blocks' new latent frames appended;
the whole latent is decoded at the end. Studio's settings map as:

* 'window' (frames a model call sees; 0: the family's 97) -> ``base_num_frames``,
* 'overlap' (frames two windows share; at least 1) -> ``overlap_history`` (the pipeline takes
  ``(overlap - 1) // 4 + 1`` latent frames of the block before),
* ``addnoise_condition`` 20 (SkyReels-V2's recommended value for long videos), ``ar_step`` 0
  (synchronous: every frame of a block at one noise level, as the 540P/720P DF models are run).

The noise ``addnoise_condition`` adds is drawn by the pipeline from torch's global generator
(``randn_like``), not the call's; the sampler runs every call with the global generators seeded from the
call's seed (sampling/global_noise.py), so a take is repeatable.

A last image (Image to Video's ``last_image``) goes after the last block; diffusers 0.42.1's pipeline
takes it there only with an overlap of one latent frame (``overlap_history`` 4 or less), so a longer
overlap with a last image is refused in words before the call.

The blocks are the pipeline's own and live inside the call: a Stop loses the call's work (nothing mid-way
can be handed back to it), and the colour hold, which matches two versions of the frames windows share,
has none to match (a block's shared frames are the block before's, as they were made)."""
from __future__ import annotations

from dataclasses import dataclass

from ..base.errors import ModelError

ADDNOISE = 20.0  # SkyReels-V2's recommended noise on the frames a block starts from (its README: 20)
RECOMMENDED = (17, 37)  # overlap_history SkyReels-V2 recommends (diffusers' docstring)


@dataclass(frozen=True)
class Forcing:
    """A diffusion-forcing take: ``window`` (base_num_frames) and ``overlap`` (overlap_history) in video
    frames, ``temporal`` video frames per latent frame."""
    frames: int
    window: int
    overlap: int
    temporal: int = 4
    addnoise: float = ADDNOISE

    def __post_init__(self):
        if self.latent(self.window) < 2:
            raise ModelError(f"diffusion forcing needs a window of at least {self.temporal + 1} frames (two latent "
                             f"frames: one to start from, one to make); 'window' is {self.window}")
        if not 1 <= self.overlap < self.window:
            raise ModelError(f"diffusion forcing: the overlap ({self.overlap}) must be from 1 to {self.window - 1} "
                             f"(the window is {self.window} frames)")

    def latent(self, frames: int) -> int:
        return (frames - 1) // self.temporal + 1

    @property
    def latent_overlap(self) -> int:
        """Latent frames of the block before each block starts from (the pipeline's own rounding)."""
        return (self.overlap - 1) // self.temporal + 1

    @property
    def blocks(self) -> int:
        """Blocks (denoising loops) the pipeline makes: its own ``n_iter``."""
        n, b, o = self.latent(self.frames), self.latent(self.window), self.latent_overlap
        if n <= b:
            return 1
        return 1 + (n - b - 1) // (b - o) + 1

    def kwargs(self) -> dict:
        return {"base_num_frames": self.window, "overlap_history": self.overlap, "addnoise_condition": self.addnoise,
                "ar_step": 0}


def call_kwargs(sampler, kwargs: dict) -> dict:
    """A diffusion-forcing pipeline's own arguments for a call: the take's when the call makes it
    (``sampler.forcing``); else ``base_num_frames`` the call's frames (one block: a clip no longer than
    the window, or a window of separate shots). Other pipelines' arguments as they are."""
    if not getattr(sampler.fam, "forcing", False) or "num_frames" not in kwargs:
        return kwargs
    if sampler.forcing is not None:
        f = sampler.forcing
        if kwargs.get("last_image") is not None and f.blocks > 1 and f.latent_overlap > 1:
            raise ModelError(f"a last image in a {sampler.fam.title} long take needs 'overlap' {f.temporal} or less "
                             f"(one latent frame; 'overlap' is {f.overlap}): {type(sampler.pipe).__name__} puts the "
                             "last image after the last block as if it were as long as the overlap, and fails")
        return dict(kwargs, **f.kwargs())
    return dict(kwargs, base_num_frames=kwargs["num_frames"])


def plan(ctx, sampler, full: int, win: int, overlap: int, hold: bool, asked_hold: str, auto: str) -> Forcing:
    """The take of ``full`` frames (a count the family makes) by diffusion forcing, set on the sampler
    (``sampler.forcing``, its blocks as the sampler's ``segments``) and said on the node."""
    from .context_windows import temporal_ratio
    p = ctx.params
    if p.step_cache != "off":
        raise ModelError(f"step_cache '{p.step_cache}' reuses a step's work in the next call of the denoiser: "
                         "diffusion forcing changes the frames each call sees. Set step_cache off, or long_take to "
                         "separate shots")
    ov = max(1, int(overlap))
    f = Forcing(full, win, ov, temporal_ratio(sampler.pipe))
    sampler.forcing, sampler.segments = f, f.blocks
    name = type(sampler.pipe).__name__
    raised = f" ('overlap' {overlap} raised to one: a block needs a frame to start from)" if ov != overlap else ""
    ctx.info(f"long take: continue{auto}: by diffusion forcing, in one call of {name}: {full} frames in {f.blocks} "
             f"blocks, each of at most 'window' {win} frames (base_num_frames {win}), each after the first starting "
             f"from the last {ov} frame{'s' if ov > 1 else ''} of the one before (overlap_history {ov}: "
             f"{f.latent_overlap} latent frame{'s' if f.latent_overlap > 1 else ''}){raised}, with addnoise_condition "
             f"{f.addnoise:g} on them, ar_step 0 (synchronous)")
    if ov < RECOMMENDED[0]:
        ctx.info(f"SkyReels-V2 recommends 'overlap' {RECOMMENDED[0]} or {RECOMMENDED[1]} for its long takes "
                 f"(overlap_history; {overlap} asked)")
    ctx.info("a Stop loses this take's steps: its blocks are made inside one pipeline call, which cannot resume "
             "mid-way (a re-run starts it again)")
    if hold:
        say = ctx.warn if asked_hold == "on" else ctx.info
        say("colour hold: not used with diffusion forcing: each block starts from the block before's own latent "
            "frames, so there is no second version of the shared frames to match")
    ctx.note(f"one take: {f.blocks} diffusion-forcing blocks")
    return f
