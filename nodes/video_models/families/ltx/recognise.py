"""How an LTX-Video file is told: the denoiser in Lightricks' layout and diffusers' (2B, 13B by
its blocks), and its VAE."""
from __future__ import annotations

from ...base.recognise import Recognised


def _vae(t) -> Recognised | None:
    s = t.vae_shapes
    if "decoder.up_blocks.0.res_blocks.0.conv1.conv.weight" in s or "per_channel_statistics.mean-of-means" in s:
        return Recognised("vae", "ltx", "LTX-Video VAE")
    if "decoder.conv_in.conv.weight" in s:  # after HunyuanVideo's VAEs (key_rank), which have one too
        return Recognised("vae", "ltx", "LTX-Video VAE")
    return None


def recognise(t, filename: str = "") -> Recognised | None:
    r = _vae(t)
    if r is not None:
        return r
    original = "adaln_single" in t.tops and "patchify_proj" in t.tops
    diffusers = {"time_embed", "proj_in", "caption_projection", "transformer_blocks", "scale_shift_table"} <= t.tops
    if not (original or diffusers):
        return None
    n = t.blocks("transformer_blocks")
    variant = {28: "LTX-Video 2B", 48: "LTX-Video 13B"}.get(n, f"LTX-Video ({n} blocks)")
    return Recognised("denoiser", "ltx", variant, "" if n in (28, 48) else "an unusual size")
