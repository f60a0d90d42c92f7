"""A tiny Lucy Edit pipeline (diffusers' LucyEditPipeline) built from the tiny Wan's parts: its
transformer reads the clip's latents beside the noise (32 channels in, 16 out)."""
from __future__ import annotations

import os
import shutil


def build_lucy(path: str) -> str:
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, LucyEditPipeline, WanTransformer3DModel

    from .tiny import wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=32, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32)
    pipe = LucyEditPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                            scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0))
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path
