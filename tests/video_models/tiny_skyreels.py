"""Tiny random SkyReels-V2 pipelines built from configs (no download): diffusers' own test sizes for
the transformer and the Wan VAE, the local tiny T5 and word-level tokenizer of tiny.py, and the
UniPC flow scheduler the released SkyReels-V2 folders carry."""
from __future__ import annotations

from .tiny import save_wan_pipeline

TINY = {"skyreels-df": ("build_skyreels", {}), "skyreels": ("build_skyreels", {"forcing": False})}  # found by tests/tiny_models.py



def build_skyreels(path: str, forcing: bool = True) -> str:
    """A tiny SkyReels-V2 text-to-video folder: diffusion forcing (SkyReelsV2DiffusionForcingPipeline)
    or not (SkyReelsV2Pipeline); the same components either way, as the released folders have."""
    from diffusers import (SkyReelsV2DiffusionForcingPipeline, SkyReelsV2Pipeline, SkyReelsV2Transformer3DModel,
                           UniPCMultistepScheduler)

    def transformer():
        return SkyReelsV2Transformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                            in_channels=16, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                                            num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                            rope_max_seq_len=32)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=8.0)
    return save_wan_pipeline(path, SkyReelsV2DiffusionForcingPipeline if forcing else SkyReelsV2Pipeline, transformer,
                             scheduler)
