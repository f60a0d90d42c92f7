"""Time-to-Move (TTM): training-free motion control of Wan image to video by a crude motion reference (the still
with its parts dragged along their paths, or any clip showing the motion) and a mask of where that motion is.

Facts from the release, time-to-move/TTM@ad9ecea7c7c33a3fac4b6062df17cefeecfa6dee (Apache-2.0),
pipelines/wan_pipeline.py (read for its method, written anew here):
- the reference clip is resized to the take's size (bicubic), VAE-encoded (the distribution's mode) and normalised
  as the pipeline's latents are ((x - latents_mean) / latents_std);
- the mask is resized to the take's size (nearest), made binary (any channel > 0.5), taken at the pixel frames the
  latent frames start at (frame 0, then every ``vae_scale_factor_temporal``-th from frame 1) and brought to the latent
  grid (nearest);
- two clocks ("dual-clock denoising"): sampling starts at step ``tweak_index`` (the weak step) from the reference
  noised to that step (one noise drawn once, kept for every later noising); after each scheduler step before
  ``tstrong_index`` (the strong step) the latents inside the mask are replaced by the reference noised to the next
  step (the clean reference after the last), outside it they are sampled freely; from the strong step on, the whole
  frame is sampled freely. ``tweak_index`` -1: sampling starts from the pipeline's own noise at step 0.
  The release's defaults (run_wan.py): 50 steps, tweak 3, tstrong 6.
kijai's ComfyUI-WanVideoWrapper (WanVideoAddTTMLatents, Apache-2.0, read for its names) calls them start_step and
end_step and samples the mask at every 4th pixel frame from frame 0 (the release's frames are 0, 1, 5, 9...: those
are taken here).

Here: a context manager on one image-to-video call of a diffusers Wan pipeline (WanImageToVideoPipeline: it calls
``scheduler.set_timesteps``, then ``prepare_latents``, then ``scheduler.step`` once a step). Inside it the scheduler's
timesteps and sigmas start at the weak step (both cut alike, so a multistep scheduler starts its history there as
the release's loop over ``timesteps[tweak_index:]`` does), the latents ``prepare_latents`` returns are the noised
reference, and each scheduler step is followed by the masked replacement. Noising is flow matching's,
``(1 - sigma) * x + sigma * noise`` at the schedule's own sigmas (what the release's ``scheduler.add_noise`` gives
Wan's flow schedulers). Diffusers' pipeline is used as it is; only these three calls are wrapped, on the instances,
and put back however the block ends (a cached model is left as it was)."""
from __future__ import annotations

import numpy as np

from ...base.wrapped import Wrapped

HOOK = "studio_time_to_move"


def latent_mask(frames: np.ndarray, n: int, height: int, width: int, k_t: int, k_s: int):
    """The mask clip's first ``n`` frames ([T, H, W, C] or [T, H, W] in [0, 1]) as the release brings them to the
    latents: [1, 1, T', height // k_s, width // k_s] of 0 / 1 (float32)."""
    import torch
    import torch.nn.functional as F
    m = torch.from_numpy(np.array(frames[:n], np.float32))
    if m.ndim == 3:
        m = m[..., None]
    m = F.interpolate(m.permute(0, 3, 1, 2), size=(height, width), mode="nearest")  # [T, C, H, W]
    m = (m > 0.5).any(dim=1, keepdim=True).float()  # [T, 1, H, W]
    picked = torch.cat([m[0:1], m[1::k_t]], 0)  # the pixel frames the latent frames start at
    grid = picked.permute(1, 0, 2, 3)[None]  # [1, 1, T', H, W]
    return F.interpolate(grid, size=(grid.shape[2], height // k_s, width // k_s), mode="nearest")


def reference_latents(pipe, frames: np.ndarray, height: int, width: int):
    """The reference clip's frames ([T, H, W, 3] in [0, 1]) encoded as the release encodes them: [1, z, T', h, w]."""
    import torch
    import torch.nn.functional as F
    vae = pipe.vae
    x = torch.from_numpy(np.array(frames, np.float32)[..., :3]).permute(0, 3, 1, 2)  # [T, 3, H, W]
    x = F.interpolate(x, size=(height, width), mode="bicubic", align_corners=True)
    x = (x * 2.0 - 1.0).permute(1, 0, 2, 3)[None]  # [1, 3, T, H, W] in [-1, 1]
    try:  # where the pipeline's own encode puts its input (a VAE offloaded between calls: where it runs)
        from diffusers.utils.torch_utils import get_module_execution_device
        dev = get_module_execution_device(vae)
    except ImportError:
        dev = next(vae.parameters()).device
    lat = vae.encode(x.to(dev, vae.dtype)).latent_dist.mode()
    mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1).to(lat.device, lat.dtype)
    std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1).to(lat.device, lat.dtype)
    return (lat - mean) / std


def noised(clean, noise, sigma):
    """Flow matching's noising of ``clean`` at ``sigma``."""
    return (1.0 - sigma) * clean + sigma * noise


class time_to_move(Wrapped):
    """Inside the block, ``pipe``'s calls sample by Time-to-Move (the module's docstring): ``reference`` the
    reference's latents [1, z, T', h, w], ``mask`` [1, 1, T', h, w] (1: the motion region), ``start`` the weak step
    (-1: the pipeline's own start), ``end`` the strong step, ``generator`` draws the one noise. ``replaced``: the
    steps whose masked latents were replaced (after the call)."""

    def __init__(self, pipe, reference, mask, start: int, end: int, generator):
        super().__init__()
        self.pipe, self.reference, self.mask = pipe, reference, mask
        self.start, self.end, self.generator = int(start), int(end), generator
        self.sigmas = None  # the whole schedule's sigmas (set_timesteps)
        self.noise = None
        self.done = 0  # scheduler steps taken in this call
        self.replaced = 0

    # -- the three calls wrapped ----------------------------------------------------------------------------------
    def _set_timesteps(self, orig):
        def set_timesteps(*args, **kwargs):
            from ...base.errors import ModelError
            out = orig(*args, **kwargs)
            sched = self.pipe.scheduler
            steps, sigmas = getattr(sched, "timesteps", None), getattr(sched, "sigmas", None)
            if steps is None or sigmas is None or len(sigmas) != len(steps) + 1:
                raise ModelError(f"Time-to-Move samples by a flow-matching schedule of sigmas (one more than its "
                                 f"steps); the scheduler {type(sched).__name__} gives none such")
            if self.start >= len(steps) or self.end > len(steps):
                raise ModelError(f"Time-to-Move's steps ({self.start}, {self.end}) are past the take's {len(steps)} "
                                 "steps: lower them or raise the steps")
            self.sigmas = sigmas.clone()
            self.done = 0
            if self.start > 0:  # both cut alike: the schedule starts at the weak step (the release's loop)
                sched.timesteps = steps[self.start:]
                sched.sigmas = sigmas[self.start:]
            return out
        return set_timesteps

    def _prepare_latents(self, orig):
        def prepare_latents(*args, **kwargs):
            import torch
            from ...base.errors import ModelError
            out = orig(*args, **kwargs)
            latents = out[0]
            if tuple(latents.shape) != tuple(self.reference.shape):
                raise ModelError(f"Time-to-Move's reference encodes to latents {tuple(self.reference.shape)}, the "
                                 f"take's are {tuple(latents.shape)}")
            self.reference = self.reference.to(latents.device, latents.dtype)
            self.mask = self.mask.to(latents.device, latents.dtype)
            self.noise = torch.randn(self.reference.shape, generator=self.generator, dtype=torch.float32,
                                     device=self.generator.device).to(latents.device, latents.dtype)
            if self.start >= 0:
                latents = noised(self.reference, self.noise, self.sigmas[max(self.start, 0)].to(latents))
            return (latents,) + tuple(out[1:])
        return prepare_latents

    def _step(self, orig):
        def step(*args, **kwargs):
            out = orig(*args, **kwargs)
            i = max(self.start, 0) + self.done  # the step just taken, in the whole schedule
            self.done += 1
            if i >= self.end:
                return out
            prev = out[0] if isinstance(out, tuple) else out.prev_sample
            ref = noised(self.reference, self.noise, self.sigmas[i + 1].to(prev))  # sigma 0 after the last: clean
            blended = prev * (1 - self.mask) + ref * self.mask
            self.replaced += 1
            if isinstance(out, tuple):
                return (blended,) + out[1:]
            out.prev_sample = blended
            return out
        return step

    # -- the block ---------------------------------------------------------------------------------------------------
    def wraps(self):
        sched = self.pipe.scheduler
        return ((sched, "set_timesteps", self._set_timesteps), (sched, "step", self._step),
                (self.pipe, "prepare_latents", self._prepare_latents))


def ttm_applied(ctx, pipe, reference, mask, size: tuple[int, int], n_frames: int, start: int, end: int, generator):
    """Wan's Time-to-Move on one image-to-video call (the MotionReference capability): the reference clip and the
    mask clip (their first ``n_frames`` frames) read, encoded and said; the block that samples by them."""
    from ...base.errors import ModelError
    if not hasattr(pipe, "prepare_latents") or getattr(pipe, "vae", None) is None:
        raise ModelError(f"Time-to-Move steers a Wan image-to-video pipeline; {type(pipe).__name__} is none")
    w, h = size
    kt, ks = int(pipe.vae_scale_factor_temporal), int(pipe.vae_scale_factor_spatial)
    import torch
    with torch.inference_mode():
        ref = reference_latents(pipe, reference.chunk(0, n_frames), h, w)
    m = latent_mask(mask.chunk(0, n_frames), n_frames, h, w, kt, ks)
    share = float(m.mean())
    ctx.info(f"Time-to-Move: sampling starts at step {start} from the motion reference noised to it; inside the "
             f"mask ({share:.0%} of the latent cells) the latents follow the reference until step {end}, outside it "
             f"they are sampled freely" if start >= 0 else
             f"Time-to-Move: sampling starts from noise at step 0; inside the mask ({share:.0%} of the latent cells) "
             f"the latents follow the motion reference until step {end}, outside it they are sampled freely")
    return time_to_move(pipe, ref, m, start, end, generator)
