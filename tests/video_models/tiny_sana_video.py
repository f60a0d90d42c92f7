"""A tiny random Sana Video folder (SanaVideoPipeline, or SanaImageToVideoPipeline with ``i2v``) built from
configs: diffusers' SanaVideoTransformer3DModel at a few channels, tiny.py's tiny Wan VAE, a tiny Gemma 2
text model over the word-level tokenizer of tiny.py, the flow-matching scheduler."""
from __future__ import annotations

import os
import shutil


def build_sana_video(path: str, i2v: bool = False) -> str:
    import torch
    from diffusers import (AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, SanaImageToVideoPipeline,
                           SanaVideoPipeline, SanaVideoTransformer3DModel)
    from transformers import Gemma2Config, Gemma2Model

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    text_encoder = Gemma2Model(Gemma2Config(vocab_size=len(tok), hidden_size=16, intermediate_size=37,
                                            num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                                            head_dim=8, pad_token_id=0))
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=4, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True], latents_mean=[0.0] * 4, latents_std=[1.0] * 4)
    torch.manual_seed(0)
    transformer = SanaVideoTransformer3DModel(
        in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=8, num_layers=1,
        num_cross_attention_heads=2, cross_attention_head_dim=8, cross_attention_dim=16, caption_channels=16,
        sample_size=30, patch_size=(1, 2, 2))
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    (SanaImageToVideoPipeline if i2v else SanaVideoPipeline)(
        tokenizer=tok, text_encoder=text_encoder, vae=vae, transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=8.0)).save_pretrained(path, safe_serialization=True)
    return path
