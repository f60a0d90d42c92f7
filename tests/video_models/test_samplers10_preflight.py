"""A generator's 'sampler' its pipeline cannot run is refused before the run, in one message naming the node (issue
112, samplers10): HunyuanVideoPipeline hands its scheduler a schedule of sigmas, which DPMSolverMultistepScheduler does
not take in diffusers 0.42.1 (base/sampler_fit.py reads both from diffusers' declarations). On a tiny random
HunyuanVideo, on the CPU."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from studio.engine.executor import Executor

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")
SIDE = 16
HY = {"family": "hunyuan", "title": "HunyuanVideo", "pipeline": "HunyuanVideoPipeline"}


def _t2v(model_dir, **p):
    params = {"width": SIDE, "height": SIDE, "steps": 2, "guidance": 1.0, "prompt": "a red fox", "previews": False,
              "preview_size": "off", "seed": 5, "negative_prompt": "", "frames": 5, **p}
    return model_graph(model_dir, "video_models.text_to_video", params)


@pytest.fixture(scope="module")
def hunyuan_dir(tiny):
    return tiny("hunyuan")


def test_the_fit_is_read_from_diffusers_declarations():
    import diffusers

    from nodes.video_models.base import sampler_fit
    from nodes.video_models.base.schedulers import CLASSES
    for cls in CLASSES.values():  # the source's declaration is what inspect says of the class
        assert sampler_fit.takes_sigmas(cls) == ("sigmas" in inspect.signature(getattr(diffusers, cls).set_timesteps)
                                                 .parameters)
    assert sampler_fit.takes_sigmas("DPMSolverMultistepScheduler") is False
    assert sampler_fit.own_schedule("HunyuanVideoPipeline") is True  # linspace(1, 0, steps + 1)[:-1], always
    assert sampler_fit.own_schedule("WanPipeline") is False  # set_timesteps(steps) only
    assert sampler_fit.own_schedule("StableDiffusionXLPipeline") is False  # the caller's sigmas passed on, no more
    assert sampler_fit.own_schedule("NoSuchPipeline") is None
    assert sampler_fit.refusal("WanPipeline", "dpm++", CLASSES) is None
    assert sampler_fit.refusal("HunyuanVideoPipeline", "euler", CLASSES) is None
    assert "set the sampler to 'auto', 'euler' or 'unipc'" in sampler_fit.refusal("HunyuanVideoPipeline", "dpm++",
                                                                                  CLASSES)


def test_advice_refuses_the_pair_before_the_run():
    from nodes.video_models.sampling.generators import TextToVideo, VideoToVideo
    said = TextToVideo.advise({"sampler": "dpm++"}, None, {"model": HY})
    assert [lv for lv, _ in said] == ["error"]
    assert "'sampler' dpm++ cannot run: HunyuanVideoPipeline gives" in said[0][1]
    assert any(lv == "error" for lv, _ in VideoToVideo.advise({"sampler": "dpm++"}, None, {"model": HY}))
    assert TextToVideo.advise({"sampler": "unipc"}, None, {"model": HY}) == []
    wan = {"family": "wan", "title": "Wan 2.1", "pipeline": "WanPipeline"}
    assert TextToVideo.advise({"sampler": "dpm++"}, None, {"model": wan}) == []


def test_the_generator_is_refused_before_its_pipeline_is_called(hunyuan_dir, monkeypatch):
    from diffusers import HunyuanVideoPipeline

    from studio.core.errors import StudioError
    calls, _ = spy_call(monkeypatch, HunyuanVideoPipeline)
    with pytest.raises(StudioError) as e:
        render(Executor(), _t2v(hunyuan_dir, sampler="dpm++"))
    text = str(e.value)
    assert "(gen)" in text and "'sampler' dpm++ cannot run: HunyuanVideoPipeline gives" in text
    assert "DPMSolverMultistepScheduler's set_timesteps takes none" in text and calls == []
    clip, _ = render(Executor(), _t2v(hunyuan_dir, sampler="unipc"))  # a sampler taking sigmas runs
    assert clip.n_frames == 5 and np.isfinite(clip.frames).all()


def test_the_run_refuses_it_in_words_where_nothing_was_foreseen():
    """A pipeline the advice could not name (a model not foreseen): the run's scheduler swap says it, not diffusers."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    from nodes.video_models.base.schedulers import scheduler_applied
    from studio.core.errors import StudioError
    pipe = type("HunyuanVideoPipeline", (), {})()
    pipe.scheduler = FlowMatchEulerDiscreteScheduler(shift=7.0)
    ctx = type("Ctx", (), {"info": lambda self, m: None})()
    with pytest.raises(StudioError, match="DPMSolverMultistepScheduler's set_timesteps takes none"):
        with scheduler_applied(ctx, pipe, {"sampler": "dpm++"}):
            pass
    with scheduler_applied(ctx, pipe, {"sampler": "unipc"}):
        assert type(pipe.scheduler).__name__ == "UniPCMultistepScheduler"
    assert type(pipe.scheduler).__name__ == "FlowMatchEulerDiscreteScheduler"
