"""Classifier-free guidance on a take's first steps only (heldout79's mend 2; families/wan/guidance_steps.py): after
step k the unconditional call is given the conditional output, so those steps are sampled with the prompt alone, as
ComfyUI samples the steps outside a ScheduledCFGGuidance window."""
from __future__ import annotations

import numpy as np
import pytest

from tests.sources import source

from .graphs import model_graph, pipeline_of, ramp, render, spied

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


def _graph(model_dir, **p):
    still = source("test.guidance_steps_still", "image", "Image", lambda q: ramp(32, 32, 0.3))
    return model_graph(model_dir, "video_models.image_to_video", {"frames": 9, "width": 32, "height": 32, "steps": 3,
                       "guidance": 3.0, "prompt": "a dot", "negative_prompt": "blur", "previews": False,
                       "preview_size": "off", **p}, image=(still, "image"))


def test_the_steps_after_the_window_call_the_denoiser_once_and_equal_the_pipeline_unguided_there(i2v_dir,
                                                                                                 monkeypatch):
    g = _graph(i2v_dir, guidance_steps=1)
    ex, pipe, _, _ = spied(monkeypatch, g, "i2v")
    tr = pipe.transformer
    calls = []
    h = tr.patch_embedding.register_forward_pre_hook(lambda m, a: calls.append(1))
    try:
        made, said = render(ex, g)
    finally:
        h.remove()
    assert len(calls) == 4, calls  # step 0: cond + uncond; steps 1, 2: cond alone (3 steps guided: 6)
    assert any(t.startswith("classifier-free guidance on the first 1 of the 3 steps only") for t in said), said
    guided = ex.run(_graph(i2v_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not np.array_equal(made.frames, guided)
    # the reference: the same node guided on every step, its denoiser's unconditional calls after the first step
    # given the conditional output by a torch forward hook (calls 1, 2: step 0's; then cond, uncond a step)
    seen = {"n": 0, "last": None}

    def after(module, args, out):
        seen["n"] += 1
        if seen["n"] > 2 and seen["n"] % 2 == 0:
            return seen["last"]
        seen["last"] = out
        return None
    h = tr.register_forward_hook(after)
    try:
        direct = ex.run(_graph(i2v_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    finally:
        h.remove()
    assert seen["n"] == 6 and np.allclose(made.frames, direct, atol=1e-6)


def test_unguided_or_every_step_the_setting_does_nothing_and_the_hooks_are_gone(i2v_dir):
    from diffusers.hooks import HookRegistry

    from studio.engine.executor import Executor
    ex = Executor()
    g = _graph(i2v_dir, guidance_steps=3)  # every step: as plain
    made, said = render(ex, g)
    plain = ex.run(_graph(i2v_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert np.array_equal(made.frames, plain) and not any("guidance on the first" in t for t in said)
    ex.run(_graph(i2v_dir, guidance_steps=1), targets=["gen"], device="cpu", use_cache=False)
    tr = pipeline_of(ex, g, "i2v").transformer
    assert HookRegistry.check_if_exists_or_initialize(tr).get_hook("studio_wan_guidance_steps") is None


def test_a_take_in_context_windows_is_guided_on_its_first_steps_only_too(i2v_dir, monkeypatch):
    """Loops18: the windows' hook is registered before the guidance one, so that one wraps it and sees a step's whole
    conditional and unconditional calls (each made window by window inside): the steps after the window are the
    conditional prediction, as a torch hook giving the whole unconditional call the conditional output makes them."""
    windows = {"frames": 17, "window": 9, "overlap": 4, "long_take": "context windows"}  # 5 latent frames, windows of 3
    g = _graph(i2v_dir, guidance_steps=1, **windows)
    ex, pipe, _, _ = spied(monkeypatch, g, "i2v")
    made, said = render(ex, g)
    assert any(t.startswith("long take: context windows") for t in said), said  # (windows, not one call)
    assert not any("guidance_steps 1 not applied" in t for t in said), said
    assert any(t.startswith("classifier-free guidance on the first 1 of the 3 steps only") for t in said), said
    guided = ex.run(_graph(i2v_dir, **windows), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not np.array_equal(made.frames, guided)
    seen = {"n": 0, "last": None}

    def after(module, args, out):  # (fires once a whole call: the windows are made inside the module's forward)
        seen["n"] += 1
        if seen["n"] > 2 and seen["n"] % 2 == 0:
            return seen["last"]
        seen["last"] = out
        return None
    h = pipe.transformer.register_forward_hook(after)
    try:
        direct = ex.run(_graph(i2v_dir, **windows), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    finally:
        h.remove()
    assert seen["n"] == 6 and np.allclose(made.frames, direct, atol=1e-6)
