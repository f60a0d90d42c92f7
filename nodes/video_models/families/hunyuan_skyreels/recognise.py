"""How a SkyReels V1 image-to-video file is told from HunyuanVideo's: its transformer is HunyuanVideo's (the same
names) but its patch embedding reads twice the latent channels its final layer gives, the noise and the start
image's latents (32 in, 16 out in the release). HunyuanVideo's own image-to-video file reads 33 (the same two and a
mask: 'latent_concat') or 16 (its 'fixed' release's 'token_replace'), its text-to-video file 16: kijai's
HunyuanVideoWrapper tells them by that width too (nodes.py's loader reads 'img_in.proj.weight'; its pipeline adds
the mask for 33 only), and diffusers' HunyuanSkyreelsImageToVideoPipeline takes in_channels // 2 latent channels.
Told before HunyuanVideo's recogniser (key_rank). Original names (Tencent's; ComfyUI's diffusion_models files, with
or without 'model.diffusion_model.') and diffusers'."""
from __future__ import annotations

from ...base.recognise import Recognised
from ..hunyuan.recognise import channels


def recognise(t, filename: str = "") -> Recognised | None:
    original = {"double_blocks", "txt_in"} <= t.tops
    diffusers = {"context_embedder", "single_transformer_blocks", "transformer_blocks"} <= t.tops and \
        t.has("context_embedder.token_refiner.refiner_blocks.0.norm1.weight") and "clean_x_embedder" not in t.tops
    if not (original or diffusers) or "byt5_in" in t.tops or "cond_type_embedding" in t.tops:
        return None  # (HunyuanVideo 1.5's original names: its own family)
    c_in, c_out = channels(t)
    return Recognised("denoiser", "hunyuan_skyreels", "SkyReels V1 I2V") if c_out and c_in == 2 * c_out else None


def base_config(cfg: dict, shapes: dict) -> dict:
    """A base folder's transformer config (SkyReels V1's or HunyuanVideo's: the same architecture) with the channels
    in of the file read over it (HunyuanVideo's text-to-video folder says 16; the SkyReels V1 file reads 32)."""
    from ...base.recognise import Tensors
    c_in, _ = channels(Tensors(shapes))
    return {**cfg, "in_channels": c_in} if c_in else cfg
