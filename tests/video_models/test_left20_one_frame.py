"""HunyuanVideo's Video to Video of a clip of one frame (left20: a picture VAE-encoded and re-made part way, heldout89
03, is converted as that, studio/convert/mapping/one_frame.py, on the family's 'one_frame_restyle' hook): the one
frame encoded alone as one latent frame and made back as one frame, on a tiny random model built from its configs, on
the CPU, no mock of the pipeline."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import render, spy_call
from .test_restyle10_v2v import SIDE, _graph, _note

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def hunyuan_dir(tiny):
    return tiny("hunyuan")


def test_a_clip_of_one_frame_is_restyled_into_one_frame(hunyuan_dir, monkeypatch):
    from diffusers import HunyuanVideoPipeline
    calls, _ = spy_call(monkeypatch, HunyuanVideoPipeline, _note)
    clip, _ = render(Executor(), _graph(hunyuan_dir, n=1, strength=0.85))
    assert clip.n_frames == 1 and (clip.width, clip.height) == (SIDE, SIDE)
    c = calls[0]
    assert c["num_frames"] == 1 and tuple(c["latents"].shape) == (1, 4, 1, SIDE // 8, SIDE // 8)
    assert np.isfinite(np.asarray(clip.frames)).all()


def test_the_family_declares_it_for_the_converter():
    from nodes.video_models.families.hunyuan.comfy import MAPPING
    assert MAPPING.hooks["one_frame_restyle"] is True
