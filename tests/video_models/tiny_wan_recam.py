"""A tiny ReCamMaster as ComfyUI's files (no download): the ReCamMaster denoiser in the original layout (built from
a config: Wan's names as the Wan repository has them, ReCamMaster's as the release has them, under
'model.diffusion_model.' as Kijai's file), and the tiny Wan T2V folder's UMT5 and VAE files (tiny_parts.py)."""
from __future__ import annotations

import os

RECAM = dict(num_attention_heads=2, attention_head_dim=128, in_channels=16, out_channels=16, text_dim=32, freq_dim=32,
             ffn_dim=64, num_layers=2, rope_max_seq_len=1024)


def tiny_recam(seed: int = 0):
    """The tiny ReCamMaster denoiser, random weights of a trained model's scale (none left at zero: its camera
    encoder's zeros and projector's identity, the release's start before training, moved)."""
    from nodes.video_models.families.wan_recam.model import WanReCamMasterTransformer3DModel

    from .tiny_parts import trained_scale
    return trained_scale(WanReCamMasterTransformer3DModel, seed, **RECAM)


def original_names(state: dict) -> dict:
    """The denoiser's state as the release names it: Wan's tensors by the Wan repository's names, ReCamMaster's as
    they are."""
    from nodes.video_models.families.wan_recam.model import is_extra

    from .tiny_formats import wan_original_names
    own = {k: v for k, v in state.items() if is_extra(k)}
    return {**wan_original_names({k: v for k, v in state.items() if k not in own}), **own}


def build_wan_recam(path: str, state: dict | None = None) -> dict[str, str]:
    """{'denoiser', 'text_encoder', 'vae'} file paths under ``path`` (``state``: the denoiser's, in the original
    names; the tiny model's by default)."""
    from . import tiny_parts as tp
    folder = tp.build(os.path.join(path, "wan-t2v-tiny"))
    return tp.files_with_denoiser(folder, os.path.join(path, "models"), "Wan2_1_kwai_recammaster_tiny_fp32.safetensors",
                                  state if state is not None else original_names(tiny_recam().state_dict()))
