"""Phantom (issue 112): Phantom-Wan's subject-to-video sampling (families/wan/phantom/, after
Phantom-video/Phantom's phantom_wan/subject2video.py) on a tiny Wan 2.1 T2V model: the release's three-way
guidance, the reference frames clean beside the noised video and cut before the decode, the references changing
the take, determinism, the node equal to its pipeline, and the models it cannot run refused in words."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.families.wan.phantom.node import Phantom, PhantomError, fitted
from nodes.video_models.families.wan.phantom.pipeline import padded_length, weights
from nodes.video_models.loading.load import load_video_model
from tests.node_run import Recorder, run_node

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def model(tiny):
    return load_video_model(tiny("wan-t2v"), base=None, device=CPU, dtype_name="fp32")


@pytest.fixture(scope="module")
def pipe(model):
    from nodes.video_models.families.wan.phantom.node import phantom_pipeline
    return phantom_pipeline(model)


def _pic(seed, h=32, w=32):
    return torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def _make(pipe, refs, **kw):
    args = dict(prompt="a fox", num_frames=5, num_inference_steps=2, guidance_scale=3.0, image_guidance_scale=2.0,
                generator=torch.Generator().manual_seed(7))
    return pipe(refs, **{**args, **kw})


def test_the_three_weights_are_the_release_formula():
    g = torch.Generator().manual_seed(0)
    pos_it, pos_i, neg = (torch.randn(4, generator=g) for _ in range(3))
    gt, gi = 7.5, 5.0  # the release's guide_scale_text and guide_scale_img
    release = neg + gi * (pos_i - neg) + gt * (pos_it - pos_i)
    a, b, c = weights(gt, gi)
    assert torch.allclose(a * pos_it + b * pos_i + c * neg, release)
    assert weights(1.0, 1.0) == (1.0, 0.0, 0.0)  # one pass: prompt + references
    assert weights(4.0, 4.0)[1] == 0.0  # two passes: the references' pass not made
    assert padded_length(81) == 81 and padded_length(6) == 9


def test_references_stay_clean_at_the_end_and_are_cut_before_the_decode(pipe):
    refs = [_pic(1), _pic(2)]
    want = pipe.encode_references(refs)
    assert want.shape[2] == 2  # one latent frame a picture
    seen, decoded = [], []
    hook = pipe.transformer.register_forward_pre_hook(lambda m, a: seen.append(a[0].detach().clone()))
    vdec = pipe.vae.decode

    def decode(z, *a, **k):
        decoded.append(z.shape)
        return vdec(z, *a, **k)
    pipe.vae.decode = decode
    try:
        out = _make(pipe, refs)
    finally:
        hook.remove()
        del pipe.vae.decode
    assert out.shape == (1, 3, 5, 32, 32)
    assert len(seen) == 2 * 3  # two steps, three passes each
    f = (5 - 1) // 4 + 1
    for i, x in enumerate(seen):
        assert x.shape[2] == f + 2  # the video's latent frames and then the references'
        tail = x[:, :, f:]
        if i % 3 == 2:  # the negative prompt with references of zeros
            assert tail.abs().max() == 0
        else:  # the references' clean latents at every step
            assert torch.equal(tail, want.to(tail))
    assert decoded and decoded[-1][2] == f  # the video's frames decoded, the references' cut


def _latents(pipe, refs, **kw):
    """(the frames, the video's latents after the last step: the tiny random VAE's decode all but hides a change;
    a change of the tiny model's latents is ~1e-2, float noise ~1e-7)"""
    got = {}

    def keep(p, i, t, d):
        got["latents"] = d["latents"].clone()
        return {}
    frames = _make(pipe, refs, callback_on_step_end=keep, **kw)
    return frames, got["latents"]


def test_the_references_change_the_take_and_the_same_inputs_give_the_same(pipe):
    a, la = _latents(pipe, [_pic(1)])
    b, lb = _latents(pipe, [_pic(1)])
    assert torch.equal(a, b) and torch.equal(la, lb)
    assert la.shape[2] == 2  # the video's latent frames only: the reference's is not handed on
    for other in ([_pic(3)], [_pic(1), _pic(3)]):
        f, lo = _latents(pipe, other)
        assert (la - lo).abs().max() > 1e-3 and not torch.equal(a, f)
    f, lo = _latents(pipe, [_pic(1)], image_guidance_scale=5.0)
    assert (la - lo).abs().max() > 1e-3


def test_one_pass_a_step_without_guidance(pipe):
    calls = []
    hook = pipe.transformer.register_forward_pre_hook(lambda m, a: calls.append(1))
    try:
        _make(pipe, [_pic(1)], guidance_scale=1.0, image_guidance_scale=1.0)
    finally:
        hook.remove()
    assert len(calls) == 2


def test_a_picture_is_fitted_inside_and_padded_white():
    wide = np.zeros((10, 40, 3), np.float32)  # 4:1 into 32x32: 32x8, centred, white above and below
    out = fitted(wide, 32, 32)
    assert out.shape == (32, 32, 3)
    assert (out[:12] == 1).all() and (out[20:] == 1).all() and (out[12:20] < 0.05).all()
    tall = np.zeros((40, 10, 3), np.float32)
    out = fitted(tall, 32, 16)  # 1:4 into 32x16: 4x16, centred left to right
    assert (out[:, :14] == 1).all() and (out[:, 18:] == 1).all() and (out[:, 14:18] < 0.05).all()


def test_node_frames_equal_the_pipeline_fed_the_same_pictures(model, pipe):
    pics = [np.random.default_rng(5).random((40, 24, 3), dtype=np.float32),
            np.random.default_rng(6).random((32, 32, 3), dtype=np.float32)]
    params = {"prompt": "a red fox", "steps": 1, "guidance": 2.0, "image_guidance": 3.0, "width": 32, "height": 32,
              "frames": 6, "seed": 3}
    rec = Recorder()
    out = run_node(Phantom, params, runtime=rec, model=model, reference=pics[0], reference_2=pics[1])["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (6, 32, 32, 16.0)
    refs = [torch.from_numpy(fitted(p, 32, 32)).permute(2, 0, 1)[None] * 2 - 1 for p in pics]
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = pipe(refs, prompt="a red fox", num_frames=6, num_inference_steps=1, guidance_scale=2.0,
                image_guidance_scale=3.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert want.shape == (6, 32, 32, 3)  # made as 9 (4k + 1), cut back
    assert np.array_equal(np.asarray(out.frames), want.astype(np.float32))
    said = rec.messages()
    assert any("Phantom: 6 frames at 32x32 from 2 reference pictures (guidance 2, image guidance 3" in t for t in said)
    assert any("file name does not say Phantom" in t for t in said)  # the tiny model's folder is not named so


def test_bad_input_is_said_naming_the_node(model, tiny):
    pic = np.zeros((32, 32, 3), np.float32)
    with pytest.raises(PhantomError, match="Phantom: the size 40x32 must be multiples of 16"):
        run_node(Phantom, {"steps": 1, "width": 40, "height": 32}, model=model, reference=pic)
    assert "multiples of 16" in Phantom.preflight({"width": 470, "height": 480}, ".")[0]
    assert Phantom.preflight({"width": 832, "height": 480}, ".") == []
    i2v = load_video_model(tiny("wan-i2v"), base=None, device=CPU, dtype_name="fp32")
    with pytest.raises(PhantomError, match="Phantom: the model .* not Phantom-Wan: its denoiser reads an image's"):
        run_node(Phantom, {"steps": 1, "width": 32, "height": 32}, model=i2v, reference=pic)


def test_a_comfyui_files_scheduler_is_given_the_releases_shift():
    from diffusers import UniPCMultistepScheduler

    from nodes.video_models.families.wan import part_configs as pc
    from nodes.video_models.families.wan.phantom.node import SHIFT, release_scheduler
    studio = UniPCMultistepScheduler(**pc.WAN_SCHEDULER)  # Studio's for Wan's ComfyUI files: shift 3
    made = release_scheduler(studio)
    assert studio.config.flow_shift == 3.0 and made.config.flow_shift == SHIFT == 5.0
    assert release_scheduler(made) is made
    from nodes.video_models.families.wan.comfy_phantom import SHIFT as SAID
    assert SAID == SHIFT  # the converter says the shift the node samples at


def test_each_frame_of_a_clip_is_a_reference_up_to_four(model):
    from studio.engine.clip import ArrayClip

    from nodes.video_models.families.wan.phantom.node import stills
    clip = ArrayClip(np.random.default_rng(1).random((3, 16, 16, 3), dtype=np.float32), 16.0)
    assert len(stills(clip)) == 3 and len(stills(np.zeros((16, 16, 3), np.float32))) == 1
    rec = Recorder()
    params = {"prompt": "a fox", "steps": 1, "width": 32, "height": 32, "frames": 1}
    many = ArrayClip(np.random.default_rng(2).random((5, 16, 16, 3), dtype=np.float32), 16.0)
    run_node(Phantom, params, runtime=rec, model=model, reference=many)
    assert any("5 reference pictures given" in t and "the first 4 are taken" in t for t in rec.messages())
    assert any("from 4 reference pictures" in t for t in rec.messages())


def test_a_vace_model_is_refused_before_anything_is_made(tiny):
    vace = load_video_model(tiny("wan-vace"), base=None, device=CPU, dtype_name="fp32")
    with pytest.raises(PhantomError, match="Phantom: the model .* not Phantom-Wan: it is a Wan VACE model"):
        run_node(Phantom, {"steps": 1, "width": 32, "height": 32}, model=vace, reference=np.zeros((32, 32, 3),
                                                                                                   np.float32))
