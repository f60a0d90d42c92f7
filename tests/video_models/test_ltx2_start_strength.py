"""LTX-2's start image at a strength below 1 (samplers18, heldout80 11: LTXVImgToVideoConditionOnly's strength 0.7 "not
taken"): LTX-2 Video + Sound's 'image_strength' 1 makes the take as before (LTX2ImageToVideoPipeline, the image
held clean); below 1 the image is LTX2ConditionPipeline's condition at frame 0 at that strength (ltx2/conditions.py:
its latents start noised to 1 - strength, the tokens' timestep scaled by 1 - strength, each step's clean estimate
strength x the image's + (1 - strength) x the model's: ComfyUI's noise mask of 1 - strength), the frames those of
the pipeline called directly with that condition, and not those of strength 1. On a tiny random LTX-2 (fp32, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.params import Int
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.base.calls import to_pil

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def _image(seed: int, s: int = 32) -> np.ndarray:
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    r = np.random.default_rng(seed).random(3).astype(np.float32)
    return np.stack([x * r[0], y * r[1], 0 * x + r[2]], -1)


START = source("test.start_image", "image", "Image", lambda p: _image(p.seed), (Int("seed", 0),))


def _graph(model, **params):
    return model_graph(model, "video_models.ltx2", {"frames": 9, "width": 32, "height": 32, "steps": 2,
                                                    "guidance": 1.0, "prompt": "a red fox sings into the camera",
                                                    "previews": False, "preview_size": "off", "seed": 5, "fps": 24.0,
                                                    **params}, image=(START, "image", {"seed": 3}))


def _run(g):
    said = []
    ex = Executor()
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False,
                  on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
    return clip.value("gen"), said, ex.run(g, targets=["load"], device="cpu").value("load")


def _direct(ref, kind, call: dict, **given):
    import torch
    pipe = ref.pipeline(kind)
    kw = {k: v for k, v in call.items() if k not in ("conditions", "image", "generator", "callback_on_step_end",
                                                     "callback_on_step_end_tensor_inputs")}
    out = pipe(**kw, **given, generator=torch.Generator().manual_seed(call["generator"].initial_seed())).frames[0]
    return out.permute(0, 2, 3, 1).numpy()


def test_strength_1_is_the_image_to_video_take_as_before(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline, LTX2ImageToVideoPipeline
    i2v = spy_call(monkeypatch, LTX2ImageToVideoPipeline, lambda k: k)[0]
    cond = spy_call(monkeypatch, LTX2ConditionPipeline, lambda k: k)[0]
    clip, _, ref = _run(_graph(ltx2_dir, image_strength=1.0))
    assert len(i2v) == 1 and not cond and "conditions" not in i2v[0]
    monkeypatch.undo()
    want = _direct(ref, "i2v", i2v[0], image=to_pil(_image(3)))
    assert np.allclose(clip.frames, want, atol=1e-6)


def test_strength_07_is_the_condition_pipelines_start_condition_at_07(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    cond = spy_call(monkeypatch, LTX2ConditionPipeline, lambda k: k)[0]
    clip, said, ref = _run(_graph(ltx2_dir, image_strength=0.7))
    assert len(cond) == 1 and "image" not in cond[0]
    assert [(c.index, c.strength) for c in cond[0]["conditions"]] == [(0, 0.7)]
    assert any("the start image held at strength 0.7 (its latents partly noised at every step): a condition at frame 0 "
               "of LTX2ConditionPipeline" in s for s in said), said
    monkeypatch.undo()
    want = _direct(ref, "cond", cond[0],
                   conditions=[LTX2VideoCondition(frames=to_pil(_image(3)), index=0, strength=0.7)])
    assert np.allclose(clip.frames, want, atol=1e-6)
    held = _direct(ref, "cond", cond[0],
                   conditions=[LTX2VideoCondition(frames=to_pil(_image(3)), index=0, strength=1.0)])
    assert not np.allclose(want, held, atol=1e-3)  # the strength matters


def test_the_rule_noises_the_start_latents_to_one_minus_the_strength(ltx2_dir):
    """diffusers' prepare_latents, as ComfyUI's noise mask of 1 - strength: the start frame's tokens are
    noise x (1 - strength) + the image's latents x strength at the first noise level 1, their mask the strength (the
    rest pure noise, mask 0)."""
    import torch

    from nodes.video_models.families.ltx2.conditions import start_condition
    pipe = Executor().run(model_graph(ltx2_dir, "video_models.ltx2", {}), targets=["load"],
                          device="cpu").value("load").pipeline("cond")
    out, mask, clean, _ = pipe.prepare_latents(
        conditions=[start_condition(_image(3), 0.7)], batch_size=1, num_channels_latents=4, height=32, width=32,
        num_frames=9, frame_rate=24.0, noise_scale=1.0, dtype=torch.float32, device="cpu",
        generator=torch.Generator().manual_seed(0))
    noise = torch.randn(out.shape, generator=torch.Generator().manual_seed(0))
    first = int((mask[0, :, 0] > 0).sum())  # the start frame's tokens
    assert first and torch.allclose(mask[:, :first], torch.full_like(mask[:, :first], 0.7))
    assert torch.all(mask[:, first:] == 0) and clean[:, :first].abs().sum() > 0
    assert torch.allclose(out[:, :first], noise[:, :first] * 0.3 + clean[:, :first] * 0.7, atol=1e-5)
    assert torch.allclose(out[:, first:], noise[:, first:], atol=1e-6)


def test_with_keyframes_the_start_image_is_the_first_condition_at_its_strength(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    cond = spy_call(monkeypatch, LTX2ConditionPipeline, lambda k: k)[0]
    g = model_graph(ltx2_dir, "video_models.ltx2", {"frames": 9, "width": 32, "height": 32, "steps": 1,
                                                    "guidance": 1.0, "prompt": "a red fox", "previews": False,
                                                    "preview_size": "off", "seed": 5, "fps": 24.0,
                                                    "image_strength": 0.6, "keyframes": "last",
                                                    "keyframe_strength": 0.9},
                    image=(START, "image", {"seed": 3}), keyframe_1=(START, "image", {"seed": 4}))
    _run(g)
    assert [round(c.strength, 6) for c in cond[0]["conditions"]] == [0.6, 0.9] and cond[0]["conditions"][0].index == 0


def test_a_driven_take_holds_its_sound_and_its_start_image_at_the_strength(ltx2_a2v_dir, monkeypatch):
    """'sound: drive' with a start image at 0.7: every call reads the sound clean (audio timestep 0) and the start
    frame's tokens at 0.3 of the others' timestep (the rule's t x (1 - strength))."""
    import torch
    from diffusers import LTX2VideoTransformer3DModel

    from .test_ltx2_sound_drive import run
    calls, fwd = [], LTX2VideoTransformer3DModel.forward

    def forward(self, *a, **kw):
        calls.append({k: kw[k].detach().clone() for k in ("audio_timestep", "timestep")})
        return fwd(self, *a, **kw)
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", forward)
    run(ltx2_a2v_dir, "tone", image=True, image_strength=0.7)
    assert calls
    for c in calls:
        assert torch.equal(c["audio_timestep"], torch.zeros_like(c["audio_timestep"]))
        t = c["timestep"].float()
        first = t[0] != t[0].max()  # the start frame's tokens
        assert first.any() and not first.all()
        torch.testing.assert_close(t[0][first], t[0].max() * 0.3 * torch.ones_like(t[0][first]), atol=1e-4, rtol=1e-4)


def test_image_crf_compresses_the_pictures_at_that_crf_or_the_models_own(ltx2_dir, monkeypatch):
    """'image_crf' (ComfyUI's LTXVPreprocess img_compression): the image to video call's image_crf, every condition's
    crf; -1 leaves the pipeline its own (33 for a Gemma 3 model), 0 compresses nothing."""
    from diffusers import LTX2ConditionPipeline, LTX2ImageToVideoPipeline
    i2v = spy_call(monkeypatch, LTX2ImageToVideoPipeline, lambda k: k)[0]
    cond = spy_call(monkeypatch, LTX2ConditionPipeline, lambda k: k)[0]
    _run(_graph(ltx2_dir, image_crf=0))
    _run(_graph(ltx2_dir))
    _run(_graph(ltx2_dir, image_strength=0.7, image_crf=18))
    assert i2v[0]["image_crf"] == 0 and "image_crf" not in i2v[1]
    assert [c.crf for c in cond[0]["conditions"]] == [18]
