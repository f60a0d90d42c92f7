"""Stable Video Diffusion's first-frame guidance (svdcfg8): Image to Video's 'min_guidance' is the pipeline's
min_guidance_scale (guidance rising linearly to 'guidance' at the last frame; the two alike: constant, as a ComfyUI
sampler without VideoLinearCFGGuidance guides); its default 1 is diffusers' own."""
from __future__ import annotations

import pytest

from studio.engine.executor import Executor

from .graphs import spy_call
from .test_video_nodes import i2v_graph

pytest.importorskip("diffusers")


def _scales(k: dict) -> tuple:
    return k.get("min_guidance_scale"), k.get("max_guidance_scale")


def test_the_pipeline_is_given_min_guidance_from_the_setting(svd_dir, monkeypatch):
    from diffusers import StableVideoDiffusionPipeline
    seen, _ = spy_call(monkeypatch, StableVideoDiffusionPipeline, _scales)
    for extra in ({"min_guidance": 2.5}, {}):
        g, _, gen = i2v_graph(svd_dir, steps=1, guidance=2.5, previews=False, **extra)
        Executor().run(g, targets=[gen.id], device="cpu", use_cache=False)
    assert seen == [(2.5, 2.5), (1.0, 2.5)]  # constant where asked; diffusers' ramp from 1 by default
