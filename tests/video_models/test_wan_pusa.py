"""Pusa V1 (issue 112): Wan T2V with a timestep per latent frame (families/wan/pusa/): the release's schedule
(Yaofang-Liu/Pusa-VidGen 8a8c4f5 flow_match_pusa_v2v.py) checked by hand; on the session's tiny Wan, a kept
frame with noise 0 stays the encoded picture at every step while the others change, a multiplier above 0 lets it
change, the same inputs give the same take, the picture changes the take; the Wan Pusa node refuses what it cannot
run in words naming itself."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.families.wan.pusa import schedule as S
from nodes.video_models.families.wan.pusa.node import PusaError, WanPusa, pixels
from nodes.video_models.families.wan.pusa.pipeline import pipeline_class
from nodes.video_models.loading.load import load_video_model
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def wan(tiny):
    return load_video_model(tiny("wan-parts"), base=None, device=CPU, dtype_name="fp32")


@pytest.fixture(scope="module")
def pipe(wan):
    return wan.derived_pipeline("pusa", pipeline_class())


def _img(seed, h=32, w=32):
    return np.random.default_rng(seed).random((h, w, 3), dtype=np.float32)


def test_the_schedule_is_the_releases():
    sig = S.sigmas(4, 5.0)
    assert sig.shape == (5,) and sig[0] == 1.0 and sig[-1] == 0.0
    raw = torch.linspace(1.0, S.SIGMA_MIN, 4, dtype=torch.float64)
    assert torch.allclose(sig[:-1], 5 * raw / (1 + 4 * raw))
    m = S.multipliers(3, {0: 0.0, 2: 0.5})
    assert m.tolist() == [0.0, 1.0, 0.5]
    assert S.frame_timesteps(0.9371, m).tolist() == [0.0, 937.0, 468.0]  # whole numbers, as the release's long
    x, v = torch.ones(1, 2, 3, 1, 1), torch.full((1, 2, 3, 1, 1), 2.0)
    out = S.step(x, v, 0.8, 0.6, m)
    assert out[0, 0, :, 0, 0].tolist() == pytest.approx([1.0, 1.0 - 0.4, 1.0 - 0.2])
    assert [S.latent_index(i, 21) for i in (0, 1, 4, 5, 20, -1, 100)] == [0, 1, 1, 2, 5, 5, 5]
    assert S.noise_list("[0.0, 0.07, 0.2]") == [0.0, 0.07, 0.2]
    with pytest.raises(ValueError):
        S.noise_list("0.2, x")


def _run(pipe, conditions, seed=7, **kw):
    seen = []

    def grab(p, i, t, d):
        seen.append(d["latents"].clone())
        return d
    out = pipe(prompt="a fox", conditions=conditions, num_frames=9, height=32, width=32, num_inference_steps=3,
               guidance_scale=2.0, generator=torch.Generator().manual_seed(seed), callback_on_step_end=grab, **kw)
    return out, seen


def test_a_clean_kept_frame_stays_the_picture_and_the_others_change(pipe):
    img = pixels([_img(1)], 32, 32)
    z = pipe.encode(img).float()
    out, seen = _run(pipe, [(0, img, [0.0])])
    assert out.shape == (1, 3, 9, 32, 32)
    for lat in seen:
        assert torch.equal(lat[:, :, 0], z[:, :, 0])  # noise 0: the encoded picture at every step
    assert (seen[0][:, :, 1:] - seen[-1][:, :, 1:]).abs().max() > 1e-3
    # a multiplier above 0: the frame is noised and denoised, not kept as it is
    _, noisy = _run(pipe, [(0, img, [0.5])])
    assert (noisy[-1][:, :, 0] - z[:, :, 0]).abs().max() > 1e-4
    # the same inputs give the same take; another picture another one (its other frames too)
    again, _ = _run(pipe, [(0, img, [0.0])])
    assert torch.equal(out, again)
    other, seen2 = _run(pipe, [(0, pixels([_img(2)], 32, 32), [0.0])])
    assert (seen[-1][:, :, 1:] - seen2[-1][:, :, 1:]).abs().max() > 1e-4


def test_an_end_frame_is_kept_at_the_last_latent_frame(pipe):
    a, b = pixels([_img(3)], 32, 32), pixels([_img(4)], 32, 32)
    zb = pipe.encode(b).float()
    _, seen = _run(pipe, [(0, a, [0.0]), (2, b, [0.0])])
    assert all(torch.equal(lat[:, :, 2], zb[:, :, 0]) for lat in seen)
    plain, _ = _run(pipe, [(0, a, [0.0])])
    ended, _ = _run(pipe, [(0, a, [0.0]), (2, b, [0.0])])
    assert (plain - ended).abs().max() > 1e-4


def test_the_node_keeps_the_start_image_and_says_what_it_kept(wan):
    rec = Recorder()
    params = {"prompt": "a fox", "steps": 2, "width": 32, "height": 32, "frames": 9, "noise": "0", "seed": 3}
    out = run_node(WanPusa, params, runtime=rec, model=wan, start=_img(5, 40, 48))["video"]
    assert (out.n_frames, out.width, out.height) == (9, 32, 32)
    said = rec.messages()
    assert any("Wan Pusa: 9 frames at 32x32; the picture kept as frame 0 (noise 0)" in t for t in said)
    assert any("no LoRA on the model" in t for t in said)
    clip = ArrayClip(np.random.default_rng(6).random((7, 32, 32, 3), dtype=np.float32), 16.0)
    rec = Recorder()
    out = run_node(WanPusa, {**params, "clip_frames": 5, "noise": "0, 0.3"}, runtime=rec, model=wan, start=clip)
    assert out["video"].n_frames == 9
    assert any("the clip's last 5 frames kept from frame 0 (2 latent frames, noise 0, 0.3)" in t
               for t in rec.messages())
    rec = Recorder()
    out = run_node(WanPusa, {**params, "frames": 13, "key_frame": 4, "key_noise": 0.0}, runtime=rec, model=wan,
                   start=_img(5), key_image=_img(8), last_image=_img(9))
    assert out["video"].n_frames == 13
    assert any("the key image kept at frame 4 (latent frame 1, noise 0)" in t and "the last image kept as the last "
               "frame" in t for t in rec.messages())


def test_bad_input_is_refused_naming_the_node(wan, tiny):
    base = {"steps": 1, "width": 32, "height": 32, "frames": 9}
    clip = ArrayClip(np.zeros((9, 32, 32, 3), np.float32), 16.0)
    cases = [({"width": 40}, {"start": _img(1)}, "multiples of 16"),
             ({"noise": "0.2, x"}, {"start": _img(1)}, "'noise' .* is not a list of multipliers"),
             ({"clip_frames": 9}, {"start": clip}, "keeps 9 frames of the clip, the take is 9"),
             ({"clip_frames": 0}, {"start": clip}, "keeps 9 frames of the clip, the take is 9"),
             ({"frames": 1}, {"last_image": _img(1)}, "a last image needs 5 frames"),
             ({"key_frame": 0}, {"start": _img(1), "key_image": _img(2)}, "'key_frame' 0 falls on the frames 'start'"),
             ({"key_frame": -1}, {"last_image": _img(1), "key_image": _img(2)}, "falls on the last frame")]
    for extra, inputs, words in cases:
        with pytest.raises(PusaError, match=f"Wan Pusa: .*{words}"):
            run_node(WanPusa, {**base, **extra}, model=wan, **inputs)
    assert WanPusa.preflight({"width": 832, "height": 480, "noise": "0.2"}, ".") == []
    assert "multiples of 16" in WanPusa.preflight({"width": 830, "height": 480}, ".")[0]


def test_an_image_to_video_wan_is_refused_before_sampling(tmp_path):
    from tests.video_models import tiny_parts as tp
    i2v = load_video_model(tp.build(str(tmp_path / "i2v"), i2v=True), base=None, device=CPU, dtype_name="fp32")
    with pytest.raises(PusaError, match="Wan Pusa: model .* is not a Wan text-to-video model"):
        run_node(WanPusa, {"steps": 1, "width": 32, "height": 32, "frames": 9}, model=i2v, start=_img(1))


def test_the_model_is_given_a_timestep_per_frame(pipe):
    got = []
    h = pipe.transformer.register_forward_pre_hook(lambda mod, args: got.append(args[1].clone()))
    try:
        _run(pipe, [(0, pixels([_img(1)], 32, 32), [0.0])])
    finally:
        h.remove()
    tokens = (32 // 8 // 2) ** 2  # a latent frame's 2x2 patches
    first = got[0]
    assert first.shape == (1, 3 * tokens)  # 9 frames: 3 latent frames
    assert first[0, :tokens].eq(0).all()  # the kept frame: clean
    assert first[0, tokens:].eq(1000).all()  # the others at sigma 1


def test_wan22_a14b_samples_its_high_noise_steps_with_the_first_expert(tiny):
    a14b = load_video_model(tiny("wan22-a14b"), base=None, device=CPU, dtype_name="fp32")
    pipe = a14b.derived_pipeline("pusa", pipeline_class())
    assert pipe.transformer_2 is not None and pipe.config.boundary_ratio == 0.875
    calls = []
    hooks = [m.register_forward_pre_hook(lambda mod, args, k=k: calls.append(k))
             for k, m in (("high", pipe.transformer), ("low", pipe.transformer_2))]
    try:
        pipe(prompt="a fox", conditions=[(0, pixels([_img(1)], 32, 32), [0.0])], num_frames=5, height=32, width=32,
             num_inference_steps=4, guidance_scale=1.0, shift=5.0, generator=torch.Generator().manual_seed(1))
    finally:
        for h in hooks:
            h.remove()
    sig = S.sigmas(4, 5.0)[:-1]
    assert calls == ["high" if s >= 0.875 else "low" for s in sig.tolist()]
    assert calls.count("high") and calls.count("low")
    # the low-noise expert's own guidance (guidance_scale_2, as WanPipeline's): its steps guided, the others not
    calls.clear()
    hooks = [m.register_forward_pre_hook(lambda mod, args, k=k: calls.append(k))
             for k, m in (("high", pipe.transformer), ("low", pipe.transformer_2))]
    try:
        pipe(prompt="a fox", conditions=[(0, pixels([_img(1)], 32, 32), [0.0])], num_frames=5, height=32, width=32,
             num_inference_steps=4, guidance_scale=1.0, guidance_scale_2=3.0, shift=5.0,
             generator=torch.Generator().manual_seed(1))
    finally:
        for h in hooks:
            h.remove()
    highs = sum(s >= 0.875 for s in sig.tolist())
    assert calls.count("high") == highs and calls.count("low") == 2 * (4 - highs)  # with and without the prompt


def test_a_comfyui_lora_changes_the_take_for_the_run_only(wan, tmp_path):
    """The Pusa LoRA comes through Video LoRA: a ComfyUI Wan LoRA ('diffusion_model.' names, lora_down / lora_up /
    alpha) is put on the derived pipeline's blocks for the run and taken off after it."""
    import dataclasses

    from safetensors.torch import save_file

    from nodes.video_models.loading.load import LoRAUse

    from .tiny_formats import WIDE
    g = torch.Generator().manual_seed(0)
    sd = {}
    width = WIDE["num_attention_heads"] * WIDE["attention_head_dim"]
    for i in range(WIDE["num_layers"]):
        for a in ("self_attn.q", "cross_attn.o"):
            k = f"diffusion_model.blocks.{i}.{a}"
            sd[f"{k}.lora_down.weight"] = torch.randn(4, width, generator=g) * 0.5
            sd[f"{k}.lora_up.weight"] = torch.randn(width, 4, generator=g) * 0.5
            sd[f"{k}.alpha"] = torch.tensor(4.0)
    path = str(tmp_path / "pusa_tiny_lora.safetensors")
    save_file(sd, path)
    params = {"steps": 1, "guidance": 1.0, "width": 32, "height": 32, "frames": 5, "seed": 1, "noise": "0"}
    before = {k: v.clone() for k, v in wan.module.transformer.state_dict().items()}

    def run(ref, rec=None):
        return np.asarray(run_node(WanPusa, params, runtime=rec, model=ref, start=_img(7))["video"].frames)
    plain = run(wan)
    rec = Recorder()
    with_lora = run(dataclasses.replace(wan, loras=(LoRAUse(path, 1.4),)), rec)
    assert not np.allclose(plain, with_lora, atol=1e-4)
    assert not any("no LoRA on the model" in t for t in rec.messages())
    after = wan.module.transformer.state_dict()
    assert set(after) == set(before) and all(torch.equal(after[k], before[k]) for k in before)  # taken off
    assert np.array_equal(run(wan), plain)
