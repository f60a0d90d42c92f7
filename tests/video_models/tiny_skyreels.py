"""Tiny random SkyReels-V2 pipelines built from configs (no download): diffusers' own test sizes for
the transformer and the Wan VAE, the local tiny T5 and word-level tokenizer of tiny.py, and the
UniPC flow scheduler the released SkyReels-V2 folders carry."""
from __future__ import annotations

import os
import shutil

from .tiny import build_tokenizer, tiny_t5


def build_skyreels(path: str, forcing: bool = True) -> str:
    """A tiny SkyReels-V2 text-to-video folder: diffusion forcing (SkyReelsV2DiffusionForcingPipeline)
    or not (SkyReelsV2Pipeline); the same components either way, as the released folders have."""
    import torch
    from diffusers import (AutoencoderKLWan, SkyReelsV2DiffusionForcingPipeline, SkyReelsV2Pipeline,
                           SkyReelsV2Transformer3DModel, UniPCMultistepScheduler)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=8.0)
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tokenizer)
    torch.manual_seed(0)
    transformer = SkyReelsV2Transformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                               in_channels=16, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                                               num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                               rope_max_seq_len=32)
    cls = SkyReelsV2DiffusionForcingPipeline if forcing else SkyReelsV2Pipeline
    pipe = cls(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer, scheduler=scheduler)
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path
