"""A tiny random Mochi 1 folder built from configs (never downloaded): diffusers' MochiPipeline with
MochiTransformer3DModel at a few channels (12 latent channels in and out, two blocks), AutoencoderKLMochi at
32 channels a level, the tiny T5 and tokenizer of tiny.py, flow matching."""
from __future__ import annotations

import shutil
import os


def build_mochi(path: str) -> str:
    import torch
    from diffusers import AutoencoderKLMochi, FlowMatchEulerDiscreteScheduler, MochiPipeline, MochiTransformer3DModel

    from .tiny import build_tokenizer, tiny_t5
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tok)
    torch.manual_seed(0)
    transformer = MochiTransformer3DModel(patch_size=2, num_attention_heads=2, attention_head_dim=8, num_layers=2,
                                          pooled_projection_dim=16, in_channels=12, text_embed_dim=32,
                                          time_embed_dim=4)
    torch.manual_seed(0)
    vae = AutoencoderKLMochi(latent_channels=12, out_channels=3, encoder_block_out_channels=(32, 32, 32, 32),
                             decoder_block_out_channels=(32, 32, 32, 32), layers_per_block=(1, 1, 1, 1, 1))
    MochiPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tok,
                  transformer=transformer).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return path
