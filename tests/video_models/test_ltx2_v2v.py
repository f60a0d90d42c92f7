"""LTX-2's Video to Video (issue 112): the generic node's clip and strength reach diffusers' LTX2ConditionPipeline as
the clip's raw latents (encoded by the model's VAE), the tail of the schedule cut at the strength (``sigmas``) and the
noise it starts from (``noise_scale``): the library's own partial denoise of given latents (families/ltx2/v2v.py); on
the tiny random LTX-2 built from configs, on the CPU, no mock."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")
SIDE = 64  # its VAE compresses as LTX-2's own (32x, 8x): a clip's latents have the frames the pipeline counts


@pytest.fixture(scope="module")
def ltx2_dir(tiny):
    """The tiny LTX-2 whose video VAE compresses as LTX-2's (the 2x one encodes no time: its latents would not fit)."""
    return tiny("ltx2", "tiny-ltx2-v2v", real_compression=True, audio_encoder=False)


def _clip(seed: int, n: int = 9):
    return source(f"test.ltx2_v2v_clip_{seed}_{n}", "video", "Video",
                  lambda p: ArrayClip(np.random.RandomState(seed).rand(n, SIDE, SIDE, 3).astype(np.float32), 12.0))


def _graph(model_dir, seed=1, n=9, **p):
    params = {"width": SIDE, "height": SIDE, "steps": 4, "guidance": 1.0, "prompt": "a red fox", "previews": False,
              "preview_size": "off", "seed": 5, "strength": 0.5, **p}
    return model_graph(model_dir, "video_models.video_to_video", params, video=(_clip(seed, n), "video"))


def _note(kw):
    lat = kw.get("latents")
    return {"latents": None if lat is None else tuple(lat.shape), "sigmas": kw.get("sigmas"),
            "noise_scale": kw.get("noise_scale"), "steps": kw.get("num_inference_steps"),
            "video": "video" in kw, "strength": "strength" in kw, "num_frames": kw.get("num_frames"),
            "frame_rate": kw.get("frame_rate")}


def test_ltx2_declares_video_to_video_through_its_condition_pipeline():
    from nodes.video_models.base.tasks import makers, task_kinds
    from nodes.video_models.families.ltx2.family import FAMILY
    assert FAMILY.v2v == "LTX2ConditionPipeline"
    assert "video" in [t.key for t in task_kinds(FAMILY)]
    assert [m.node for m in makers(FAMILY, "video")] == ["video_models.video_to_video"]
    from nodes.video_models.base.capabilities import RestyleCall
    assert FAMILY.capability(RestyleCall).args == ("strength",)  # given on to its pipeline_call


def test_ltx2_video_to_video_gives_the_clips_latents_and_the_schedules_tail(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls, _ = spy_call(monkeypatch, LTX2ConditionPipeline, _note)
    ex = Executor()
    clip, said = render(ex, _graph(ltx2_dir))
    assert clip.n_frames == 9 and (clip.width, clip.height) == (SIDE, SIDE)
    pipe = ex.run(_graph(ltx2_dir), targets=["load"], device="cpu").value("load").pipeline("v2v")
    t, s = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
    c = calls[0]
    assert len(calls) == 1
    assert c["latents"] == (1, 4, (9 - 1) // t + 1, SIDE // s, SIDE // s)
    # 4 steps at 0.5: the last 2 of linspace(1, 1/4, 4); the tiny scheduler shifts nothing: noise_scale is the first
    assert np.allclose(c["sigmas"], [0.5, 0.25]) and c["steps"] == 2 and c["noise_scale"] == pytest.approx(0.5)
    assert (c["video"], c["strength"], c["num_frames"], c["frame_rate"]) == (False, False, 9, 12)
    assert not any("has no 'strength'" in m for m in said)  # given on to the family's call, not said ignored
    assert any("Video to Video keeps the picture only" in m and "sound" in m for m in said)


def test_ltx2_noise_scale_is_the_first_sigma_the_scheduler_runs(ltx2_dir):
    """A scheduler that shifts with the size (LTX-2's own): the clip is noised to the shifted first sigma."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    from nodes.video_models.families.ltx2 import v2v
    from types import SimpleNamespace
    loaded = Executor().run(_graph(ltx2_dir), targets=["load"], device="cpu").value("load").pipeline("v2v")
    # (the loaded pipeline is shared by the module's tests: its patch sizes read, its scheduler left as it is)
    pipe = SimpleNamespace(scheduler=FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95,
                                                                     max_shift=2.05),
                           transformer_spatial_patch_size=loaded.transformer_spatial_patch_size,
                           transformer_temporal_patch_size=loaded.transformer_temporal_patch_size)
    sig = v2v.kept_sigmas(None, 10, 0.4)
    assert np.allclose(sig, [0.4, 0.3, 0.2, 0.1])
    first = v2v.first_sigma(pipe, sig, (1, 4, 5, 16, 16))
    assert 0.4 < first < 1.0  # shifted up, as the pipeline's scheduler runs it
    assert v2v.first_sigma(pipe, v2v.kept_sigmas(None, 10, 1.0), (1, 4, 5, 16, 16)) == pytest.approx(1.0)


def test_ltx2_video_to_video_same_seed_same_frames_strength_and_clip_matter(ltx2_dir):
    ex = Executor()
    a, _ = render(ex, _graph(ltx2_dir))
    again, _ = render(ex, _graph(ltx2_dir))
    assert np.array_equal(a.frames, again.frames)  # the same seed: the same frames
    full, _ = render(ex, _graph(ltx2_dir, strength=1.0))
    assert not np.allclose(a.frames, full.frames, atol=1e-4)  # strength 1 vs 0.5 differ
    other, _ = render(ex, _graph(ltx2_dir, seed=2))
    assert not np.allclose(a.frames, other.frames, atol=1e-4)  # at 0.5 the clip given shapes the frames
    other_full, _ = render(ex, _graph(ltx2_dir, seed=2, strength=1.0))
    assert np.allclose(full.frames, other_full.frames, atol=1e-6)  # at 1 the pipeline starts from noise alone
