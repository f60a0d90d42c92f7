"""A tiny SCAIL-2 as ComfyUI's files (no download): the SCAIL-2 denoiser in the original layout (built
from a config, names as ComfyUI's file under 'model.diffusion_model.'), and the tiny Wan I2V folder's
UMT5, VAE and CLIP-vision files (tiny_parts.py)."""
from __future__ import annotations

import os

SCAIL = dict(num_attention_heads=2, attention_head_dim=128, in_channels=20, out_channels=16, text_dim=32, freq_dim=32,
             ffn_dim=64, num_layers=2, image_dim=32, added_kv_proj_dim=256, mask_channels=28, rope_max_seq_len=1024)


def tiny_scail(seed: int = 0):
    """The tiny SCAIL-2 denoiser, random weights of a trained model's scale (none left at zero)."""
    from nodes.video_models.families.wan_scail.model import WanSCAIL2Transformer3DModel

    from .tiny_parts import trained_scale
    return trained_scale(WanSCAIL2Transformer3DModel, seed, **SCAIL)


def build_wan_scail(path: str) -> dict[str, str]:
    """{'denoiser', 'text_encoder', 'vae', 'clip_vision'} file paths under ``path``."""
    from . import tiny_parts as tp
    folder = tp.build(os.path.join(path, "wan-i2v-tiny"), i2v=True, in_channels=20)
    return tp.files_with_denoiser(folder, os.path.join(path, "models"), "wan2.1_14B_SCAIL_2_tiny_fp32.safetensors",
                                  tp.wan_i2v_original_names(tiny_scail().state_dict()))
