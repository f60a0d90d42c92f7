"""Audio + image conditioning: a still and its sound, through the encoders and a fusion trained
with the generator, make a clip. Tiny sizes: 16x16, 4 or 8 frames."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from studio.core.errors import NodeExecutionError, StudioError
from studio.core.fileformat import load_graph
from studio.core.graph import Graph
from studio.engine.executor import Executor
from studio.engine.media import probe

from nodes.generators.av_conditioning import (FUSIONS, AVConditioner, audio_features, av_model_config,
                                              features_from_encoders, image_maps)
from nodes.generators.checkpoint import CheckpointMismatchError, build_model, load_checkpoint
from nodes.generators.dataset import synthetic_dataset
from nodes.generators.flow import clip_velocity
from nodes.generators.nets import to_model
from nodes.generators.train import TrainSettings, model_config, train
from studio.core.values import Features

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARCH = {"base": 8, "mults": [1, 2]}


@pytest.fixture(scope="module")
def tiny():
    return synthetic_dataset(count=16, n_frames=4, width=16, height=16, fps=8.0, seed=0, holdout=[])


def _batch(model, ds, idx):
    frames = ds.batch(idx)
    b = model.conditioning_inputs(ds, idx, frames)
    b["video"] = to_model(frames)
    b["velocity"] = torch.tensor(np.stack([clip_velocity(f) for f in frames]))
    return b


def test_training_inputs_are_what_the_encoder_nodes_give():
    """The trainer's per-clip inputs equal the Image Encoder's maps and the Audio Encoder's features
    of the same still and sound: sampling through the nodes uses the path training used."""
    g = Graph()
    c = g.add_node("source.shapes", {"frames": 4, "fps": 8.0, "width": 16, "height": 16, "size": 3.0,
                                     "speed": 1.0, "background": "black", "direction": "right"})
    s = g.add_node("gen.frame_image", {"frame": 0})
    ie = g.add_node("encode.image", {"size": 16, "dim": 32, "width": 8})
    ae = g.add_node("encode.audio", {"fps": 8.0, "frames": 4})
    g.connect(c.id, "video", s.id, "video")
    g.connect(s.id, "image", ie.id, "video")
    g.connect(c.id, "audio", ae.id, "audio")
    r = Executor().run(g, targets=[ie.id, ae.id])
    still = r.value(s.id, "image")
    assert still.shape == (16, 16, 3) and np.array_equal(still, r.value(c.id, "video").frame(0))
    enc = r.value(ie.id, "model").module
    maps = image_maps(enc, still[None], 16)
    assert maps.shape == (1, 32, 2, 2) and torch.equal(maps[0], r.value(ie.id, "maps").data)
    feats = audio_features(r.value(c.id, "audio"), 4, 8.0)
    assert feats.shape == (4, 88) and torch.equal(feats, r.value(ae.id, "features").data)


@pytest.mark.parametrize("kind", FUSIONS)
def test_conditioner_shapes_and_missing_inputs(kind):
    torch.manual_seed(0)
    m = AVConditioner(image_dim=128, audio_dim=88, frames=4, fusion=kind, dim=32, out_dim=24)
    img, aud = torch.randn(3, 128), torch.randn(3, 4, 88)
    m.fit(img, aud)
    assert float(m.fitted) == 1.0 and torch.allclose(m.audio_mean, aud.reshape(-1, 88).mean(0))
    cond, info = m(img, aud)
    assert cond.shape == (3, 24) and torch.isfinite(cond).all()
    assert info["dominance"].shape == (3, 4, 2) and torch.allclose(info["dominance"].sum(-1), torch.ones(3, 4))
    for a, b in ((None, aud), (img, None)):  # one input left out: its null embedding stands in
        c2, _ = m(a, b)
        assert c2.shape == (3, 24) and not torch.allclose(c2, cond)
    keep = torch.tensor([True, False, True])
    mixed, _ = m(img, aud, keep_image=keep)
    alone, _ = m(None, aud)
    assert torch.allclose(mixed[0], cond[0]) and torch.allclose(mixed[1], alone[1], atol=1e-6)
    # the order of the frames matters (a rising pitch is not a falling one)
    rev, _ = m(img, aud.flip(1))
    assert not torch.allclose(rev, cond)


def test_gradients_reach_the_fusion_not_the_frozen_encoder(tiny):
    torch.manual_seed(0)
    model = build_model(av_model_config(tiny, **ARCH)).train()
    b = _batch(model, tiny, tiny.indices("train")[:4])
    assert b["image_feats"].shape == (4, 128) and b["audio_feats"].shape == (4, 4, 88)
    loss = sum(model.losses(b, torch.Generator().manual_seed(0)).values())
    loss.backward()
    fusion_grads = [p.grad for p in model.conditioner.fusion.parameters() if p.requires_grad]
    assert any(g is not None and float(g.abs().sum()) > 0 for g in fusion_grads)
    assert float(model.conditioner.readout[0].weight.grad.abs().sum()) > 0
    assert all(p.grad is None for p in model.image_encoder.parameters())


def test_tiny_training_lowers_the_loss(tiny):
    cfg = av_model_config(tiny, **ARCH)
    torch.manual_seed(0)
    probe_model = build_model(cfg)
    batch = _batch(probe_model, tiny, tiny.indices("train")[:4])
    logs = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        net = build_model(cfg)
    net.conditioner.load_state_dict(probe_model.conditioner.state_dict())  # the fitted normalisation
    # measured (last 8 steps / first 8, loss and velocity): 60 steps at lr 3e-3 0.37, 0.022;
    # 40 at 6e-3 0.34, 0.009 (30 at 6e-3: 0.41, 0.10)
    train(net, tiny, TrainSettings(steps=40, lr=6e-3, preview_every=0), fixed_batch=batch,
          progress=lambda s, n, preview=None, **v: logs.append((v["loss"], v["velocity"])))
    first, last = np.mean([x for x, _ in logs[:8]]), np.mean([x for x, _ in logs[-8:]])
    assert last < 0.6 * first, (first, last)
    assert np.mean([v for _, v in logs[-8:]]) < 0.5 * np.mean([v for _, v in logs[:8]])


def _reduced_template(tmp_path, steps=10):
    """The shipped template at tiny sizes. 10 training steps: the render's asserts are about the
    wiring (sound, motion, determinism, the encoder check), not what training learns (the loss
    test's); measured, the sampled clip moves as much after 10 steps as after 30 or 150 (0.24,
    0.18, 0.18: the bound is 0.005), and leaving the sound out changes it by 0.15 a pixel."""
    g = load_graph(os.path.join(ROOT, "assets", "graphs", "audio_image_to_video.json"))
    assert g.validate() == []
    assert g.node("train").params["conditioning"] == "audio+image"
    assert g.input_link("sample", "features").src == "fusion" and g.input_link("sample", "image").src == "still"
    assert g.input_link("train", "image_encoder").src == "image_enc"
    assert g.input_link("save", "audio").src == "clip"
    for k, v in {"count": 24, "width": 16, "height": 16, "holdout": 2}.items():
        g.set_param("dataset", k, v)
    for k, v in {"width": 16, "height": 16, "size": 3.0, "speed": 0.9}.items():
        g.set_param("clip", k, v)
    g.set_param("image_enc", "size", 16)
    for k, v in {"steps": steps, "batch": 8, "width": 8, "lr": 3e-3, "preview_every": 0,
                 "checkpoint": str(tmp_path / "av.safetensors")}.items():
        g.set_param("train", k, v)
    g.set_param("sample", "steps", 4)
    g.set_param("upscale", "width", 64)
    g.set_param("upscale", "height", 64)
    g.set_param("save", "path", str(tmp_path / "av.mp4"))
    return g


def test_template_renders_with_sound_and_motion(tmp_path):
    g = _reduced_template(tmp_path)
    r = Executor(frame_caching=False).run(g)
    info = probe(str(tmp_path / "av.mp4"))
    assert info["frames"] == 8 and info["width"] == 64 and info.get("audio_codec") == "aac"
    assert abs(info["duration"] - 1.0) < 0.15
    v = r.value("sample", "video").chunk(0, 8)
    assert v.shape == (8, 16, 16, 3) and np.isfinite(v).all()
    assert np.abs(v[-1] - v[0]).mean() > 0.005  # it moves
    assert "reads as" in r.value("metrics", "report")
    dom = r.value("fusion", "features").extras["dominance"]
    assert dom.shape == (8, 2) and torch.allclose(dom.sum(-1), torch.ones(8))
    # the same graph and seed give the same clip (the finished checkpoint is picked up, not retrained)
    r2 = Executor(frame_caching=False).run(g, targets=["sample"])
    assert "trained steps 10..10" in r2.value("train", "info")
    assert np.array_equal(v, r2.value("sample", "video").chunk(0, 8))
    # leaving the sound out changes the clip
    g.set_param("fusion", "use", "image only")
    r3 = Executor(frame_caching=False).run(g, targets=["sample"])
    assert not np.array_equal(v, r3.value("sample", "video").chunk(0, 8))
    # features from another image encoder than the one the generator was trained with are caught
    other = g.add_node("encode.image", {"size": 16, "dim": 32, "width": 8, "seed": 7})
    g.connect("still", "image", other.id, "video")
    g.connect(other.id, "maps", "fusion", "image")
    with pytest.raises(NodeExecutionError, match="not made from this still by the image encoder"):
        Executor(frame_caching=False).run(g, targets=["sample"])


def test_caption_checkpoint_in_the_audio_image_path_is_refused(tiny, tmp_path):
    path = str(tmp_path / "cap.safetensors")
    train(model_config("diffusion", tiny, "caption-parser", **ARCH), tiny,
          TrainSettings(steps=1, batch=2, preview_every=0, checkpoint=path))
    with pytest.raises(CheckpointMismatchError, match="conditioning kind: checkpoint has 'caption-parser', "
                                                      "expected 'audio\\+image'"):
        load_checkpoint(path, expect={"conditioning": {"kind": "audio+image"}})
    g = Graph()
    ld = g.add_node("gen.load_checkpoint", {"path": path, "expect_conditioning": "audio+image"})
    with pytest.raises(NodeExecutionError, match="conditioning kind: checkpoint has 'caption-parser'"):
        Executor().run(g, targets=[ld.id])
    # loaded without expectations, then wired into the audio+image path
    g.set_param(ld.id, "expect_conditioning", "any")
    c = g.add_node("source.shapes", {"frames": 4, "fps": 8.0, "width": 16, "height": 16, "size": 3.0})
    s = g.add_node("gen.frame_image", {})
    ie = g.add_node("encode.image", {"size": 16, "dim": 32, "width": 8})
    ae = g.add_node("encode.audio", {"fps": 8.0, "frames": 4})
    fu = g.add_node("gen.av_fusion", {})
    sa = g.add_node("gen.sample", {"steps": 2})
    for a, ap, b, bp in [(c.id, "video", s.id, "video"), (s.id, "image", ie.id, "video"), (c.id, "audio", ae.id, "audio"),
                         (ie.id, "maps", fu.id, "image"), (ae.id, "features", fu.id, "audio"), (ld.id, "model", fu.id, "model")]:
        g.connect(a, ap, b, bp)
    with pytest.raises(NodeExecutionError, match="trained on 'caption-parser' conditioning .*not audio\\+image"):
        Executor().run(g, targets=[fu.id])
    g.connect(ld.id, "model", sa.id, "model")
    g.connect(s.id, "image", sa.id, "image")
    with pytest.raises(NodeExecutionError, match="'caption-parser' conditioning and takes no image"):
        Executor().run(g, targets=[sa.id])


def test_resume_refuses_a_checkpoint_made_with_another_image_encoder(tiny, tmp_path):
    from nodes.encoders.image import ResNetEncoder
    path = str(tmp_path / "av.safetensors")
    cfg = av_model_config(tiny, **ARCH)
    train(cfg, tiny, TrainSettings(steps=1, batch=2, preview_every=0, checkpoint=path))
    ck = load_checkpoint(path, expect=cfg)
    assert ck["meta"]["config"]["conditioning"]["kind"] == "audio+image"
    torch.manual_seed(5)
    other = av_model_config(tiny, ResNetEncoder(8, 32), **ARCH)
    with pytest.raises(CheckpointMismatchError, match="conditioning encoder: checkpoint has 'image.resnet#"):
        train(other, tiny, TrainSettings(steps=2, batch=2, preview_every=0, checkpoint=path))


def test_encoder_settings_that_differ_from_training_are_named(tiny):
    cfg = av_model_config(tiny, **ARCH)
    maps = Features(torch.zeros(32, 2, 2))
    audio = Features(torch.zeros(4, 88), per_frame=True, fps=8.0)
    img, aud = features_from_encoders(cfg, maps, audio)
    assert img.shape == (1, 128) and aud.shape == (1, 4, 88)
    with pytest.raises(StudioError, match="set the Image Encoder's size to 16"):
        features_from_encoders(cfg, Features(torch.zeros(32, 4, 4)), audio)
    with pytest.raises(StudioError, match="'maps' output"):
        features_from_encoders(cfg, Features(torch.zeros(32)), audio)
    with pytest.raises(StudioError, match="set the Audio Encoder's fps to 8 and frames to 4"):
        features_from_encoders(cfg, maps, Features(torch.zeros(12, 88), per_frame=True, fps=24.0))
    with pytest.raises(StudioError, match="NaN"):
        features_from_encoders(cfg, maps, Features(torch.full((4, 88), float("nan")), per_frame=True, fps=8.0))
