"""LTX-Video's latent made ready for its VAE's decode outside the pipeline (a long take decoded in time
tiles: takes/time_tiles.py, through the family's TimeTiles)."""
from __future__ import annotations


def decode_ready(pipe, latents, call):
    """LTXPipeline's steps between its last denoising step and ``vae.decode`` (diffusers 0.42): its token
    latent unpacked, denormalised, and the decode timestep's noise drawn from the call's generator, where the
    pipeline would draw it (takes/time_tiles.py decodes a long take so, in time tiles)."""
    import torch
    from diffusers.utils.torch_utils import randn_tensor
    vae, call = pipe.vae, call or {}
    t, s = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
    z = pipe._unpack_latents(latents, (int(call["num_frames"]) - 1) // t + 1, int(call["height"]) // s,
                             int(call["width"]) // s, pipe.transformer_spatial_patch_size,
                             pipe.transformer_temporal_patch_size)
    z = pipe._denormalize_latents(z, vae.latents_mean, vae.latents_std, vae.config.scaling_factor)
    enc = getattr(pipe, "text_encoder", None)
    z = z.to(enc.dtype if enc is not None else vae.dtype)
    if not vae.config.timestep_conditioning:
        return z, None
    when = call.get("decode_timestep", 0.0)
    scale = call.get("decode_noise_scale")
    scale = when if scale is None else scale
    b = z.shape[0]
    when, scale = ([v] * b if not isinstance(v, list) else v for v in (when, scale))
    noise = randn_tensor(z.shape, generator=call.get("generator"), device=z.device, dtype=z.dtype)
    scale = torch.tensor(scale, device=z.device, dtype=z.dtype)[:, None, None, None, None]
    return (1 - scale) * z + scale * noise, torch.tensor(when, device=z.device, dtype=z.dtype)
