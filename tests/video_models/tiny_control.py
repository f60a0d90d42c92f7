"""Tiny random Wan VACE pipelines built from configs (diffusers' own test config; no download)."""
from __future__ import annotations

import shutil


def build_wan_vace(path: str, two_experts: bool = False, heads: tuple[int, int] = (2, 12), layers: int = 3) -> str:
    """A tiny Wan 2.1 VACE pipeline (Wan 2.2 with two experts and a boundary ratio when asked; ``heads``:
    (count, width), 12 of 128 with one layer being as wide as Wan 2.1 1.3B, its variant)."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanVACEPipeline, WanVACETransformer3DModel

    from .tiny import wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)

    def transformer():
        return WanVACETransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=heads[0],
                                         attention_head_dim=heads[1], in_channels=16, out_channels=16, text_dim=32,
                                         freq_dim=256, ffn_dim=32, num_layers=layers, cross_attn_norm=True,
                                         qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
                                         vace_layers=[0, 2] if layers > 2 else [0], vace_in_channels=96)
    torch.manual_seed(0)
    t1 = transformer()
    t2 = transformer() if two_experts else None
    pipe = WanVACEPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=t1,
                           transformer_2=t2, scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
                           boundary_ratio=0.5 if two_experts else None)
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path
