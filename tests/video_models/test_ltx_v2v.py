"""LTX-Video's Video to Video (issue 112): the generic node's clip and strength reach diffusers' LTXConditionPipeline as
the clip's latents (encoded by the model's VAE) and its ``denoise_strength``, the library's own partial denoise of
given latents (families/ltx/v2v.py); on a tiny random LTX-Video built from a config, on the CPU, no mock."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")


def _clip(seed: int, n: int = 9):
    return source(f"test.ltx_v2v_clip_{seed}_{n}", "video", "Video",
                  lambda p: ArrayClip(np.random.RandomState(seed).rand(n, 32, 32, 3).astype(np.float32), 16.0))


def _graph(model_dir, seed=1, n=9, **p):
    params = {"width": 32, "height": 32, "steps": 4, "guidance": 1.0, "prompt": "a red fox", "previews": False,
              "preview_size": "off", "seed": 5, "strength": 0.3, **p}
    return model_graph(model_dir, "video_models.video_to_video", params, video=(_clip(seed, n), "video"))


def _note(kw):
    lat = kw.get("latents")
    return {"latents": None if lat is None else tuple(lat.shape), "denoise_strength": kw.get("denoise_strength"),
            "video": "video" in kw, "strength": "strength" in kw, "num_frames": kw.get("num_frames")}


def test_ltx_declares_video_to_video_through_its_condition_pipeline():
    from nodes.video_models.base.tasks import task_kinds
    from nodes.video_models.families.ltx.family import FAMILY
    assert FAMILY.v2v == "LTXConditionPipeline"
    assert "video" in [t.key for t in task_kinds(FAMILY)]


def test_ltx_video_to_video_gives_the_clips_latents_and_denoise_strength(ltx_dir, monkeypatch):
    from diffusers import LTXConditionPipeline
    calls, _ = spy_call(monkeypatch, LTXConditionPipeline, _note)
    ex = Executor()
    clip, said = render(ex, _graph(ltx_dir))
    assert clip.n_frames == 9 and (clip.width, clip.height) == (32, 32)
    pipe = ex.run(_graph(ltx_dir), targets=["load"], device="cpu").value("load").pipeline("v2v")
    t, s = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
    assert calls == [{"latents": (1, 8, (9 - 1) // t + 1, 32 // s, 32 // s), "denoise_strength": 0.3,
                      "video": False, "strength": False, "num_frames": 9}]
    # the tiny model's scheduler shifts with the size, which the condition pipeline cannot: fixed, and said
    assert any("takes no size-dependent shift" in m for m in said)


def test_ltx_video_to_video_same_seed_same_frames_strength_and_clip_matter(ltx_dir):
    ex = Executor()
    a, _ = render(ex, _graph(ltx_dir))
    again, _ = render(ex, _graph(ltx_dir))
    assert np.array_equal(a.frames, again.frames)  # the same seed: the same frames
    full, _ = render(ex, _graph(ltx_dir, strength=1.0))
    assert not np.allclose(a.frames, full.frames, atol=1e-4)  # strength 1 vs 0.3 differ
    other, _ = render(ex, _graph(ltx_dir, seed=2))
    assert not np.allclose(a.frames, other.frames, atol=1e-4)  # at 0.3 the clip given shapes the frames
    other_full, _ = render(ex, _graph(ltx_dir, seed=2, strength=1.0))
    assert np.allclose(full.frames, other_full.frames, atol=1e-6)  # at 1 the pipeline starts from noise alone


@pytest.mark.parametrize("take, calls_frames", [("auto", [17]), ("separate shots", [9, 9, 9])])
def test_ltx_video_to_video_of_a_long_clip_goes_in_windows(ltx_dir, monkeypatch, take, calls_frames):
    """auto: context windows (one call of the whole clip's latents, the model run window by window); separate shots:
    a call a window, each given its own frames' latents."""
    from diffusers import LTXConditionPipeline
    calls, _ = spy_call(monkeypatch, LTXConditionPipeline, _note)
    clip, said = render(Executor(), _graph(ltx_dir, n=17, window=9, overlap=4, long_take=take, steps=2))
    assert clip.n_frames == 17 and (clip.width, clip.height) == (32, 32)
    assert [c["num_frames"] for c in calls] == calls_frames
    assert all(c["denoise_strength"] == 0.3 and c["latents"][2] == (c["num_frames"] - 1) // 4 + 1 for c in calls)
