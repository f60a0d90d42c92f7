"""A long take's latent decoded in time tiles (issue 47's memory aim): the latent stays on the device, and
its frames reach the host a tile at a time, into the clip's buffer (``studio.engine.clip.frames_buffer``:
a file-backed map past a size, as a clip made window by window is), never as one array of the whole clip.

A take made with context windows is one pipeline call of the whole clip; diffusers' pipeline decodes
its latent at once (Wan: a device tensor of every frame, then a float32 copy of it on the host: 1,000
frames at 832x480 are 4.8 GB each). The call is made for its latent instead (``output_type="latent"``)
and decoded here:

* Wan (``AutoencoderKLWan``): its decoder is causal in time and decodes one latent frame at a time with a
  cache of the frames before (``_decode``); the same loop is run here, the cache kept across tiles, so a
  tile's frames are those of the whole decode exactly (denormalised and post-processed as the pipeline
  does). Only while the VAE's own (spatial) tiling is off: a tiled decode caches per spatial tile.
* Other VAEs: the pipeline's own decode (said by :func:`can_tile`'s caller), its frames copied to the
  host a tile at a time (:func:`to_host`).
"""
from __future__ import annotations

import numpy as np

TILE = 4  # latent frames a tile (16 video frames of Wan: one tile's pixels are small beside the model)


def can_tile(pipe) -> bool:
    """The pipeline's VAE decodes frame-causally here (Wan, its spatial tiling off)."""
    vae = getattr(pipe, "vae", None)
    return (type(vae).__name__ == "AutoencoderKLWan" and not getattr(vae, "use_tiling", False)
            and hasattr(vae, "clear_cache") and hasattr(getattr(pipe, "video_processor", None), "postprocess_video"))


def _buffer(ctx, shape):
    from studio.engine.clip import frames_buffer
    out, where = frames_buffer(shape)
    if where is not None and ctx is not None:
        from ..memory.sizes import fmt_gb
        what = f"the take's {shape[0]} frames ({fmt_gb(out.nbytes)})"
        if isinstance(out, np.memmap):
            ctx.info(f"{what} are decoded {TILE} latent frames at a time into a file in {where}, not held in memory")
        else:
            ctx.warn(f"{what} are held {where}")
    return out


def _on_device(vae) -> None:
    """Nothing: wrapped by diffusers' ``apply_forward_hook``, it runs the VAE's offload hook (to the device)."""


def tiles(vae, latents, tile: int = TILE):
    """Decoded frames of a Wan latent [1, C, F, H, W] (already denormalised), ``tile`` latent frames at a
    time: tensors [1, 3, T, H', W'] in [-1, 1] whose concatenation is ``vae.decode(latents)`` exactly."""
    import torch
    from diffusers.utils.accelerate_utils import apply_forward_hook
    apply_forward_hook(_on_device)(vae)  # a CPU-offloaded VAE to the device, as its decode would be
    n = latents.shape[2]
    vae.clear_cache()
    try:
        x = vae.post_quant_conv(latents)
        for a in range(0, n, max(1, tile)):
            parts = []
            for i in range(a, min(n, a + tile)):
                vae._conv_idx = [0]
                parts.append(vae.decoder(x[:, :, i:i + 1], feat_cache=vae._feat_map, feat_idx=vae._conv_idx,
                                         first_chunk=i == 0))
            out = torch.cat(parts, 2)
            if vae.config.patch_size is not None:
                from diffusers.models.autoencoders.autoencoder_kl_wan import unpatchify
                out = unpatchify(out, patch_size=vae.config.patch_size)
            yield torch.clamp(out, min=-1.0, max=1.0)
    finally:
        vae.clear_cache()


def decode_take(ctx, pipe, latents, tile: int = TILE) -> np.ndarray:
    """The take's frames [T, H, W, C] float32 on the host (in the clip's buffer), from the pipeline's
    latent, decoded in time tiles: the pipeline's own denormalising, decode and post-processing, a tile
    at a time."""
    import torch
    from diffusers.utils.torch_utils import get_module_execution_device
    vae = pipe.vae
    with torch.inference_mode():
        z = latents.to(get_module_execution_device(vae), dtype=vae.dtype)
        c = vae.config.z_dim
        mean = torch.tensor(vae.config.latents_mean).view(1, c, 1, 1, 1).to(z.device, z.dtype)
        std = 1.0 / torch.tensor(vae.config.latents_std).view(1, c, 1, 1, 1).to(z.device, z.dtype)
        z = z / std + mean
        out, done = None, 0
        for part in tiles(vae, z, tile):
            frames = pipe.video_processor.postprocess_video(part, output_type="pt")[0]  # [T, 3, H, W] in [0, 1]
            host = frames.permute(0, 2, 3, 1).float().contiguous().cpu().numpy()
            if out is None:
                t = int(getattr(pipe, "vae_scale_factor_temporal", 4) or 4)
                out = _buffer(ctx, ((latents.shape[2] - 1) * t + 1,) + host.shape[1:])
            out[done:done + len(host)] = host
            done += len(host)
    return out[:done]


def to_host(ctx, frames, tile: int = 16) -> np.ndarray:
    """Device frames [T, C, H, W] in [0, 1] as [T, H, W, C] float32 on the host, in the clip's buffer, copied
    ``tile`` frames at a time (the whole clip never twice on the host)."""
    import torch
    if not isinstance(frames, torch.Tensor):
        return np.asarray(frames, np.float32)
    if frames.ndim == 3:
        frames = frames[None]
    out = _buffer(ctx, (frames.shape[0], frames.shape[2], frames.shape[3], frames.shape[1]))
    for a in range(0, frames.shape[0], tile):
        out[a:a + tile] = frames[a:a + tile].permute(0, 2, 3, 1).float().contiguous().cpu().numpy()
    return out
