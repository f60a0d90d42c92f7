"""A tiny random Allegro folder (AllegroPipeline) built from configs as diffusers' own test builds its parts: an
AllegroTransformer3DModel at a few channels, a tiny AutoencoderKLAllegro of 4 latent channels whose decode tiles
are 128 px (``sample_size``; diffusers' test keeps 320, wider than its 16 px clip, so its clip is never decoded:
the tiles overlap 120 px down and 80 px across, so 128 px is the least that steps), the tiny T5 of tiny.py over
its word-level tokenizer, DDIM (its released scheduler's kind)."""
from __future__ import annotations

import os
import shutil

TINY = {"allegro": ("build_allegro", {})}  # its builder, found by tests/tiny_models.py


def build_allegro(path: str) -> str:
    import torch
    from diffusers import AllegroPipeline, AllegroTransformer3DModel, AutoencoderKLAllegro, DDIMScheduler

    from .tiny import build_tokenizer, tiny_t5
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tok)
    torch.manual_seed(0)
    transformer = AllegroTransformer3DModel(
        num_attention_heads=2, attention_head_dim=12, in_channels=4, out_channels=4, num_layers=1,
        cross_attention_dim=24, sample_width=16, sample_height=16, sample_frames=6, caption_channels=32)
    torch.manual_seed(0)
    vae = AutoencoderKLAllegro(
        in_channels=3, out_channels=3, down_block_types=("AllegroDownBlock3D",) * 4,
        up_block_types=("AllegroUpBlock3D",) * 4, block_out_channels=(4, 4, 4, 4), latent_channels=4,
        layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4, sample_size=128)
    AllegroPipeline(transformer=transformer, vae=vae, scheduler=DDIMScheduler(), text_encoder=text_encoder,
                    tokenizer=tok).save_pretrained(path, safe_serialization=True)
    return path
