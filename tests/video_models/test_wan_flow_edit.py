"""FlowEdit on Wan (issue 112, heldout78 03): the edit after fallenshock/FlowEdit 457f402 FlowEdit_utils.py (MIT)
checked by hand on a made-up velocity (one step of the formula, the skipped and the target-only steps); on the
session's tiny random Wan, the target prompt and guidance equal to the source's give the source's latents back
(V_delta = 0), other prompts change them, the same inputs give the same edit; the Wan FlowEdit node edits a clip
and refuses what it cannot run in words naming itself."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.families.wan.flowedit import edit as E
from nodes.video_models.families.wan.flowedit.node import FlowEditError, WanFlowEdit
from nodes.video_models.families.wan.flowedit.pipeline import pipeline_class
from nodes.video_models.families.wan.pusa.node import pixels
from nodes.video_models.loading.load import load_video_model
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def wan(tiny):
    return load_video_model(tiny("wan-parts"), base=None, device=CPU, dtype_name="fp32")


@pytest.fixture(scope="module")
def pipe(wan):
    return wan.derived_pipeline("flowedit", pipeline_class())


def _clip(seed, n=9, h=32, w=32):
    return np.random.default_rng(seed).random((n, h, w, 3), dtype=np.float32)


def test_the_schedule_is_wans_shifted_flow():
    sig = E.sigmas(4, 5.0)
    raw = torch.tensor([1.0, 0.75, 0.5, 0.25], dtype=torch.float64)
    assert sig.shape == (5,) and sig[-1] == 0.0
    assert torch.allclose(sig[:-1], 5 * raw / (1 + 4 * raw))
    d = E.with_drift(sig, 2, 3.0)
    assert torch.equal(d[:2], sig[:2]) and d[-1] == 0.0
    assert torch.allclose(d[2:4], (3 * raw / (1 + 2 * raw))[2:4])
    assert torch.equal(E.with_drift(sig, 0, 3.0), sig)


def test_one_step_follows_the_formula():
    x = torch.tensor([[1.0, -2.0]])
    eps = torch.tensor([[0.5, 0.25]])
    sig = torch.tensor([1.0, 0.8, 0.5, 0.0], dtype=torch.float64)
    calls = []

    def velocity(z, i, which):
        calls.append((i, which, z.clone()))
        return 3.0 * z if which == E.TARGET else z + 1.0
    out = E.flow_edit(x, sig, skip=1, drift=1, velocity=velocity, noise=lambda i: eps)
    # step 1 (t 0.8 -> 0.5): z_src = 0.2 x + 0.8 eps, z_tar = x + z_src - x = z_src; dv = 3 z - (z + 1) = 2 z - 1
    z_src = 0.2 * x + 0.8 * eps
    z_edit = x + (0.5 - 0.8) * (2 * z_src - 1.0)
    assert [(i, w) for i, w, _ in calls[:2]] == [(1, E.TARGET), (1, E.SOURCE)]
    assert torch.allclose(calls[0][2], z_src) and torch.allclose(calls[1][2], z_src)
    # step 2, the drift (t 0.5 -> 0): the edit noised, x_tar = z_edit + 0.5 x + 0.5 eps - x, then 3 x_tar
    x_tar = z_edit + 0.5 * x + 0.5 * eps - x
    assert [(i, w) for i, w, _ in calls[2:]] == [(2, E.TARGET)]
    assert torch.allclose(out, x_tar + (0.0 - 0.5) * 3.0 * x_tar)
    # no drift: the last step is FlowEdit's too, and lands at sigma 0; skip 3 of 3: the source as it is
    calls.clear()
    E.flow_edit(x, sig, skip=1, drift=0, velocity=velocity, noise=lambda i: eps)
    assert [(i, w) for i, w, _ in calls] == [(1, E.TARGET), (1, E.SOURCE), (2, E.TARGET), (2, E.SOURCE)]
    assert torch.equal(E.flow_edit(x, sig, skip=3, drift=0, velocity=velocity, noise=lambda i: eps), x)


def _edit(pipe, video, prompt, source, g=6.0, gs=6.0, seed=5, **kw):
    return pipe(video=video, prompt=prompt, source_prompt=source, negative_prompt="blur", source_negative_prompt="blur",
                num_inference_steps=4, skip_steps=1, guidance_scale=g, source_guidance_scale=gs,
                generator=torch.Generator().manual_seed(seed), **kw)


def test_the_same_prompt_and_guidance_give_the_source_back(pipe):
    video = pixels(list(_clip(1)), 32, 32)
    x_src = pipe.encode(video).float()
    seen = []

    def grab(p, i, t, d):
        seen.append((i, d["latents"].clone()))
        return d
    _edit(pipe, video, "a fox", "a fox", callback_on_step_end=grab)
    assert [i for i, _ in seen] == [1, 2, 3]  # the first step skipped
    for _, lat in seen:
        assert (lat - x_src).abs().max() < 1e-5  # V_delta = 0 at every step: the edit path stays the source
    same = _edit(pipe, video, "a fox", "a fox")
    assert (same - pipe.decode(x_src).float()[:, :, :9]).abs().max() < 1e-4
    # another target changes the latents; the same inputs give the same edit; another guidance another one
    moved = []
    _edit(pipe, video, "a red car", "a fox", callback_on_step_end=lambda p, i, t, d: moved.append(d["latents"]) or d)
    assert (moved[-1] - x_src).abs().max() > 1e-4
    a, b = _edit(pipe, video, "a red car", "a fox"), _edit(pipe, video, "a red car", "a fox")
    assert torch.equal(a, b)
    assert (_edit(pipe, video, "a fox", "a fox", g=9.0) - same).abs().max() > 1e-5


def test_the_node_edits_a_clip_and_says_how(wan):
    rec = Recorder()
    clip = ArrayClip(_clip(2, n=7, h=40, w=48), 12.0)
    params = {"prompt": "a red car", "source_prompt": "a fox", "steps": 3, "skip_steps": 1, "drift_steps": 1,
              "width": 32, "height": 32, "seed": 3}
    out = run_node(WanFlowEdit, params, runtime=rec, model=wan, video=clip)["video"]
    assert (out.n_frames, out.width, out.height) == (7, 32, 32)
    assert any("Wan FlowEdit: 7 frames at 32x32 edited from the source prompt toward the prompt: steps 1 to 3 of 3 "
               "(shift 5), the last 1 from the prompt alone (shift 3)" in t for t in rec.messages())
    rec = Recorder()  # the clip's own size, off the multiples of 16: said
    out = run_node(WanFlowEdit, {**params, "width": 0, "height": 0, "steps": 1, "skip_steps": 0, "drift_steps": 0},
                   runtime=rec, model=wan, video=clip)["video"]
    assert (out.width, out.height, out.fps) == (48, 32, 12.0)
    assert any("the clip's 48x40 is made 48x32 (multiples of 16" in t for t in rec.messages())


def test_bad_input_is_refused_naming_the_node(wan, tmp_path):
    clip = ArrayClip(_clip(3), 16.0)
    base = {"prompt": "a car", "source_prompt": "a fox", "steps": 2, "skip_steps": 0, "width": 32, "height": 32}
    for extra, words in (({"skip_steps": 2}, "skip_steps \\(2\\) leaves none of the 2 steps"),
                         ({"skip_steps": 0, "drift_steps": 3}, "drift_steps \\(3\\) is more than the 2 steps"),
                         ({"source_prompt": " "}, "FlowEdit needs both prompts")):
        with pytest.raises(FlowEditError, match=f"Wan FlowEdit: {words}"):
            run_node(WanFlowEdit, {**base, **extra}, model=wan, video=clip)
    assert WanFlowEdit.preflight({"width": 832, "height": 480, "steps": 25, "skip_steps": 4}, ".") == []
    assert "multiples of 16" in WanFlowEdit.preflight({"width": 830, "height": 480}, ".")[0]
    from tests.video_models import tiny_parts as tp
    i2v = load_video_model(tp.build(str(tmp_path / "i2v"), i2v=True), base=None, device=CPU, dtype_name="fp32")
    with pytest.raises(FlowEditError, match="Wan FlowEdit.*image-to-video model: connect its start picture"):
        run_node(WanFlowEdit, base, model=i2v, video=clip)


def test_an_image_to_video_wan_edits_with_its_start_picture(tmp_path):
    """Wan 2.1 I2V: both predictions read the start picture's condition and CLIP states (the wrapper's FlowEdit
    gives its image embeds to both); the same prompts still give the source back, another picture another edit."""
    from nodes.video_models.families.wan.flowedit.pipeline import i2v_pipeline_class
    from tests.video_models import tiny_parts as tp
    from PIL import Image
    ref = load_video_model(tp.build(str(tmp_path / "i2v"), i2v=True), base=None, device=CPU, dtype_name="fp32")
    pipe = ref.derived_pipeline("flowedit-i2v", i2v_pipeline_class(), base_task="i2v")
    video = pixels(list(_clip(4)), 32, 32)
    x_src = pipe.encode(video).float()
    pic = [Image.fromarray((_clip(s, n=1)[0] * 255).astype(np.uint8)) for s in (5, 6)]
    seen, got = [], []
    h = pipe.transformer.register_forward_pre_hook(lambda mod, args, kw: got.append(
        (args[0].shape[1], kw.get("encoder_hidden_states_image") is not None)), with_kwargs=True)
    try:
        _edit(pipe, video, "a fox", "a fox", image=pic[0], callback_on_step_end=lambda p, i, t, d: seen.append(
            d["latents"].clone()) or d)
    finally:
        h.remove()
    assert got and all(c == 36 and has for c, has in got)  # 16 latent + 20 condition channels, CLIP states given
    assert all((lat - x_src).abs().max() < 1e-5 for lat in seen)
    a = _edit(pipe, video, "a red car", "a fox", image=pic[0])
    b = _edit(pipe, video, "a red car", "a fox", image=pic[1])
    assert (a - b).abs().max() > 1e-5
    rec = Recorder()
    out = run_node(WanFlowEdit, {"prompt": "a car", "source_prompt": "a fox", "steps": 2, "skip_steps": 0,
                                 "width": 32, "height": 32}, runtime=rec, model=ref,
                   video=ArrayClip(_clip(7), 16.0), image=_clip(8, n=1)[0])["video"]
    assert (out.n_frames, out.width, out.height) == (9, 32, 32)


def test_wan22_a14b_edits_its_high_noise_steps_with_the_first_expert(tiny):
    """Wan 2.2 T2V A14B: each prediction by the expert of its step's sigma (WanPipeline's boundary rule), source and
    target alike."""
    a14b = load_video_model(tiny("wan22-a14b"), base=None, device=CPU, dtype_name="fp32")
    pipe = a14b.derived_pipeline("flowedit", pipeline_class())
    assert pipe.transformer_2 is not None and pipe.config.boundary_ratio == 0.875
    calls = []
    hooks = [m.register_forward_pre_hook(lambda mod, args, k=k: calls.append(k))
             for k, m in (("high", pipe.transformer), ("low", pipe.transformer_2))]
    try:
        pipe(video=pixels(list(_clip(9, n=5)), 32, 32), prompt="a car", source_prompt="a fox", num_inference_steps=4,
             skip_steps=0, guidance_scale=1.0, source_guidance_scale=1.0, shift=5.0,
             generator=torch.Generator().manual_seed(1))
    finally:
        for h in hooks:
            h.remove()
    sig = E.sigmas(4, 5.0)[:-1].tolist()
    assert calls == [k for s in sig for k in ["high" if s >= 0.875 else "low"] * 2]  # target, then source
    assert calls.count("high") and calls.count("low")
