"""A tiny random SkyReels V1 image-to-video folder (HunyuanSkyreelsImageToVideoPipeline) built from
configs: the tiny HunyuanVideo's parts (tiny_hunyuan.py) with a transformer reading twice the latent
channels (the noise and the start image's latents)."""
from __future__ import annotations

import os
import shutil


def build_hunyuan_skyreels(path: str) -> str:
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, HunyuanSkyreelsImageToVideoPipeline,
                           HunyuanVideoTransformer3DModel)

    from .tiny import build_tokenizer
    from .tiny_hunyuan import TRANSFORMER, hunyuan_text_encoders, hunyuan_vae
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    transformer = HunyuanVideoTransformer3DModel(**dict(TRANSFORMER, in_channels=8))
    vae = hunyuan_vae()
    text_encoder, text_encoder_2 = hunyuan_text_encoders(len(tok))
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # the zero-initialised output layers made to matter
    HunyuanSkyreelsImageToVideoPipeline(
        text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0), text_encoder_2=text_encoder_2, tokenizer_2=tok,
    ).save_pretrained(path, safe_serialization=True)
    return path
