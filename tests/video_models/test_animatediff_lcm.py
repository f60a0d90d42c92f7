"""AnimateLCM's sampler on AnimateDiff (samplers18, heldout80 06): the generators' 'sampler' lcm gives a model sampling
on discrete betas diffusers' LCMScheduler on those betas for the run (base/lcm.py), made as AnimateLCM's released code
makes it (G-U-N/AnimateLCM f873122, animatelcm_sd15/configs/inference-t2v.yaml: linear betas 0.00085-0.012,
original_inference_steps 100, steps_offset 1). On the tiny AnimateDiff written as ComfyUI holds it, Text to Video's and
AnimateDiff ControlNet's frames with 'lcm' equal the diffusers pipeline built from the same components with that
LCMScheduler and called directly (fp32, CPU, exactly), differ from the DDIM take, and the model samples with its DDIM again
after the run; a flow-matching model or a shift with 'lcm' is refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor

from . import tiny_animatediff_files as files
from .graphs import model_graph, spy_call
from .test_animatediff_controlnet_files import CONTROL, PARAMS as CN_PARAMS, controlnet_original, tiny_controlnet

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 8, "steps": 3, "guidance": 1.5, "prompt": "the cat",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 5}
ANIMATELCM = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", original_inference_steps=100,
                  steps_offset=1)  # AnimateLCM's noise_scheduler_kwargs, as its batch_inference.py gives them


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("animatediff-lcm")
    made = files.write(str(root))
    cn = tiny_controlnet(made["parts"]["unet"])
    path = str(root / "control_v11p_sd15_tiny.safetensors")
    save_file(controlnet_original(cn.state_dict()), path)
    return dict(made, controlnet=path, cn=cn)


def _direct(cls, comfy, kw: dict, scheduler, orig, **extra):
    import torch
    p = comfy["parts"]
    seed = kw["generator"].initial_seed()
    args = {k: v for k, v in kw.items() if not k.startswith("callback") and k != "generator"}
    pipe = cls(vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=comfy["tokenizer"], unet=p["unet"],
               motion_adapter=p["motion_adapter"], scheduler=scheduler, **extra)
    out = orig(pipe, **dict(args, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    return np.clip(np.asarray(out, np.float32), 0, 1)


def _run(g):
    said = []
    ex = Executor()
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False,
                  on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
    return clip, said, ex


def test_text_to_video_with_lcm_is_animatediff_with_animatelcms_scheduler(comfy, monkeypatch):
    import diffusers

    from nodes.video_models.families.animatediff.parts import SCHEDULER
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffPipeline, dict)
    g = model_graph(comfy["motion"], "video_models.text_to_video", dict(PARAMS, sampler="lcm"))
    g.nodes["load"].params.update(image_model=comfy["checkpoint"])
    clip, said, ex = _run(g)
    assert len(calls) == 1 and any("sampling with LCMScheduler on the model's betas (linear 0.00085-0.012)" in s
                                   for s in said), said
    want = _direct(diffusers.AnimateDiffPipeline, comfy, calls[0], diffusers.LCMScheduler(**ANIMATELCM), orig)
    assert want.std() > 0 and np.array_equal(clip.frames, want)
    ddim = _direct(diffusers.AnimateDiffPipeline, comfy, calls[0], diffusers.DDIMScheduler(**SCHEDULER), orig)
    assert not np.allclose(ddim, want, atol=1e-3)  # the sampler matters
    g.nodes["gen"].params.update(sampler="auto")  # the same model after the run: its own DDIM again
    assert np.array_equal(ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames, ddim)


def test_animatediff_controlnet_with_lcm_is_the_pipeline_with_animatelcms_scheduler(comfy, monkeypatch):
    import diffusers
    calls, orig = spy_call(monkeypatch, diffusers.AnimateDiffControlNetPipeline, dict)
    g = model_graph(comfy["motion"], "video_models.animatediff_controlnet",
                    dict(CN_PARAMS, controlnet=comfy["controlnet"], sampler="lcm", steps=3, guidance=1.5),
                    control=(CONTROL, "video"))
    g.nodes["load"].params.update(image_model=comfy["checkpoint"])
    clip, said, _ = _run(g)
    assert len(calls) == 1 and (clip.n_frames, clip.width, clip.height) == (8, 16, 16)
    want = _direct(diffusers.AnimateDiffControlNetPipeline, comfy, calls[0], diffusers.LCMScheduler(**ANIMATELCM),
                   orig, controlnet=comfy["cn"])
    assert want.std() > 0 and np.array_equal(clip.frames, want)


def test_the_lcm_scheduler_keeps_the_models_betas_and_refuses_flow_models_and_a_shift():
    import diffusers

    from nodes.video_models.base.lcm import config_of, scheduler_for
    from nodes.video_models.families.animatediff.parts import SCHEDULER

    class Ctx:
        def info(self, text):
            pass
    made = scheduler_for(Ctx(), diffusers.DDIMScheduler(**SCHEDULER), "lcm", 0.0)
    def values(sched) -> dict:
        return {k: v for k, v in sched.config.items() if not k.startswith("_")}
    assert values(made) == values(diffusers.LCMScheduler(**ANIMATELCM))
    scaled = config_of(diffusers.DDIMScheduler(beta_schedule="scaled_linear", prediction_type="v_prediction"))
    assert (scaled["beta_schedule"], scaled["prediction_type"], scaled["original_inference_steps"]) == \
        ("scaled_linear", "v_prediction", 100)
    with pytest.raises(StudioError, match=r"'sampler' lcm \(LCMScheduler\) samples models on discrete betas .*this "
                                          r"model samples with FlowMatchEulerDiscreteScheduler: set sampler to auto"):
        scheduler_for(Ctx(), diffusers.FlowMatchEulerDiscreteScheduler(), "lcm", 0.0)
    with pytest.raises(StudioError, match=r"'shift' applies to flow-matching models; .*set shift to 0"):
        scheduler_for(Ctx(), diffusers.DDIMScheduler(**SCHEDULER), "lcm", 3.0)
