"""LTX-Video's Video to Video through its condition pipeline (diffusers 0.42.1, LTXConditionPipeline): the call takes
``latents`` (the clip encoded by the family's VAE and normalised by its per-channel statistics, unpacked
[B, C, F, H, W]) with ``denoise_strength`` < 1, noises them to the first sigma it keeps (``get_timesteps``, then
``prepare_latents(sigma=...)``: sigma * noise + (1 - sigma) * latents) and denoises from there - the library's own
video-to-video editing. Its ``video`` argument is not that: it is a frame condition (the clip's latents put in place
of the noise at a condition strength and held, not denoised), and its ``strength`` is a condition's strength.

So the generic Video to Video call (``video``: the window's frames, ``strength``: how far from them) is given to the
pipeline as ``latents`` and ``denoise_strength`` (``v2v_call``); at strength 1 the pipeline ignores the latents
(pure noise), as Video to Video's strength 1 says. The clip is encoded with the distribution's mean (no sample drawn:
the seed's noise is the pipeline's alone)."""
from __future__ import annotations

V2V_KEYS = ("video", "strength")


def is_v2v_call(pipe, call: dict) -> bool:
    """The generic Video to Video call (a clip of frames and a strength, no conditions) to the condition pipeline."""
    return (type(pipe).__name__ == "LTXConditionPipeline" and isinstance(call.get("video"), (list, tuple))
            and call.get("conditions") is None and call.get("latents") is None)


def v2v_call(pipe, call: dict) -> dict:
    """``call`` with its clip encoded as the pipeline's ``latents`` and its strength as ``denoise_strength``."""
    call = dict(call)
    frames, strength = call.pop("video"), float(call.pop("strength", 1.0))
    call["latents"] = encoded_clip(pipe, frames, int(call["height"]), int(call["width"]))
    call["denoise_strength"] = min(1.0, max(0.0, strength))
    call.setdefault("num_frames", len(frames))
    return call


def encoded_clip(pipe, frames: list, height: int, width: int):
    """The frames (PIL) encoded by the pipeline's VAE at ``height`` x ``width`` and normalised as the pipeline's
    latents are ((z - mean) * scaling_factor / std over the channels, with the VAE's statistics: the inverse of the
    denormalisation it decodes with), in float32 on the VAE's execution device."""
    import torch
    from diffusers.utils.torch_utils import get_module_execution_device
    vae = pipe.vae
    device = get_module_execution_device(vae)  # (a CPU-offloaded VAE: the device its hooks run it on)
    with torch.no_grad():
        pixels = pipe.video_processor.preprocess_video(frames, height, width).to(device, dtype=vae.dtype)
        z = vae.encode(pixels).latent_dist.mode().float()
        mean = vae.latents_mean.view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        std = vae.latents_std.view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        z = (z - mean) * float(getattr(vae.config, "scaling_factor", 1.0) or 1.0) / std
    return z
