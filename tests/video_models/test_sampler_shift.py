"""The generators' 'sampler' and 'shift' (what a converted ComfyUI workflow's sampler and
ModelSamplingSD3 become): the model's own scheduler at its own shift gives the same frames as
'auto'; another shift or sampler changes them; the cached pipeline gets its own scheduler back;
a model that is not flow-matching, or shifts with the clip's size, says so."""
from __future__ import annotations

import types

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.events import NodeMessage

from .test_video_nodes import run, t2v_graph

pytest.importorskip("diffusers")


def test_own_sampler_and_shift_equal_auto_and_others_differ(wan_dir):
    plain, _ = run(*t2v_graph(wan_dir, seed=3))
    same, _ = run(*t2v_graph(wan_dir, seed=3, sampler="euler", shift=7.0))  # the tiny Wan's own: FlowMatchEuler, 7
    np.testing.assert_array_equal(same.frames, plain.frames)
    ev = []
    shifted, _ = run(*t2v_graph(wan_dir, seed=3, shift=3.0), events=ev)
    unipc, _ = run(*t2v_graph(wan_dir, seed=3, sampler="unipc", shift=7.0), events=ev)
    # a random tiny model barely heeds its schedule: the frames differ, a little
    assert not np.array_equal(shifted.frames, plain.frames) and not np.array_equal(unipc.frames, plain.frames)
    said = [e.text for e in ev if isinstance(e, NodeMessage)]
    assert any("FlowMatchEulerDiscreteScheduler, shift 3" in m for m in said)
    assert any("UniPCMultistepScheduler, shift 7" in m for m in said)
    again, _ = run(*t2v_graph(wan_dir, seed=3, sampler="unipc", shift=7.0))
    np.testing.assert_array_equal(again.frames, unipc.frames)  # deterministic


def test_the_shift_gives_diffusers_own_schedule_at_that_shift():
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler

    from nodes.video_models.base.schedulers import scheduler_for
    s = scheduler_for(FlowMatchEulerDiscreteScheduler(shift=7.0), "auto", 3.0)
    s.set_timesteps(4)
    direct, own = FlowMatchEulerDiscreteScheduler(shift=3.0), FlowMatchEulerDiscreteScheduler(shift=7.0)
    direct.set_timesteps(4)
    own.set_timesteps(4)
    torch.testing.assert_close(s.sigmas, direct.sigmas)  # diffusers' own schedule at shift 3
    assert (s.sigmas[1:4] < own.sigmas[1:4] - 0.01).all()  # a smaller shift: less noise at each step


def test_the_scheduler_is_swapped_for_the_run_only():
    from diffusers import FlowMatchEulerDiscreteScheduler

    from nodes.video_models.base.schedulers import scheduler_applied
    own = FlowMatchEulerDiscreteScheduler(shift=7.0)
    pipe = types.SimpleNamespace(scheduler=own)
    said = []
    ctx = types.SimpleNamespace(info=said.append)
    with scheduler_applied(ctx, pipe, {"sampler": "unipc", "shift": 3.0}):
        s = pipe.scheduler
        assert type(s).__name__ == "UniPCMultistepScheduler"
        assert s.config.use_flow_sigmas and s.config.flow_shift == 3.0 and s.config.prediction_type == "flow_prediction"
    assert pipe.scheduler is own and said == ["sampling with UniPCMultistepScheduler, shift 3"]
    with pytest.raises(RuntimeError), scheduler_applied(ctx, pipe, {"sampler": "dpm++"}):
        raise RuntimeError("the run failed")
    assert pipe.scheduler is own


def test_models_the_settings_do_not_fit_say_so():
    from diffusers import EulerDiscreteScheduler, FlowMatchEulerDiscreteScheduler

    from nodes.video_models.base.schedulers import scheduler_applied
    ctx = types.SimpleNamespace(info=lambda m: None)
    svd = types.SimpleNamespace(scheduler=EulerDiscreteScheduler())
    with pytest.raises(StudioError, match="flow-matching models.*EulerDiscreteScheduler"):
        with scheduler_applied(ctx, svd, {"shift": 3.0}):
            pass
    ltx = types.SimpleNamespace(scheduler=FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True))
    with pytest.raises(StudioError, match="shifts with the clip's size"):
        with scheduler_applied(ctx, ltx, {"shift": 3.0}):
            pass
    with scheduler_applied(ctx, ltx, {"sampler": "euler"}):  # its own kind: fine
        assert ltx.scheduler.config.use_dynamic_shifting


def test_a_value_the_pipeline_does_not_take_is_said_whatever_its_kind():
    """filter_kwargs: a set value the pipeline has no argument for is said and dropped; an array or tensor
    (an image, audio features) is a set value too (comparing it with 0 would raise)."""
    import torch

    from nodes.video_models.sampling.sampler import filter_kwargs

    class Pipe:
        def __call__(self, prompt=None, num_frames=9):
            pass
    said = []
    out = filter_kwargs(Pipe(), {"prompt": "a fox", "image": np.zeros((4, 4, 3), np.float32),
                                 "audio_embeds": torch.ones(2, 3), "negative_prompt": "", "strength": 0,
                                 "mask": None}, said.append)
    assert out == {"prompt": "a fox"}
    assert said == ["Pipe has no 'image': ignored", "Pipe has no 'audio_embeds': ignored"]


def test_the_execution_device_of_a_model_held_on_its_device_is_diffusers_answer(wan_dir):
    """VideoModelRef.execution_device: diffusers' ``_execution_device`` (which walks every module of every
    component) is not asked when every weight is on the model's device; the answer is the same."""
    from studio.engine.executor import Executor
    g, _gen = t2v_graph(wan_dir, seed=3)
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    ref = Executor().run(g, targets=[load.id], device="cpu").value(load.id)
    pipe = ref.pipeline("t2v")
    assert ref.model_device == str(ref.device) == "cpu"
    assert ref.execution_device(pipe) == pipe._execution_device
