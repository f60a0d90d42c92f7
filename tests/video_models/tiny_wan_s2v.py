"""A tiny Wan S2V as ComfyUI's files (no download): the S2V denoiser in the original layout (built
from a config, names as ComfyUI's file under 'model.diffusion_model.'), and the tiny Wan folder's
UMT5 and VAE files (tiny_parts.py)."""
from __future__ import annotations

import os

S2V = dict(num_attention_heads=2, attention_head_dim=128, text_dim=32, freq_dim=256, ffn_dim=64, num_layers=2,
           audio_dim=32, audio_layers=3, num_audio_token=4, audio_inject_layers=(0, 1), motion_frames=73,
           rope_max_seq_len=1024)


def tiny_s2v(seed: int = 0):
    """The tiny S2V denoiser, random weights of a trained model's scale (none left at zero)."""
    from nodes.video_models.families.wan_s2v.model import WanS2VTransformer3DModel

    from .tiny_parts import trained_scale
    return trained_scale(WanS2VTransformer3DModel, seed, **S2V)


def build_wan_s2v(path: str) -> dict[str, str]:
    """{'denoiser', 'text_encoder', 'vae'} file paths under ``path``."""
    from nodes.video_models.families.wan_s2v.convert import original_state

    from . import tiny_parts as tp
    folder = tp.build(os.path.join(path, "wan-tiny"))
    return tp.files_with_denoiser(folder, os.path.join(path, "models"), "wan2.2_s2v_tiny_fp32.safetensors",
                                  original_state(tiny_s2v()))
