"""A start picture's motion amplitude on Wan image to video (heldout79's mend; families/wan/amplitude.py): the
formula checked on a hand-computed case, and the node's frames against diffusers' WanImageToVideoPipeline fed the
amplified condition."""
from __future__ import annotations

import numpy as np
import pytest

from tests.sources import source

from nodes.video_models.families.wan.amplitude import amplified

from .graphs import model_graph, ramp, render, spied

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


def test_the_frames_after_the_first_move_away_from_it_their_mean_per_frame_kept():
    mean = torch.tensor([1.0, -1.0]).view(1, 2, 1, 1, 1)
    std = torch.tensor([2.0, 0.5]).view(1, 2, 1, 1, 1)
    raw = torch.tensor([[[[[0.0]], [[1.0]]], [[[2.0]], [[1.0]]]]])  # [1, 2 channels, 2 frames, 1, 1]
    norm = (raw - mean) / std
    out = amplified(norm, mean, std, 1.5)
    got = out * std + mean
    # frame 1's differences from frame 0: (1, -1), their mean 0: each difference x1.5 -> (1.5, -1.5)
    assert torch.allclose(got[:, :, 1].flatten(), torch.tensor([1.5, 0.5]))
    assert torch.equal(out[:, :, 0], norm[:, :, 0])  # the picture's own frame as it was
    assert torch.equal(amplified(norm, mean, std, 1.0), norm)
    # a shift shared by every channel (the mean) is kept, not amplified; far values are held within 6
    raw2 = torch.tensor([[[[[0.0]], [[4.0]]], [[[0.0]], [[4.0]]]]])
    got2 = amplified((raw2 - mean) / std, mean, std, 2.0) * std + mean
    assert torch.allclose(got2[:, :, 1].flatten(), torch.tensor([4.0, 4.0]))
    raw3 = torch.tensor([[[[[0.0]], [[5.0]]], [[[0.0]], [[-5.0]]]]])
    got3 = amplified((raw3 - mean) / std, mean, std, 2.0) * std + mean
    assert torch.allclose(got3[:, :, 1].flatten(), torch.tensor([6.0, -6.0]))


@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


def _graph(model_dir, **p):
    still = source("test.amplitude_still", "image", "Image", lambda q: ramp(32, 32, 0.3))
    return model_graph(model_dir, "video_models.image_to_video", {"frames": 9, "width": 32, "height": 32, "steps": 2,
                       "guidance": 1.0, "prompt": "a dot", "previews": False, "preview_size": "off", **p},
                       image=(still, "image"))


def test_the_node_equals_the_pipeline_fed_the_amplified_condition(i2v_dir, monkeypatch):
    from nodes.video_models.base.calls import to_pil
    g = _graph(i2v_dir, motion_amplitude=1.5)
    ex, pipe, seeds, orig_call = spied(monkeypatch, g, "i2v")
    made, said = render(ex, g)
    assert any(t.startswith("motion amplitude 1.5: the start picture's condition latents") for t in said), said
    plain = ex.run(_graph(i2v_dir), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not np.array_equal(made.frames, plain)  # the amplitude changed the take
    orig = pipe.prepare_latents
    vae = pipe.vae
    mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1)

    def moved(*a, **k):  # the condition's image latent (after the mask channels) amplified, as the node
        latents, cond = orig(*a, **k)
        m = cond.shape[1] - mean.shape[1]
        return latents, torch.cat([cond[:, :m], amplified(cond[:, m:], mean, std, 1.5)], 1)
    monkeypatch.setattr(pipe, "prepare_latents", moved)
    direct = orig_call(pipe, image=to_pil(ramp(32, 32, 0.3)), prompt="a dot", height=32, width=32, num_frames=9,
                       num_inference_steps=2, guidance_scale=1.0, output_type="pt",
                       generator=torch.Generator().manual_seed(seeds[0])).frames[0]
    assert np.allclose(made.frames, direct.permute(0, 2, 3, 1).numpy(), atol=1e-6)
    assert "prepare_latents" not in vars(pipe) or pipe.prepare_latents is moved  # the block took its wrapper off


def test_with_a_last_frame_or_a_family_without_it_the_amplitude_is_said_not_applied():
    from types import SimpleNamespace

    from nodes.video_models.base.capabilities import ConditionAmplitude
    from nodes.video_models.sampling.condition_amplitude import applied
    warned = []
    ctx = SimpleNamespace(warn=warned.append, info=warned.append)
    fam = SimpleNamespace(title="Fam", capability=lambda k: None, why_without=lambda k: "its reason")
    s = SimpleNamespace(fam=fam, pipe=None)
    p = SimpleNamespace(motion_amplitude=1.15)
    with applied(ctx, s, p, last_image=object()):
        pass
    assert "motion_amplitude 1.15 not applied" in warned[0] and "last frame" in warned[0], warned
    with applied(ctx, s, p, last_image=None):
        pass
    assert warned[1] == "motion_amplitude 1.15 not applied: Fam: its reason", warned
    with applied(ctx, s, SimpleNamespace(motion_amplitude=1.0), last_image=None):
        pass
    assert len(warned) == 2 and ConditionAmplitude.without  # (1: nothing said, nothing done)


def test_a_wan_model_whose_condition_replaces_the_first_frame_is_said_not_given_the_amplitude():
    from types import SimpleNamespace

    from nodes.video_models.families.wan.amplitude import amplitude_on
    warned = []
    ctx = SimpleNamespace(warn=warned.append, info=warned.append)
    ti2v = SimpleNamespace(transformer=SimpleNamespace(config=SimpleNamespace(in_channels=48, out_channels=48)),
                           config=SimpleNamespace(expand_timesteps=True), vae=object(), prepare_latents=print)
    with amplitude_on(ctx, ti2v, 1.15):
        pass
    assert warned == ["motion_amplitude 1.15 not applied: it moves a Wan image-to-video condition (Wan 2.1 I2V, Wan "
                      "2.2 A14B I2V: the start picture's latent beside the noise), which this Wan model reads none "
                      "of"], warned
    assert ti2v.prepare_latents is print  # left as it was


def test_a_take_going_to_a_streaming_output_is_amplified_in_every_window(i2v_dir, monkeypatch, tmp_path):
    """A take of several windows whose frames go only to an output writing them in order is made whole inside the
    amplitude's block (streamed, its later windows had been made after the block closed, not amplified)."""
    import os
    g = _graph(i2v_dir, motion_amplitude=1.5, frames=13, window=9, long_take="continue")
    g.base_dir = str(tmp_path)
    g.add_node("footage.save_sequence", {"path": "render/frame.####.png", "depth": "8"}, node_id="save")
    g.connect("gen", "video", "save", "video")
    ex, pipe, seeds, _ = spied(monkeypatch, g, "i2v")
    edited = []
    from nodes.video_models.families.wan import amplitude as amp
    orig = amp.amplified

    def counted(*a, **k):
        edited.append(1)
        return orig(*a, **k)
    monkeypatch.setattr(amp, "amplified", counted)
    ex.run(g, targets=["save"], device="cpu", use_cache=False)
    assert len(os.listdir(tmp_path / "render")) == 13
    assert len(seeds) == 2 and len(edited) == 2  # both windows' conditions amplified
