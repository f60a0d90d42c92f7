"""Stable Video Infinity 2.0 Pro's anchor-and-motion conditioning on Wan image to video (a continued take: each window
after the first conditioned on the take's first picture and the last latent frames the window before made).

The rule, as facts read from KJNodes' WanImageToVideoSVIPro (kijai/ComfyUI-KJNodes nodes/nodes.py at 3f200542,
GPL: read for its layout only, no code of it here), the ComfyUI form of SVI 2.0 Pro's conditioning: the image
condition beside the noise is, along its latent frames, the anchor's latent (the picture encoded alone), then the
last ``m`` latent frames of the take before ('prev_samples', ``m`` its 'motion_latent_count'; none for the first
window), then zeros in Wan's normalised latent space (ComfyUI's ``process_out`` of zeros, which its model normalises
back to zeros) for the rest; the mask marks the first latent frame alone as given (the anchor's), the motion latents
and the rest as to be made.

Here: a block around a continued take's calls of diffusers' ``WanImageToVideoPipeline`` (Wan 2.1 I2V, Wan 2.2 A14B
I2V: its condition is the 4 mask channels then the image latent, Wan-normalised). Every call is given the anchor as
its image, so the condition's first latent frame is the anchor's and its mask diffusers' own (frame 0 given); the
block wraps ``prepare_latents`` to put the motion latents after it and zeros in the rest, and wraps the VAE's
``decode`` to keep the latents each call decodes (the pipeline's ``latents * std + mean``: normalised again here).
A window before that was not sampled in this run (its frames kept from an earlier run: resume/windows.py) decoded
nothing: its last frames the next window shares (``window``'s ``lead``) are encoded instead, said."""
from __future__ import annotations

from ...base.wrapped import Wrapped

MASK_CHANNELS = 4  # the VAE's temporal stride: the mask channels before the image latent in the condition


def svi_condition(latent, motion):
    """The image condition's latent ``latent`` [B, C, T, H, W] (Wan-normalised, its frame 0 the anchor's) with the
    latent frames ``motion`` [B, C, m, H, W] (normalised; None: none) after the anchor and zeros in the rest."""
    import torch
    out = torch.zeros_like(latent)
    out[:, :, :1] = latent[:, :, :1]
    if motion is not None and latent.shape[2] > 1:
        m = min(int(motion.shape[2]), latent.shape[2] - 1)
        out[:, :, 1:1 + m] = motion[:, :, motion.shape[2] - m:].to(latent.dtype)
    return out


def takes_svi(pipe) -> bool:
    """A Wan image-to-video pipeline whose condition is [mask channels, image latent] (not TI2V-5B's)."""
    tr = getattr(pipe, "transformer", None)
    cfg = getattr(tr, "config", None)
    if cfg is None or getattr(getattr(pipe, "config", None), "expand_timesteps", False) \
            or not hasattr(pipe, "prepare_latents") or getattr(getattr(pipe, "vae", None), "decode", None) is None:
        return False
    return int(cfg.in_channels) == 2 * int(cfg.out_channels) + MASK_CHANNELS


class svi_applied(Wrapped):
    """Inside the block ``pipe``'s calls make their condition as SVI 2.0 Pro's with ``count`` motion latents from the
    latents the call before decoded. After it: ``conditions`` (per call, the motion latent frames placed: 0 for the
    first), ``kept`` (the last latents decoded, normalised)."""

    def __init__(self, pipe, count: int, ctx=None):
        super().__init__()
        self.pipe, self.count, self.ctx = pipe, int(count), ctx
        self.kept = None
        self.conditions: list[int] = []
        self.asked, self.kept_for, self.lead, self.encoded = 0, -1, None, 0

    def window(self, lead) -> None:
        """The next window's arguments are made: ``lead`` the frames it shares with the window before ([k, H, W, C]
        in [0, 1]; None for the first window)."""
        self.asked += 1
        self.lead = lead

    def _motion(self, cond):
        """The normalised latents whose last ``count`` frames the call conditions on (None: the first window)."""
        if self.asked == 0:  # (no window told: the latents the call before decoded)
            return self.kept
        if self.asked == 1 or self.lead is None:
            return None
        if self.kept is not None and self.kept_for == self.asked - 1:
            return self.kept
        self.encoded += 1  # the window before was not sampled here: its shared frames encoded
        if self.ctx is not None:
            self.ctx.info(f"SVI: window {self.asked}'s motion latents encoded from the last {len(self.lead)} frames "
                          "of the window before (kept from an earlier run, not sampled here)")
        return self._encode(self.lead, cond)

    def _encode(self, frames, like):
        import numpy as np
        import torch
        vae = self.pipe.vae
        x = torch.from_numpy(np.ascontiguousarray(np.asarray(frames, np.float32)[..., :3]))
        x = (x.permute(3, 0, 1, 2)[None] * 2 - 1).to(getattr(vae, "device", like.device), vae.dtype)
        with torch.no_grad():
            z = vae.encode(x).latent_dist.mode()
        mean, std = self._stats(z)
        return ((z.float() - mean.float()) / std.float()).to(like.device)

    def _stats(self, like):
        import torch
        cfg = self.pipe.vae.config
        mean = torch.tensor(cfg.latents_mean).view(1, -1, 1, 1, 1).to(like.device, like.dtype)
        std = torch.tensor(cfg.latents_std).view(1, -1, 1, 1, 1).to(like.device, like.dtype)
        return mean, std

    def _prepare_latents(self, orig):
        def prepare_latents(*args, **kwargs):
            import torch
            out = orig(*args, **kwargs)
            cond = out[1]
            k = cond.shape[1] - len(self.pipe.vae.config.latents_mean)  # the mask channels before the latent
            got = self._motion(cond)
            motion = None if got is None else got[:, :, -self.count:].to(cond.device)
            self.conditions.append(0 if motion is None else min(self.count, cond.shape[2] - 1))
            edited = torch.cat([cond[:, :k], svi_condition(cond[:, k:], motion)], dim=1)
            return (out[0], edited) + tuple(out[2:])
        return prepare_latents

    def _decode(self, orig):
        import functools

        @functools.wraps(orig)  # (its signature read where the decode is called: time_tiles, decode_progress)
        def decode(z, *args, **kwargs):
            if getattr(z, "ndim", 0) == 5:  # the call's latents (raw scale): kept normalised for the next call
                mean, std = self._stats(z)
                self.kept = ((z.float() - mean.float()) / std.float()).detach()
                self.kept_for = self.asked
            return orig(z, *args, **kwargs)
        return decode

    def wraps(self):
        return ((self.pipe, "prepare_latents", self._prepare_latents), (self.pipe.vae, "decode", self._decode))


def svi_on(ctx, pipe, count: int):
    """SVI 2.0 Pro's conditioning on a continued take's calls (the AnchorMotion capability), said on the node."""
    from contextlib import nullcontext
    if not takes_svi(pipe):
        ctx.warn(f"svi_motion_latents {count} not applied: SVI 2.0 Pro conditions a Wan image-to-video model (Wan 2.1 "
                 "I2V, Wan 2.2 A14B I2V: the picture's latent beside the noise), which this Wan model reads none of")
        return nullcontext()
    ctx.info(f"SVI 2.0 Pro: the first window conditioned on the start picture (the anchor, at latent frame 0) with "
             f"zeros after it, each later window on the anchor and the last {count} latent "
             f"frame{'s' if count > 1 else ''} the window before made, zeros after them; only the anchor's frame "
             "marked as given (as KJNodes' WanImageToVideoSVIPro)")
    return svi_applied(pipe, count, ctx)
