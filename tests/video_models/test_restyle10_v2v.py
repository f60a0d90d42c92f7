"""HunyuanVideo's and EasyAnimate's Video to Video (issue 112, restyle10): the generic node's clip and strength reach
HunyuanVideoPipeline as the clip's VAE latents noised to the tail of the schedule cut at the strength (``latents``,
``sigmas``: families/hunyuan/v2v.py), and EasyAnimateInpaintPipeline as its own ``video`` and ``strength``
(families/easyanimate/v2v.py); on tiny random models built from configs, on the CPU, no mock of the pipelines."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")
SIDE = 16


def _frames(seed: int, n: int = 5, side: int = SIDE) -> np.ndarray:
    return np.random.RandomState(seed).rand(n, side, side, 3).astype(np.float32)


def _clip(seed: int, n: int = 5, side: int = SIDE):
    return source(f"test.restyle10_clip_{seed}_{n}_{side}", "video", "Video",
                  lambda p: ArrayClip(_frames(seed, n, side), 12.0))


def _graph(model_dir, seed=1, n=5, side=SIDE, **p):
    params = {"width": side, "height": side, "steps": 4, "guidance": 1.0, "prompt": "a red fox", "previews": False,
              "preview_size": "off", "seed": 5, "strength": 0.5, "negative_prompt": "", **p}
    return model_graph(model_dir, "video_models.video_to_video", params, video=(_clip(seed, n, side), "video"))


def _note(kw):
    lat, vid = kw.get("latents"), kw.get("video")
    return {"latents": None if lat is None else lat.clone(), "sigmas": kw.get("sigmas"),
            "steps": kw.get("num_inference_steps"), "video": None if vid is None else tuple(vid.shape),
            "strength": kw.get("strength"), "num_frames": kw.get("num_frames")}


def _dist(a, b) -> float:
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean())


@pytest.fixture(scope="module")
def hunyuan_dir(tiny):
    return tiny("hunyuan")


@pytest.fixture(scope="module")
def easyanimate_dir(tiny):
    return tiny("easyanimate", kind="inpaint")


def test_both_families_declare_video_to_video():
    from nodes.video_models.base.capabilities import RestyleCall
    from nodes.video_models.base.tasks import makers, task_kinds
    from nodes.video_models.families.easyanimate.family import FAMILY as EA
    from nodes.video_models.families.hunyuan.family import FAMILY as HY
    assert (HY.v2v, EA.v2v) == ("HunyuanVideoPipeline", "EasyAnimateInpaintPipeline")
    for fam in (HY, EA):
        assert "video" in [t.key for t in task_kinds(fam)]
        assert [m.node for m in makers(fam, "video")] == ["video_models.video_to_video"]
    assert HY.capability(RestyleCall).args == ("strength",)  # its pipeline has none: given on to its pipeline_call
    assert EA.capability(RestyleCall) is None  # its InP pipeline's own 'strength'


def test_hunyuan_gives_the_clips_noised_latents_and_the_schedules_tail(hunyuan_dir, monkeypatch):
    from diffusers import HunyuanVideoPipeline
    calls, _ = spy_call(monkeypatch, HunyuanVideoPipeline, _note)
    ex = Executor()
    clip, said = render(ex, _graph(hunyuan_dir))
    assert clip.n_frames == 5 and (clip.width, clip.height) == (SIDE, SIDE)
    c = calls[0]
    assert len(calls) == 1 and c["video"] is None and c["strength"] is None  # made latents and sigmas
    assert tuple(c["latents"].shape) == (1, 4, (5 - 1) // 4 + 1, SIDE // 8, SIDE // 8)
    # 4 steps at 0.5: the last 2 of linspace(1, 0, 5)[:-1]
    assert np.allclose(c["sigmas"], [0.5, 0.25]) and c["steps"] == 2
    assert not any("has no 'strength'" in m for m in said)  # given on to the family's call, not said ignored


def test_hunyuan_latents_are_the_clip_noised_to_the_shifted_first_sigma(hunyuan_dir):
    """The tiny scheduler's shift 7 (HunyuanVideo's own): sigma 0.5 runs as 7 * 0.5 / (1 + 6 * 0.5) = 0.875; the
    latents are 0.875 * noise + 0.125 * the clip's scaled latents, the noise the call's generator's."""
    import torch
    from PIL import Image

    from nodes.video_models.families.hunyuan import v2v
    pipe = Executor().run(_graph(hunyuan_dir), targets=["load"], device="cpu").value("load").pipeline("v2v")
    assert v2v.first_sigma(pipe, [0.5, 0.25]) == pytest.approx(0.875)
    frames = [Image.fromarray((np.random.RandomState(i).rand(SIDE, SIDE, 3) * 255).astype(np.uint8)) for i in range(5)]
    call = v2v.v2v_call(pipe, {"video": frames, "strength": 0.5, "height": SIDE, "width": SIDE,
                               "num_inference_steps": 4, "generator": torch.Generator().manual_seed(3)})
    z = v2v.encoded_clip(pipe, frames, SIDE, SIDE)
    noise = torch.randn(tuple(z.shape), generator=torch.Generator().manual_seed(3))
    assert torch.allclose(call["latents"], 0.875 * noise + 0.125 * z, atol=1e-6)
    assert "video" not in call and "strength" not in call and call["num_frames"] == 5


def test_hunyuan_same_seed_same_frames_and_strength_keeps_the_clip_nearer(hunyuan_dir):
    ex = Executor()
    a, _ = render(ex, _graph(hunyuan_dir, strength=0.3, steps=10))
    again, _ = render(ex, _graph(hunyuan_dir, strength=0.3, steps=10))
    assert np.array_equal(a.frames, again.frames)  # the same seed: the same frames
    src = _frames(1)
    high, _ = render(ex, _graph(hunyuan_dir, strength=0.9, steps=10))
    assert _dist(a.frames, src) < _dist(high.frames, src)  # a low strength keeps it nearer
    full, _ = render(ex, _graph(hunyuan_dir, strength=1.0, steps=10))
    other_full, _ = render(ex, _graph(hunyuan_dir, seed=2, strength=1.0, steps=10))
    assert np.allclose(full.frames, other_full.frames, atol=1e-6)  # at 1 the clip is ignored: noise alone


def test_hunyuan_strength_one_is_the_text_to_video_path(hunyuan_dir, monkeypatch):
    """Strength 1: the whole default schedule from pure noise of the seed: frame for frame what Text to Video makes
    with the same seed and settings."""
    ex = Executor()
    v2v_clip, _ = render(ex, _graph(hunyuan_dir, strength=1.0))
    params = {"width": SIDE, "height": SIDE, "steps": 4, "guidance": 1.0, "prompt": "a red fox", "previews": False,
              "preview_size": "off", "seed": 5, "negative_prompt": "", "frames": 5}
    t2v, _ = render(ex, model_graph(hunyuan_dir, "video_models.text_to_video", params))
    assert v2v_clip.frames.shape == t2v.frames.shape
    assert np.allclose(v2v_clip.frames, t2v.frames, atol=1e-5)


def test_hunyuan_no_frames_is_one_clear_error(hunyuan_dir):
    from nodes.video_models.families.hunyuan import v2v
    pipe = Executor().run(_graph(hunyuan_dir), targets=["load"], device="cpu").value("load").pipeline("v2v")
    with pytest.raises(ValueError, match="a clip of no frames"):
        v2v.v2v_call(pipe, {"video": [], "strength": 0.5, "height": SIDE, "width": SIDE})


def test_hunyuan_image_to_video_folder_is_refused_for_video_to_video_in_words():
    from types import SimpleNamespace

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.hunyuan.family import FAMILY
    parts = {"transformer": SimpleNamespace(config=SimpleNamespace(in_channels=33)),
             "vae": SimpleNamespace(config=SimpleNamespace(latent_channels=16))}
    with pytest.raises(ModelError, match="its video to video needs the text-to-video model"):
        FAMILY.refuse_pipeline("v2v", parts, {}, "hy-i2v")
    FAMILY.refuse_pipeline("i2v", parts, {}, "hy-i2v")  # (its own task: taken)
    FAMILY.refuse_pipeline("v2v", dict(parts, transformer=SimpleNamespace(config=SimpleNamespace(in_channels=16))),
                           {}, "hy-t2v")


def test_easyanimate_gives_its_inp_pipeline_the_clip_and_strength(easyanimate_dir, monkeypatch):
    from diffusers import EasyAnimateInpaintPipeline
    calls, _ = spy_call(monkeypatch, EasyAnimateInpaintPipeline, _note)
    ex = Executor()
    clip, said = render(ex, _graph(easyanimate_dir, strength=0.5))
    assert clip.n_frames == 5 and (clip.width, clip.height) == (SIDE, SIDE)
    c = calls[0]
    assert c["video"] == (1, 3, 5, SIDE, SIDE) and c["strength"] == pytest.approx(0.5) and c["latents"] is None
    assert not any("has no 'strength'" in m for m in said)


def test_easyanimate_same_seed_same_frames_and_strength_keeps_the_clip_nearer(easyanimate_dir):
    ex = Executor()
    a, _ = render(ex, _graph(easyanimate_dir, strength=0.3, steps=10))
    again, _ = render(ex, _graph(easyanimate_dir, strength=0.3, steps=10))
    assert np.array_equal(a.frames, again.frames)
    # the clip as the tiny random VAE gives it back (its round trip), which one step from it stays near
    near, _ = render(ex, _graph(easyanimate_dir, strength=0.01, steps=10))  # one step kept, not none
    high, _ = render(ex, _graph(easyanimate_dir, strength=0.9, steps=10))
    assert _dist(a.frames, near.frames) < _dist(high.frames, near.frames)


def test_easyanimate_text_to_video_folder_is_refused_in_words(tiny):
    from studio.core.errors import StudioError
    graph = _graph(tiny("easyanimate", kind="t2v"), steps=1)
    with pytest.raises(StudioError, match="its video to video needs the InP model"):
        Executor().run(graph, targets=["gen"], device="cpu", use_cache=False)


@pytest.mark.parametrize("sampler", ["euler", "unipc"])
def test_hunyuan_video_to_video_runs_with_the_samplers_taking_sigmas(hunyuan_dir, sampler):
    """The schedule's tail is given as sigmas (an array: UniPC's flow sigmas fail on a list), which the pipeline hands
    its scheduler; DPM++ takes none in diffusers 0.42.1 (the pipeline's Text to Video fails on it as well): refused in
    words before the call."""
    clip, _ = render(Executor(), _graph(hunyuan_dir, sampler=sampler, strength=0.5, steps=6))
    assert clip.n_frames == 5 and np.isfinite(clip.frames).all()


def test_hunyuan_video_to_video_refuses_a_scheduler_taking_no_sigmas_in_words(hunyuan_dir):
    from studio.core.errors import StudioError
    with pytest.raises(StudioError, match="takes none: set the sampler to 'auto', 'euler' or 'unipc'"):
        render(Executor(), _graph(hunyuan_dir, sampler="dpm++", strength=0.5, steps=6))



@pytest.mark.parametrize("sampler", ["euler", "unipc", "dpm++"])
def test_easyanimate_video_to_video_runs_with_each_sampler_of_the_node(easyanimate_dir, sampler):
    clip, _ = render(Executor(), _graph(easyanimate_dir, sampler=sampler, strength=0.5, steps=6))
    assert clip.n_frames == 5 and np.isfinite(clip.frames).all()
