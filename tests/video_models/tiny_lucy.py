"""A tiny Lucy Edit pipeline (diffusers' LucyEditPipeline) built from the tiny Wan's parts: its
transformer reads the clip's latents beside the noise (32 channels in, 16 out)."""
from __future__ import annotations

import os

TINY = {"lucy": ("build_lucy", {})}  # its builder, found by tests/tiny_models.py



def build_lucy(path: str) -> str:
    from diffusers import FlowMatchEulerDiscreteScheduler, LucyEditPipeline

    from .tiny import save_wan_pipeline, tiny_wan_transformer
    save_wan_pipeline(path, LucyEditPipeline, lambda: tiny_wan_transformer(32), FlowMatchEulerDiscreteScheduler(shift=5.0))
    assert os.path.isfile(os.path.join(path, "model_index.json"))
    return path
