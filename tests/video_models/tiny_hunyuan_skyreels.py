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
    from transformers import CLIPTextConfig, CLIPTextModel, LlamaConfig, LlamaModel

    from .tiny import build_tokenizer
    from .tiny_hunyuan import TRANSFORMER, hunyuan_vae
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    transformer = HunyuanVideoTransformer3DModel(**dict(TRANSFORMER, in_channels=8))
    vae = hunyuan_vae()
    torch.manual_seed(0)
    text_encoder = LlamaModel(LlamaConfig(bos_token_id=0, eos_token_id=1, hidden_size=16, intermediate_size=37,
                                          num_attention_heads=4, num_hidden_layers=3, pad_token_id=0,
                                          vocab_size=len(tok), hidden_act="gelu"))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=8, intermediate_size=37,
                                                  num_attention_heads=4, num_hidden_layers=2, pad_token_id=0,
                                                  vocab_size=len(tok), hidden_act="gelu", projection_dim=32))
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # the zero-initialised output layers made to matter
    HunyuanSkyreelsImageToVideoPipeline(
        text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0), text_encoder_2=text_encoder_2, tokenizer_2=tok,
    ).save_pretrained(path, safe_serialization=True)
    return path
