"""A tiny random HunyuanVideo Framepack folder (HunyuanVideoFramepackPipeline) built from configs: the
tiny HunyuanVideo's VAE, Llama and CLIP text encoders (tiny_hunyuan.py), a Framepack transformer (its
image projection and clean-latent embedders) and a tiny SigLIP image encoder with its processor."""
from __future__ import annotations

import os
import shutil


def build_framepack(path: str) -> str:
    import torch
    from diffusers import (FlowMatchEulerDiscreteScheduler, HunyuanVideoFramepackPipeline,
                           HunyuanVideoFramepackTransformer3DModel)
    from transformers import SiglipImageProcessor, SiglipVisionConfig, SiglipVisionModel

    from .tiny import build_tokenizer
    from .tiny_hunyuan import TRANSFORMER, hunyuan_text_encoders, hunyuan_vae
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    transformer = HunyuanVideoFramepackTransformer3DModel(**dict(
        TRANSFORMER, patch_size=2, image_condition_type=None, has_image_proj=True, image_proj_dim=8,
        has_clean_x_embedder=True))
    vae = hunyuan_vae()
    text_encoder, text_encoder_2 = hunyuan_text_encoders(len(tok))
    torch.manual_seed(0)
    image_encoder = SiglipVisionModel(SiglipVisionConfig(hidden_size=8, intermediate_size=37, num_attention_heads=2,
                                                         num_hidden_layers=1, image_size=32, patch_size=8))
    feature_extractor = SiglipImageProcessor(size={"height": 32, "width": 32})
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # the zero-initialised output layers made to matter
    HunyuanVideoFramepackPipeline(
        text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0), text_encoder_2=text_encoder_2, tokenizer_2=tok,
        image_encoder=image_encoder, feature_extractor=feature_extractor,
    ).save_pretrained(path, safe_serialization=True)
    return path
