"""A start picture's motion amplitude on Wan image to video (ComfyUI's PainterI2V, princepainter/ComfyUI-PainterI2V
nodes.py at 33810af7, read for its facts; no code of it here): against the slow motion of few-step LoRAs the
condition latents of the frames after the first (the VAE's latents of the blank frames that follow the picture) are
moved away from the picture's own latent frame by a factor, their mean per latent frame (over channels and places)
kept, then held within [-6, 6], all in the VAE's own latent scale (before Wan's per-channel normalisation, as ComfyUI's
VAE gives them to the node). The picture's latent frame and the mask are left as they are.

The node also gives the first frame's latent as a 'reference latent'; ComfyUI's Wan denoiser reads one only where it
has a reference convolution (comfy/ldm/wan/model.py: ``ref_conv``, Wan 2.2 Fun's), which the I2V models lack, so
nothing of it is made here.

Here: a block around one call of diffusers' ``WanImageToVideoPipeline`` (Wan 2.1 I2V, Wan 2.2 A14B I2V: its
condition is the 4 mask channels then the image latent) wrapping its ``prepare_latents``, so each call's condition
is edited once, as the node edits the one it gives the sampler."""
from __future__ import annotations

from ...base.wrapped import Wrapped

MASK_CHANNELS = 4  # the VAE's temporal stride: the mask channels before the image latent in the condition
HELD = 6.0  # the amplified latents held within [-HELD, HELD] (the node's clamp), in the VAE's own scale


def amplified(latent, mean, std, amplitude: float):
    """The image condition's latent ``latent`` [B, C, T, H, W] (Wan-normalised: (z - mean) / std) with its frames
    after the first moved away from the first by ``amplitude`` in the VAE's own scale (the module's docstring); the
    first frame as it is. ``mean`` / ``std``: [1, C, 1, 1, 1]."""
    import torch
    if latent.shape[2] < 2 or amplitude == 1.0:
        return latent
    z = latent.float() * std.float() + mean.float()
    first, rest = z[:, :, :1], z[:, :, 1:]
    diff = rest - first
    level = diff.mean(dim=(1, 3, 4), keepdim=True)  # per latent frame: over channels and places
    moved = (first + (diff - level) * float(amplitude) + level).clamp(-HELD, HELD)
    out = (moved - mean.float()) / std.float()
    return torch.cat([latent[:, :, :1], out.to(latent.dtype)], dim=2)


def takes_amplitude(pipe) -> bool:
    """A Wan image-to-video pipeline whose condition is [mask channels, image latent] (not TI2V-5B's, whose
    condition replaces the first latent frame)."""
    tr = getattr(pipe, "transformer", None)
    cfg = getattr(tr, "config", None)
    if cfg is None or getattr(getattr(pipe, "config", None), "expand_timesteps", False) \
            or not hasattr(pipe, "prepare_latents") or getattr(pipe, "vae", None) is None:
        return False
    return int(cfg.in_channels) == 2 * int(cfg.out_channels) + MASK_CHANNELS


class amplitude_applied(Wrapped):
    """Inside the block ``pipe``'s calls make their image condition with ``amplitude`` (:func:`amplified`);
    ``edited``: the calls whose condition was edited (after the block)."""

    def __init__(self, pipe, amplitude: float):
        super().__init__()
        self.pipe, self.amplitude = pipe, float(amplitude)
        self.edited = 0

    def _prepare_latents(self, orig):
        def prepare_latents(*args, **kwargs):
            import torch
            out = orig(*args, **kwargs)
            cond = out[1]
            vae = self.pipe.vae
            mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1).to(cond.device)
            std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1).to(cond.device)
            k = cond.shape[1] - mean.shape[1]  # the mask channels before the latent
            edited = torch.cat([cond[:, :k], amplified(cond[:, k:], mean, std, self.amplitude)], dim=1)
            self.edited += 1
            return (out[0], edited) + tuple(out[2:])
        return prepare_latents

    def wraps(self):
        return ((self.pipe, "prepare_latents", self._prepare_latents),)


def amplitude_on(ctx, pipe, amplitude: float):
    """Wan's motion amplitude on one image-to-video call (the ConditionAmplitude capability), said on the node."""
    from contextlib import nullcontext
    if not takes_amplitude(pipe):
        ctx.warn(f"motion_amplitude {amplitude:g} not applied: it moves a Wan image-to-video condition (Wan 2.1 I2V, "
                 "Wan 2.2 A14B I2V: the start picture's latent beside the noise), which this Wan model reads none of")
        return nullcontext()
    ctx.info(f"motion amplitude {amplitude:g}: the start picture's condition latents after its first frame moved "
             f"away from it by {amplitude:g} (their mean per frame kept, held within +-{HELD:g}), as ComfyUI's "
             "PainterI2V does")
    return amplitude_applied(pipe, amplitude)
