"""A tiny Lucy Edit pipeline (diffusers' LucyEditPipeline) built from the tiny Wan's parts: its
transformer reads the clip's latents beside the noise (32 channels in, 16 out)."""
from __future__ import annotations

import os
import shutil


def build_lucy(path: str) -> str:
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, LucyEditPipeline

    from .tiny import tiny_wan_transformer, wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = tiny_wan_transformer(32)
    pipe = LucyEditPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                            scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0))
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path
