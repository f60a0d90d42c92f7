"""InfiniteTalk's method 'multitalk' (wrapvar11): MultiTalk's windows (MeiGen-AI/MultiTalk@c1ad840 wan/multitalk.py
``generate``, written out here step for step): the first window pins nothing; a later window's condition is the
frames carried (the mask over them, their encode padded with grey), its CLIP picture the last of them, and its first
latent frames the carried latents noised to each step's level, clean after the last step. On tiny random models:
the pre-hook against a hand-built input, the node against the pipeline called window by window with that
conditioning, and a clip refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.talk import talk_motion  # noqa: E402
from nodes.video_models.families.wan.talk.infinitetalk import audio_tokens, talk_applied  # noqa: E402

from .test_infinitetalk import (DIM, HEADS, LAYERS, VOICES, _features, _graph, _one_voice_case, _Pipe,  # noqa: E402
                                _reference_block, _still, models)  # noqa: F401 - the module's fixture
from .graphs import seed_of, spied  # noqa: E402


def test_the_motion_mask_covers_the_carried_frames_in_latent_frames(monkeypatch):
    """9 frames, 5 carried: the release's msk (the first frame four times, then one a frame) over latent frames of
    four: latent frames 0 and 1 all ones, 2 zeros; the encode given the carried frames then grey."""
    from nodes.video_models.families.wan.fun import fun
    seen = {}

    def encode(pipe, frames):
        seen["frames"] = frames
        return torch.zeros(1, 3, 3, 2, 2)
    monkeypatch.setattr(fun, "encode_frames", encode)
    carried = np.random.default_rng(0).random((5, 16, 16, 3), dtype=np.float32)
    cond = talk_motion.motion_condition(None, carried, 9)
    assert cond.shape == (1, 4 + 3, 3, 2, 2)
    assert cond[0, :4, :2].eq(1).all() and cond[0, :4, 2].eq(0).all()
    assert np.array_equal(seen["frames"][:5], carried) and np.all(seen["frames"][5:] == 0.5)


@pytest.mark.fresh_models
def test_a_later_multitalk_window_pins_its_condition_and_the_noised_motion_latents(monkeypatch):
    tr, patch, cond, hs, ehs, img = _one_voice_case()
    held, motion = torch.randn(1, 16, 2, 8, 8), torch.randn(1, 20, 3, 8, 8)
    pipe = _Pipe(tr)
    pipe.scheduler.set_timesteps(4)
    pipe.scheduler._step_index = 1  # the second step: a level between noise and clean
    sigma = float(pipe.scheduler.sigmas[1])
    with torch.no_grad(), talk_applied(pipe, patch, cond, cond, held=held, motion=motion,
                                       generator=torch.Generator().manual_seed(7)):
        got = tr(hidden_states=hs, timestep=torch.tensor([sigma * 1000]), encoder_hidden_states=ehs,
                 encoder_hidden_states_image=img, return_dict=False)[0]
    pinned = hs.clone()
    pinned[:, 16:] = motion  # the mask and the carried frames' encode
    noise = torch.randn(held.shape, generator=torch.Generator().manual_seed(7))
    pinned[:, :16, :2] = (1 - sigma) * held + sigma * noise  # the release's add_noise at this step
    for i, block in enumerate(tr.blocks):
        monkeypatch.setattr(block, "forward", _reference_block(block, patch.blocks[i], cond[0], 3))
    with torch.no_grad():
        want = tr(hidden_states=pinned, timestep=torch.tensor([sigma * 1000]), encoder_hidden_states=ehs,
                  encoder_hidden_states_image=img, return_dict=False)[0]
    assert 0 < sigma < 1 and torch.allclose(got, want, atol=1e-5)


@pytest.mark.fresh_models
def test_the_first_multitalk_window_holds_nothing(monkeypatch):
    """InfiniteTalk writes the picture's latent over the first latent frame; MultiTalk's first window does not."""
    tr, patch, cond, hs, ehs, img = _one_voice_case()
    pipe = _Pipe(tr)
    call = dict(hidden_states=hs, timestep=torch.tensor([500.0]), encoder_hidden_states=ehs,
                encoder_hidden_states_image=img, return_dict=False)
    with torch.no_grad(), talk_applied(pipe, patch, cond, cond, motion=False):
        first = tr(**call)[0]
    with torch.no_grad(), talk_applied(pipe, patch, cond, cond):
        infinite = tr(**call)[0]
    for i, block in enumerate(tr.blocks):
        monkeypatch.setattr(block, "forward", _reference_block(block, patch.blocks[i], cond[0], 3))
    with torch.no_grad():
        want = tr(**call)[0]  # the input as it is
    assert torch.allclose(first, want, atol=1e-5) and not torch.allclose(infinite, want, atol=1e-3)


def test_the_node_in_multitalk_equals_the_pipeline_window_by_window(models, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk import talk
    from nodes.video_models.families.wan.fun.fun import encode_frames
    from nodes.video_models.families.wan.talk.infinitetalk import build_patch, padded_for, read_patch
    from nodes.video_models.families.wan.talk.talk import NEGATIVE
    monkeypatch.setattr(talk, "TRAINED_FRAMES", 9)  # windows of 9 frames keep the test fast
    model_dir, patch_path = models
    VOICES["multi"] = _features(5, frames=13)
    g = _graph(model_dir, patch_path, voice="multi", motion_frames=5, guidance=1.0, method="multitalk")
    ex, pipe, calls, orig_call = spied(monkeypatch, g, "i2v", lambda k: (seed_of(k), k.get("latents"), k.get("image")))
    gens = []
    own = talk.InfiniteTalk._motion

    def noted(ctx, s, kwargs, carried, win, k):
        got = own(ctx, s, kwargs, carried, win, k)
        gens.append(got.get("generator").initial_seed() if "generator" in got else None)
        return got
    monkeypatch.setattr(talk.InfiniteTalk, "_motion", staticmethod(noted))
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert made.shape == (13, 32, 32, 3) and len(calls) == 2  # windows at 0 and 4
    patch = build_patch(read_patch(patch_path), DIM, HEADS, LAYERS)
    feats = VOICES["multi"][0][:, 8:]
    want, carried = [], None
    for k, at in enumerate((0, 4)):
        f = padded_for(feats, at + 9) if k == 1 else feats
        cond = audio_tokens(patch, f, at, 9)
        if k == 0:
            image, motion = to_pil(_still()), {"motion": False}
        else:
            image = to_pil(carried[-1])  # CLIP's picture: the last frame carried
            with torch.inference_mode():
                motion = {"motion": talk_motion.motion_condition(pipe, carried, 9), "generator":
                          torch.Generator().manual_seed(gens[1])}
            held = encode_frames(pipe, carried)
        with talk_applied(pipe, patch, cond, cond, held=None if k == 0 else held, **motion):
            out = orig_call(pipe, image=image, prompt="a face", negative_prompt=NEGATIVE, height=32, width=32,
                            num_frames=9, num_inference_steps=2, guidance_scale=1.0, output_type="pt",
                            latents=calls[k][1], generator=torch.Generator().manual_seed(calls[k][0])
                            ).frames[0].permute(0, 2, 3, 1).numpy()
        want.append(out if k == 0 else out[5:])
        carried = np.array(out[-5:])
    assert gens[0] is None and gens[1] is not None
    assert np.allclose(made, np.concatenate(want)[:13], atol=1e-5)


def test_multitalk_with_a_clip_to_dub_is_refused_naming_the_node(models):
    """MultiTalk's release makes a take from a picture: a clip to dub with method 'multitalk' is refused in words,
    before the model is loaded."""
    from studio.engine.executor import Executor
    from tests.sources import source
    from .test_infinitetalk import _source_clip
    model_dir, patch_path = models
    VOICES["short"] = _features(3, frames=9)
    g = _graph(model_dir, patch_path, voice="short", method="multitalk")
    g.add_node(source("test.talk_clip", "video", "Video", _source_clip), {}, node_id="clip")
    g.connect("clip", "video", "gen", "clip")
    with pytest.raises(StudioError, match="InfiniteTalk: method 'multitalk' makes a take from a picture"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


@pytest.mark.fresh_models
def test_after_each_step_the_motion_latents_are_noised_to_the_next_level_and_clean_after_the_last():
    tr, patch, cond, hs, ehs, img = _one_voice_case()
    held, motion = torch.randn(1, 16, 2, 8, 8), torch.randn(1, 20, 3, 8, 8)
    pipe = _Pipe(tr)
    sch = pipe.scheduler
    sch.set_timesteps(2)
    g = torch.Generator().manual_seed(3)
    draws = torch.Generator().manual_seed(3)
    with torch.no_grad(), talk_applied(pipe, patch, cond, cond, held=held, motion=motion, generator=g):
        tr(hidden_states=hs, timestep=sch.timesteps[:1], encoder_hidden_states=ehs, encoder_hidden_states_image=img,
           return_dict=False)  # the first step's level: one draw
        torch.randn(held.shape, generator=draws)
        latents = hs[:, :16].clone()
        first = sch.step(torch.randn_like(latents), sch.timesteps[0], latents, return_dict=False)[0]
        s1 = float(sch.sigmas[1])
        want = (1 - s1) * held + s1 * torch.randn(held.shape, generator=draws)
        assert 0 < s1 < 1 and torch.allclose(first[:, :, :2], want, atol=1e-6)
        last = sch.step(torch.randn_like(latents), sch.timesteps[1], first, return_dict=False)[0]
        assert torch.equal(last[:, :, :2], held)  # clean after the last step (level 0)
