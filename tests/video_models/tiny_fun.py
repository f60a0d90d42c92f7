"""A tiny Wan 2.1 Fun Control pipeline: diffusers' WanPipeline around a transformer that reads 48 channels
(the noise, the control clip's latents, the start image's) and has the I2V image embedder, as the
released Fun Control models do (built from configs, never downloaded)."""
from __future__ import annotations

import os
import shutil


def build_wan_fun(path: str) -> str:
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline

    from .tiny import tiny_wan_transformer, wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = tiny_wan_transformer(48, image_dim=4)
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                       scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path
