"""A tiny SteadyDancer as ComfyUI's files (no download): the SteadyDancer denoiser in the original layout (built
from a config: Wan's names as the Wan repository has them, SteadyDancer's as the release has them, under
'model.diffusion_model.' as Kijai's file), and the tiny Wan I2V folder's UMT5, VAE and CLIP-vision files
(tiny_parts.py)."""
from __future__ import annotations

import os

STEADY = dict(num_attention_heads=2, attention_head_dim=128, in_channels=36, out_channels=16, text_dim=32, freq_dim=32,
              ffn_dim=64, num_layers=2, image_dim=32, added_kv_proj_dim=256, rope_max_seq_len=1024)


def tiny_steady(seed: int = 0):
    """The tiny SteadyDancer denoiser, random weights of a trained model's scale (none left at zero)."""
    from nodes.video_models.families.wan_steady.model import WanSteadyDancerTransformer3DModel

    from .tiny_parts import trained_scale
    return trained_scale(WanSteadyDancerTransformer3DModel, seed, **STEADY)


def original_names(state: dict) -> dict:
    """The denoiser's state as the release names it: Wan's tensors by the Wan repository's names, SteadyDancer's
    as they are."""
    from nodes.video_models.families.wan_steady.model import EXTRA

    from .tiny_parts import wan_i2v_original_names
    own = {k: v for k, v in state.items() if k.startswith(EXTRA)}
    return {**wan_i2v_original_names({k: v for k, v in state.items() if k not in own}), **own}


def build_wan_steady(path: str, state: dict | None = None) -> dict[str, str]:
    """{'denoiser', 'text_encoder', 'vae', 'clip_vision'} file paths under ``path`` (``state``: the denoiser's, in
    the original names; the tiny model's by default)."""
    from . import tiny_parts as tp
    folder = tp.build(os.path.join(path, "wan-i2v-tiny"), i2v=True, in_channels=36)
    return tp.files_with_denoiser(folder, os.path.join(path, "models"), "Wan21_SteadyDancer_tiny_fp32.safetensors",
                                  state if state is not None else original_names(tiny_steady().state_dict()))
