"""SVI 2.0 Pro's anchor-and-motion conditioning on a continued Wan image-to-video take (families/wan/svi_pro.py,
sampling/anchor_motion.py): the rule on a hand-built case, and the tiny Wan I2V model's condition per window (the
anchor at latent frame 0, the window before's last latent frames after it, zeros in the rest, diffusers' mask of the
first frame), the windows chained and sharing 1 + 4m frames."""
from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from tests.sources import source

from .graphs import model_graph, ramp, render, spied

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


def test_the_condition_is_the_anchor_then_the_motion_latents_then_zeros():
    from nodes.video_models.families.wan.svi_pro import svi_condition
    latent = torch.arange(1 * 2 * 5 * 1 * 1, dtype=torch.float32).view(1, 2, 5, 1, 1) + 1
    motion = -torch.arange(1 * 2 * 3 * 1 * 1, dtype=torch.float32).view(1, 2, 3, 1, 1) - 1
    out = svi_condition(latent, motion[:, :, -2:])
    assert torch.equal(out[:, :, 0], latent[:, :, 0])  # the anchor's latent frame as it was
    assert torch.equal(out[:, :, 1:3], motion[:, :, 1:3])  # the last 2 latent frames of the take before
    assert torch.count_nonzero(out[:, :, 3:]) == 0  # zeros in the rest
    first = svi_condition(latent, None)  # the first window: the anchor alone
    assert torch.equal(first[:, :, 0], latent[:, :, 0]) and torch.count_nonzero(first[:, :, 1:]) == 0
    short = svi_condition(latent[:, :, :2], motion)  # more motion latents than room: the last that fit
    assert torch.equal(short[:, :, 1], motion[:, :, 2])


@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("wan-i2v")


def _graph(model_dir, **p):
    still = source("test.svi_still", "image", "Image", lambda q: ramp(32, 32, 0.3))
    return model_graph(model_dir, "video_models.image_to_video", {
        "frames": 13, "window": 9, "width": 32, "height": 32, "steps": 1, "guidance": 1.0, "prompt": "a dot",
        "previews": False, "preview_size": "off", "long_take": "continue", "hold_colour": "off", **p},
        image=(still, "image"))


def test_each_window_is_conditioned_on_the_anchor_and_the_last_latents_of_the_window_before(i2v_dir, monkeypatch):
    g = _graph(i2v_dir, svi_motion_latents=1)
    ex, pipe, seen, _ = spied(monkeypatch, g, "i2v", note=lambda k: k["image"])
    conds, decoded = [], []
    prepare, decode = pipe.prepare_latents, pipe.vae.decode

    def kept_cond(*a, **k):
        out = prepare(*a, **k)
        conds.append(out[1])
        return out

    @functools.wraps(decode)
    def kept_decode(z, *a, **k):
        decoded.append(z.clone())
        return decode(z, *a, **k)
    monkeypatch.setattr(pipe, "prepare_latents", kept_cond)  # inside the block's wrapper: the condition it edits
    monkeypatch.setattr(pipe.vae, "decode", kept_decode)
    made, said = render(ex, g)
    assert made.n_frames == 13, made.n_frames
    assert any(t.startswith("SVI 2.0 Pro: the first window conditioned on the start picture (the anchor, at latent "
                                 "frame 0) with zeros after it, each later window on the anchor and the last 1 latent "
                                 "frame the window before made") for t in said), said
    assert any(t.startswith("SVI: each window shares its first 5 frames") for t in said), said
    assert not any("starts from the last frame" in t for t in said), said  # (the plan's line: as SVI asks)
    assert len(seen) == 2 and len(decoded) == 2  # two windows: starts 0 and 4 (9 frames, 5 shared)
    a0, a1 = (np.asarray(im, np.float32) for im in seen)
    assert np.array_equal(a0, a1)  # every window is given the anchor (the start picture), not the last frame
    # the edited conditions, as the transformer gets them (re-made by the block's wrapper around kept_cond)
    edited = []
    from nodes.video_models.families.wan.svi_pro import svi_applied
    cfg = pipe.vae.config
    mean = torch.tensor(cfg.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(cfg.latents_std).view(1, -1, 1, 1, 1)
    for i, c in enumerate(conds):
        k = c.shape[1] - mean.shape[1]
        prev = None if i == 0 else ((decoded[i - 1].float() - mean) / std)[:, :, -1:]
        rule = torch.zeros_like(c[:, k:])
        rule[:, :, :1] = c[:, k:, :1]
        if prev is not None:
            rule[:, :, 1:2] = prev
        edited.append((c[:, :k], rule))
    # the rule checked against what the block hands the pipeline: re-run the block on the raw conditions
    block = svi_applied(pipe, 1)
    for i, c in enumerate(conds):
        block.kept = None if i == 0 else ((decoded[i - 1].float() - mean) / std)
        got = block._prepare_latents(lambda *a, **k: (None, c))()[1]
        mask, latent = edited[i]
        assert torch.equal(got[:, :mask.shape[1]], mask)  # diffusers' mask: the first latent frame given
        assert torch.allclose(got[:, mask.shape[1]:], latent)
    k = conds[0].shape[1] - mean.shape[1]
    assert torch.all(conds[0][:, :k, :1] == 1) and torch.count_nonzero(conds[0][:, :k, 1:]) == 0
    assert torch.equal(conds[0][:, k:, :1], conds[1][:, k:, :1])  # the same anchor latent in both windows
    assert "prepare_latents" not in vars(pipe) or pipe.prepare_latents is kept_cond  # the block took its wrapper off
    assert pipe.vae.decode is kept_decode


def test_the_block_edits_what_the_pipeline_samples(i2v_dir, monkeypatch):
    """The edit reaches the transformer: the take differs from the plain continued take, and its second window's
    condition (seen by the transformer's call) holds the first window's last latent frame."""
    g = _graph(i2v_dir, svi_motion_latents=1)
    ex, pipe, _, _ = spied(monkeypatch, g, "i2v")
    cond_in, decode = [], pipe.vae.decode
    tr = pipe.transformer
    fwd = tr.forward

    def seen_forward(hidden_states, *a, **k):
        cond_in.append(hidden_states[:, tr.config.out_channels:].clone())
        return fwd(hidden_states, *a, **k)
    decoded = []

    @functools.wraps(decode)
    def kept_decode(z, *a, **k):
        decoded.append(z.clone())
        return decode(z, *a, **k)
    monkeypatch.setattr(tr, "forward", seen_forward)
    monkeypatch.setattr(pipe.vae, "decode", kept_decode)
    made, _ = render(ex, g)
    cfg = pipe.vae.config
    mean = torch.tensor(cfg.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(cfg.latents_std).view(1, -1, 1, 1, 1)
    last = cond_in[-1]
    k = last.shape[1] - mean.shape[1]
    assert torch.allclose(last[:, k:, 1:2].float(), ((decoded[0].float() - mean) / std)[:, :, -1:], atol=1e-5)
    assert torch.count_nonzero(last[:, k:, 2:]) == 0
    plain = ex.run(_graph(i2v_dir), targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert plain.n_frames == 13 and not np.array_equal(made.frames, plain.frames)


def test_not_applied_is_said():
    from types import SimpleNamespace

    from nodes.video_models.sampling.anchor_motion import usable
    warned = []
    ctx = SimpleNamespace(warn=warned.append, info=warned.append)
    fam = SimpleNamespace(title="Fam", capability=lambda k: None, why_without=lambda k: "its reason")
    s = SimpleNamespace(fam=fam, pipe=None, context=None)
    p = SimpleNamespace(svi_motion_latents=2)
    assert usable(ctx, s, p, "continue", 33, 17, last_image=object()) == 0
    assert "svi_motion_latents 2 not applied" in warned[0] and "last frame" in warned[0], warned
    assert usable(ctx, s, p, "continue", 33, 17, last_image=None) == 0
    assert warned[1] == ("svi_motion_latents 2 not applied: Fam: its reason; each window starts from the last frame "
                         "of the one before, its image"), warned
    fam.capability = lambda k: object()
    assert usable(ctx, s, p, "separate shots", 33, 17, None) == 0 and "'separate shots'" in warned[2]
    assert usable(ctx, s, p, "continue", 33, 9, None) == 0 and "leaves the window of 9 frames none" in warned[3]
    assert usable(ctx, s, p, "continue", 33, 17, None) == 2 and len(warned) == 4
    assert usable(ctx, s, SimpleNamespace(svi_motion_latents=0), "continue", 33, 17, None) == 0 and len(warned) == 4


def test_a_window_before_not_sampled_here_has_its_shared_frames_encoded(i2v_dir):
    """A window kept from an earlier run decodes nothing here: the next window's motion latents are the VAE's
    latents of the frames it shares with it (said); a window before sampled here gives its decoded latents."""
    from types import SimpleNamespace

    from studio.engine.executor import Executor

    from nodes.video_models.families.wan.svi_pro import svi_applied

    from .graphs import pipeline_of
    pipe = pipeline_of(Executor(), _graph(i2v_dir), "i2v")
    said = []
    block = svi_applied(pipe, 1, SimpleNamespace(info=said.append))
    cfg = pipe.vae.config
    c = len(cfg.latents_mean)
    mean = torch.tensor(cfg.latents_mean).view(1, -1, 1, 1, 1)
    std = torch.tensor(cfg.latents_std).view(1, -1, 1, 1, 1)
    cond = torch.randn(1, 4 + c, 3, 4, 4, generator=torch.Generator().manual_seed(0))
    prep = block._prepare_latents(lambda *a, **k: (None, cond))
    block.window(None)
    first = prep()[1]
    assert torch.equal(first[:, :4], cond[:, :4]) and torch.equal(first[:, 4:, :1], cond[:, 4:, :1])
    assert torch.count_nonzero(first[:, 4:, 1:]) == 0 and said == []
    lead = np.random.default_rng(0).random((5, 32, 32, 3), dtype=np.float32)
    block.window(lead)  # (no decode since: the window before was not sampled here)
    got = prep()[1]
    x = torch.from_numpy(lead).permute(3, 0, 1, 2)[None] * 2 - 1
    with torch.no_grad():
        z = pipe.vae.encode(x.to(pipe.vae.dtype)).latent_dist.mode()
    want = (z.float() - mean) / std
    assert want.shape[2] == 2  # 5 frames: the first alone, then 4 a latent frame
    assert torch.allclose(got[:, 4:, 1:2], want[:, :, -1:], atol=1e-5)
    assert torch.count_nonzero(got[:, 4:, 2:]) == 0
    assert block.encoded == 1 and said == ["SVI: window 2's motion latents encoded from the last 5 frames of the "
                                           "window before (kept from an earlier run, not sampled here)"]
    block.kept, block.kept_for = torch.full_like(want, 0.5), block.asked  # sampled here: its decoded latents
    block.window(lead)
    again = prep()[1]
    assert torch.all(again[:, 4:, 1] == 0.5) and block.encoded == 1


def test_a_take_going_to_a_streaming_output_is_made_whole_inside_the_block(i2v_dir, monkeypatch, tmp_path):
    """A take whose frames go only to an output writing them in order would be made window by window as the output
    pulls (resume/windows.py StreamedClip), after the node's blocks closed: SVI's take is made whole first, every
    window's condition SVI's."""
    g = _graph(i2v_dir, svi_motion_latents=1)
    g.base_dir = str(tmp_path)
    g.add_node("footage.save_sequence", {"path": "render/frame.####.png", "depth": "8"}, node_id="save")
    g.connect("gen", "video", "save", "video")
    ex, pipe, _, _ = spied(monkeypatch, g, "i2v")
    tr, cond_in = pipe.transformer, []
    fwd = tr.forward

    def seen_forward(hidden_states, *a, **k):
        cond_in.append(hidden_states[:, tr.config.out_channels:].clone())
        return fwd(hidden_states, *a, **k)
    monkeypatch.setattr(tr, "forward", seen_forward)
    ex.run(g, targets=["save"], device="cpu", use_cache=False)
    assert len(os.listdir(tmp_path / "render")) == 13
    assert len(cond_in) == 2  # one step a window, guidance 1: one call each
    k = 4  # the mask channels
    assert torch.count_nonzero(cond_in[1][:, k:, 2:]) == 0 and torch.count_nonzero(cond_in[1][:, k:, 1]) > 0
