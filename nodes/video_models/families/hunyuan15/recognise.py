"""How a HunyuanVideo 1.5 file is told: the denoiser in Tencent's layout (ComfyUI's) and diffusers',
and its VAE (before HunyuanVideo's, which its original names resemble: ``key_rank``)."""
from __future__ import annotations

from ...base.recognise import Recognised


def recognise(t, filename: str = "") -> Recognised | None:
    s = t.vae_shapes
    if "decoder.conv_in.conv.weight" in s and ("decoder.mid.attn_1.q.weight" in s  # Tencent's names / diffusers'
                                              or "decoder.mid_block.attentions.0.norm.gamma" in s):
        return Recognised("vae", "hunyuan15", "HunyuanVideo 1.5 VAE")
    if {"double_blocks", "txt_in"} <= t.tops and ("byt5_in" in t.tops or "cond_type_embedding" in t.tops):
        return Recognised("denoiser", "hunyuan15", "HunyuanVideo 1.5")
    if {"cond_type_embed", "context_embedder_2", "transformer_blocks"} <= t.tops:
        return Recognised("denoiser", "hunyuan15", "HunyuanVideo 1.5")
    return None
