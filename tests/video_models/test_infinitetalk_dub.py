"""InfiniteTalk (issue 112, talk10) on the tiny random Wan I2V and patch: dubbing a clip from a start step (the
wrapper's WanVideoSampler given the clip's latents on 'samples' with start_step k: each window starts from its
frames' latents noised to step k and samples from there; talk_dub.py) and two voices spoken together lasting as
long as the longer, the shorter padded with silence (the wrapper's 'para'). No mocks: the node's calls against
diffusers' WanImageToVideoPipeline called directly, and the latents the pipeline decodes."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from studio.core.errors import StudioError
from tests.sources import source

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.talk.infinitetalk import (audio_tokens, build_patch, read_patch,  # noqa: E402
                                                          talk_applied, token_masks)
from nodes.video_models.families.wan.talk.talk import NEGATIVE, fitted, window_frames  # noqa: E402

from .graphs import render, spied  # noqa: E402
from .test_infinitetalk import DIM, HEADS, LAYERS, VOICES, _dialogue, _features, _graph, _patch_state  # noqa: E402


@pytest.fixture(scope="module")
def models(tmp_path_factory, tiny):
    from safetensors.torch import save_file
    d = tmp_path_factory.mktemp("models")
    save_file(_patch_state(2), str(d / "infinitetalk.safetensors"))
    return tiny("wan-i2v"), str(d / "infinitetalk.safetensors")


def _clip(params):
    """17 frames of a ramp whose blue rises frame by frame (each window's frames its own)."""
    from studio.engine.clip import ArrayClip
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    return ArrayClip(np.stack([np.stack([xx, yy, np.full_like(xx, i / 16)], -1).astype(np.float32)
                               for i in range(17)]), 25.0)


def _dub(model_dir, patch_path, voice="long", **p):
    g = _graph(model_dir, patch_path, voice=voice, guidance=1.0, **p)
    g.disconnect("gen", "image")  # the clip's frame 0 starts the take
    g.add_node(source("test.dub_clip", "video", "Video", _clip), {}, node_id="clip")
    g.connect("clip", "video", "gen", "clip")
    return g


def _decoded(monkeypatch, pipe) -> list:
    """The latents each call hands the VAE to decode (its final latents), kept in order."""
    seen, own = [], type(pipe.vae).decode

    @functools.wraps(own)
    def decode(self, z, *a, **k):
        if z.device.type != "meta":  # (a size probe's)
            seen.append(z.detach().clone())
        return own(self, z, *a, **k)
    monkeypatch.setattr(type(pipe.vae), "decode", decode)
    return seen


def test_strength_1_dubs_each_window_from_noise_as_before(models, monkeypatch):
    """At strength 1 (start step 0) the take is the pipeline's from noise: the frames of diffusers' call with the
    clip's first frame and the same audio conditioning, no latents given."""
    from nodes.video_models.base.calls import to_pil
    model_dir, patch_path = models
    VOICES["a"] = _features(0)
    g = _dub(model_dir, patch_path, voice="a", strength=1.0)
    ex, pipe, calls, orig_call = spied(monkeypatch, g, "i2v", lambda k: (k["generator"].initial_seed(), k.get("latents")))
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (9, 32, 32, 3) and calls[0][1] is None  # from noise: no latents given
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    cond = audio_tokens(patch, VOICES["a"][0][:, 8:], 0, 9)
    with talk_applied(pipe, patch, cond, cond):
        direct = orig_call(pipe, image=to_pil(_clip(None).frame(0)), prompt="a face", negative_prompt=NEGATIVE,
                           height=32, width=32, num_frames=9, num_inference_steps=2, guidance_scale=1.0,
                           output_type="pt", generator=torch.Generator().manual_seed(calls[0][0])).frames[0]
    assert np.allclose(made, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)


def test_a_start_step_starts_each_window_from_the_clip_noised_there_and_keeps_it_nearer(models, monkeypatch):
    """Strength 0.5 of 4 steps: each of the 3 windows starts from its own frames' latents noised to the schedule's
    sigma at step 2 (its noise the one the window draws at strength 1) and the denoiser sees only steps 2 and 3;
    the latents each window ends with lie nearer the clip's than those of the take made from noise."""
    from nodes.video_models.families.wan.fun.fun import encode_frames
    from nodes.video_models.families.wan.talk import talk
    monkeypatch.setattr(talk, "TRAINED_FRAMES", 9)  # windows of 9 frames keep the test fast
    model_dir, patch_path = models
    VOICES["long"] = _features(5, frames=17)
    ex, pipe, calls, _ = spied(monkeypatch, _dub(model_dir, patch_path, steps=4, motion_frames=5), "i2v",
                               lambda k: (k["generator"].initial_seed(), k.get("latents")))
    times: list = []
    hook = pipe.transformer.register_forward_pre_hook(
        lambda m, a, k: times.append(float(k["timestep"].flatten()[0])), with_kwargs=True)
    ends = _decoded(monkeypatch, pipe)
    try:
        runs = {}
        for strength in (1.0, 0.5):
            calls.clear(), times.clear(), ends.clear()
            frames = ex.run(_dub(model_dir, patch_path, steps=4, motion_frames=5, strength=strength), targets=["gen"],
                            device="cpu", use_cache=False).value("gen").frames
            runs[strength] = (frames, list(calls), list(times), list(ends))
    finally:
        hook.remove()
    sched = type(pipe.scheduler).from_config(pipe.scheduler.config)
    sched.set_timesteps(4)
    whole = [float(t) for t in sched.timesteps]
    sigma = float(sched.sigmas[2])
    assert runs[1.0][2] == whole * 3 and runs[0.5][2] == whole[2:] * 3  # steps 2 and 3 of each window's 4
    shape = runs[1.0][1][1][1].shape  # the second window's noise: every window's shape
    with torch.inference_mode():
        for k, at in enumerate((0, 4, 8)):
            clean = encode_frames(pipe, window_frames(_clip(None), at, 9, 32, 32))
            seed, noise = runs[1.0][1][k]
            if noise is None:  # the first window's: the one its call draws from its generator
                noise = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
            assert torch.allclose(runs[0.5][1][k][1], (1 - sigma) * clean + sigma * noise, atol=1e-6), k
            if k == 0:  # (later windows end held at the frames carried: the first's ends are its own)
                near, far = ((runs[s][3][0][:, :, 1:] - clean[:, :, 1:]).abs().mean() for s in (0.5, 1.0))
                assert near < 0.85 * far, (near, far)
    assert not np.allclose(runs[0.5][0], runs[1.0][0], atol=1e-6)


def test_a_strength_too_low_for_a_step_is_refused_and_one_without_a_clip_said(models):
    model_dir, patch_path = models
    VOICES["a"] = _features(0)
    with pytest.raises(StudioError, match=r"InfiniteTalk: strength 0.1 of 4 steps runs none: set strength to at least "
                                          r"0.25 \(one step\)"):
        from studio.engine.executor import Executor
        Executor().run(_dub(model_dir, patch_path, voice="a", steps=4, strength=0.1), targets=["gen"], device="cpu",
                       use_cache=False)
    from studio.engine.executor import Executor
    _, words = render(Executor(), _graph(model_dir, patch_path, voice="a", guidance=1.0, strength=0.5))
    assert "'strength' 0.5 applies to a clip to dub (on 'clip'): with none, each window is made from noise" in words


def test_two_voices_last_as_long_as_the_longer_the_shorter_padded_with_silence(models, monkeypatch):
    """A 17-frame voice and an 11-frame one spoken together: a take of 17 frames, the pipeline's with the second
    voice's features padded with zeros to 17 (the wrapper's 'para'), said."""
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk.talk_frames import halves
    model_dir, patch_path = models
    VOICES.update(a=_features(5, frames=17), b=_features(1))
    g = _dialogue(model_dir, patch_path, masks=(), guidance=3.0)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made, words = render(ex, g)
    assert made.n_frames == 17
    assert ("the two voices speak together: the take lasts as long as the longer ('speech', 17 frames); 'speech_2' "
            "(11 frames) is padded with silence (its features zeroed) to that length, as the wrapper's 'para' pads "
            "it") in words
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    f1, f2 = VOICES["a"][0][:, 8:], VOICES["b"][0][:, 8:]
    f2 = torch.cat([f2, torch.zeros(6, f2.shape[1])])
    cond = torch.cat([audio_tokens(patch, f1, 0, 17), audio_tokens(patch, f2, 0, 17)], 2)
    uncond = audio_tokens(patch, torch.zeros_like(f2), 0, 17)
    from tests.video_models.test_wan_move import _still
    boxes = [fitted(m[..., None], 64, 64)[..., 0] > 0.5 for m in halves(32, 32)]
    with talk_applied(pipe, patch, cond, uncond, masks=token_masks(boxes, 64, 64)):
        direct = orig_call(pipe, image=to_pil(fitted(_still(), 64, 64)), prompt="a face", negative_prompt=NEGATIVE,
                           height=64, width=64, num_frames=17, num_inference_steps=2, guidance_scale=3.0,
                           output_type="pt", generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made.frames, direct.permute(0, 2, 3, 1).numpy(), atol=1e-5)


def test_a_dubbed_clip_below_strength_1_is_timed_for_the_steps_its_windows_run(tmp_path, monkeypatch, tiny,
                                                                                run_records):
    """The time said before F5: at strength 0.5 of 8 steps each window runs its last 4, so the steps are timed as 4
    (a run's 8 steps of 3 s kept: 24 s at strength 1, 12 s at 0.5); without a clip the strength changes nothing."""
    import cv2

    from studio.engine.edit_checks import node_estimate

    from .test_estimate_before_run import talk_graph
    g, gen = talk_graph(tmp_path, monkeypatch, tiny)  # its record: 8 steps of 3 s, decode 10 s
    g.set_param(gen, "strength", 0.5)
    assert "8 steps 24 s" in node_estimate(g, gen)  # no clip: every window from noise, all 8 steps
    out = cv2.VideoWriter(str(tmp_path / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 64))
    for _ in range(5):
        out.write(np.zeros((64, 64, 3), np.uint8))
    out.release()
    clip = g.add_node("io.load_video", {"path": str(tmp_path / "clip.avi")})
    g.connect(clip.id, "video", gen, "clip")
    assert "4 steps 12 s" in node_estimate(g, gen)
