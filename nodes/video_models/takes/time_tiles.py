"""A long take's latent decoded in time tiles (issue 47's memory aim): the latent stays on the device, and
its frames reach the host a tile at a time, into the clip's buffer (``studio.engine.clip.frames_buffer``:
a file-backed map past a size, as a clip made window by window is), never as one array of the whole clip.

A take made with context windows is one pipeline call of the whole clip; diffusers' pipeline decodes
its latent at once (Wan: a device tensor of every frame, then a float32 copy of it on the host: 1,000
frames at 832x480 are 4.8 GB each). The call is made for its latent instead (``output_type="latent"``)
and decoded here: the pipeline's own steps before its decode (its family's ``TimeTiles.prepare``, declared
in its folder: Wan's denormalising; LTX-Video's unpacking, denormalising and decode-timestep noise drawn
from the call's generator, where the pipeline would draw it), then the VAE's decode a time tile at a time
(vae_tiles.py), each tile post-processed as the pipeline does and copied into the buffer.

* Wan: the frames of the pipeline's own decode exactly.
* LTX-Video: the frames of the pipeline with the VAE's own time tiling on (``use_framewise_decoding``)
  exactly; they differ from a decode of the whole clip at once inside the tiles' blends (said on the node).
* Other pipelines: the pipeline's own decode, its frames copied to the host a tile at a time (:func:`to_host`).
"""
from __future__ import annotations

import numpy as np

from studio.engine.memory import give_back

from . import decode_progress, vae_tiles

TILE = vae_tiles.TILE


def _declared(pipe):
    """The family's TimeTiles for the pipeline's VAE (base/capabilities.py), None when it declares none."""
    from ..base.capabilities import TimeTiles
    from ..base.registry import capability_for
    return capability_for(TimeTiles, type(getattr(pipe, "vae", None)).__name__)


def can_tile(pipe) -> bool:
    """The pipeline's latent is decoded in time tiles here (its family's TimeTiles serves the pipeline and
    its VAE is tiled: Wan, its spatial tiling off; LTX-Video)."""
    vae = getattr(pipe, "vae", None)
    how = _declared(pipe)
    if how is None or not how.serves(type(pipe).__name__) or not vae_tiles.can_tile(vae):
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
        how = _declared(pipe)
        if how.vae_dtype:
            z = z.to(vae.dtype)
        z, temb = how.prepare(pipe, z, call)
        if ctx is not None and getattr(vae_tiles.declared(vae), "how", "") == vae_tiles.BLENDED:
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
