"""A long take's latent decoded in time tiles (issue 47's memory aim): the latent stays on the device, and
its frames reach the host a tile at a time, into the clip's buffer (``studio.engine.clip.frames_buffer``:
a file-backed map past a size, as a clip made window by window is), never as one array of the whole clip.

A take made with context windows is one pipeline call of the whole clip; diffusers' pipeline decodes
its latent at once (Wan: a device tensor of every frame, then a float32 copy of it on the host: 1,000
frames at 832x480 are 4.8 GB each). The call is made for its latent instead (``output_type="latent"``)
and decoded here: the pipeline's own steps before its decode (:data:`PREPARE`: Wan's denormalising;
LTX-Video's unpacking, denormalising and decode-timestep noise drawn from the call's generator, where the
pipeline would draw it), then the VAE's decode a time tile at a time (vae_tiles.py), each tile
post-processed as the pipeline does and copied into the buffer.

* Wan: the frames of the pipeline's own decode exactly.
* LTX-Video: the frames of the pipeline with the VAE's own time tiling on (``use_framewise_decoding``)
  exactly; they differ from a decode of the whole clip at once inside the tiles' blends (said on the node).
* Other pipelines: the pipeline's own decode, its frames copied to the host a tile at a time (:func:`to_host`).
"""
from __future__ import annotations

import numpy as np

from studio.engine.memory import give_back

from . import decode_progress, vae_tiles

TILE = vae_tiles.WAN_TILE
LTX_PIPELINES = ("LTXPipeline", "LTXImageToVideoPipeline")  # their decode is the one _ltx_latent repeats


def _wan_latent(pipe, latents, call):
    import torch
    vae = pipe.vae
    c = vae.config.z_dim
    mean = torch.tensor(vae.config.latents_mean).view(1, c, 1, 1, 1).to(latents.device, latents.dtype)
    std = 1.0 / torch.tensor(vae.config.latents_std).view(1, c, 1, 1, 1).to(latents.device, latents.dtype)
    return latents / std + mean, None


def _ltx_latent(pipe, latents, call):
    """LTXPipeline's steps between its last denoising step and ``vae.decode`` (diffusers 0.42)."""
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


PREPARE = {"AutoencoderKLWan": _wan_latent, "AutoencoderKLLTXVideo": _ltx_latent}


def can_tile(pipe) -> bool:
    """The pipeline's latent is decoded in time tiles here (Wan, its spatial tiling off; LTX-Video)."""
    vae = getattr(pipe, "vae", None)
    name = type(vae).__name__
    if name not in PREPARE or not vae_tiles.can_tile(vae):
        return False
    if name == "AutoencoderKLLTXVideo" and type(pipe).__name__ not in LTX_PIPELINES:
        return False
    return hasattr(vae, "decoder") and hasattr(getattr(pipe, "video_processor", None), "postprocess_video")


def take_buffer(ctx, shape, how: str = "decoded a time tile at a time"):
    """A take's frames buffer (studio.engine.clip.frames_buffer): in memory, or past its limit a file
    in the cache, said on the node (``how``: how the frames are made into it)."""
    from studio.engine.clip import frames_buffer
    out, where = frames_buffer(shape)
    if where is not None and ctx is not None:
        from ..memory.sizes import fmt_gb
        what = f"the take's {shape[0]} frames ({fmt_gb(out.nbytes)})"
        if isinstance(out, np.memmap):
            ctx.info(f"{what} are {how} into a file in {where}, not held in memory")
        else:
            ctx.warn(f"{what} are held {where}")
    return out


def _on_device(vae) -> None:
    """Nothing: wrapped by diffusers' ``apply_forward_hook``, it runs the VAE's offload hook (to the device)."""


def decode_take(ctx, pipe, latents, call=None, tile: int = TILE) -> np.ndarray:
    """The take's frames [T, H, W, C] float32 on the host (in the clip's buffer), from the pipeline's
    latent (``call``: the pipeline call's arguments: sizes, generator, decode timestep), decoded in time
    tiles: the pipeline's own preparing, decode and post-processing, a tile at a time."""
    import torch
    from diffusers.utils.accelerate_utils import apply_forward_hook
    from diffusers.utils.torch_utils import get_module_execution_device
    vae = pipe.vae
    apply_forward_hook(_on_device)(vae)  # a CPU-offloaded VAE to the device, as its decode would be
    with torch.inference_mode():
        z = latents.to(get_module_execution_device(vae))
        if type(vae).__name__ == "AutoencoderKLWan":
            z = z.to(vae.dtype)
        z, temb = PREPARE[type(vae).__name__](pipe, z, call)
        if ctx is not None and type(vae).__name__ in vae_tiles.BLENDED:
            ctx.info(f"the take is decoded in {type(vae).__name__}'s own time tiles ({vae.tile_sample_min_num_frames} "
                     f"frames, blended over {vae.tile_sample_min_num_frames - vae.tile_sample_stride_num_frames}: "
                     "its framewise decoding), each tile to the host as it is made")
        out, done = None, 0
        most = vae_tiles.most_frames(vae, z.shape[2])  # the buffer's frames: at least the take's
        total = min(most, int((call or {}).get("num_frames") or most))
        if ctx is not None:
            decode_progress.started(ctx, total)
        for part in vae_tiles.tiles(vae, z, temb, tile):
            frames = pipe.video_processor.postprocess_video(part, output_type="pt")[0]  # [T, 3, H, W] in [0, 1]
            host = frames.permute(0, 2, 3, 1).float().contiguous().cpu().numpy()
            if out is None:
                out = take_buffer(ctx, (most,) + host.shape[1:])
            out[done:done + len(host)] = host
            done += len(host)
            if ctx is not None:
                decode_progress.said(ctx, done, total)
            del part, frames, host
            give_back()  # what the tile's decode freed, back to the system: else glibc's heap grows tile by tile
    return out[:done]


def to_host(ctx, frames, tile: int = 16) -> np.ndarray:
    """Device frames [T, C, H, W] in [0, 1] as [T, H, W, C] float32 on the host, in the clip's buffer, copied
    ``tile`` frames at a time (the whole clip never twice on the host)."""
    import torch
    if not isinstance(frames, torch.Tensor):
        return np.asarray(frames, np.float32)
    if frames.ndim == 3:
        frames = frames[None]
    out = take_buffer(ctx, (frames.shape[0], frames.shape[2], frames.shape[3], frames.shape[1]))
    for a in range(0, frames.shape[0], tile):
        out[a:a + tile] = frames[a:a + tile].permute(0, 2, 3, 1).float().contiguous().cpu().numpy()
    return out
