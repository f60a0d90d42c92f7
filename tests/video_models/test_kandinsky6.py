"""Kandinsky 6 as a Studio family (issue 72): a diffusers Kandinsky 6 folder loads through Load Video
Model and is listed with its family; Kandinsky 6 Video + Sound makes, frame for frame and sample for
sample, what Kandinsky6TI2VAPipeline called directly makes with the same seed (text to video and image
to video; tiny random models, CPU, fp32), and its sound rides on the clip."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 5.0, "prompt": "a red fox running",
          "negative_prompt": "static cartoon", "previews": False, "preview_size": "off", "seed": 5}
DIRECT = dict(prompt="a red fox running", negative_prompt="static cartoon", height=32, width=32, num_frames=5,
              num_inference_steps=2, guidance_scale=5.0, frame_rate=24.0, max_sequence_length=32, output_type="np")


@pytest.fixture(scope="session")
def k6_dir(tiny):
    return tiny("kandinsky6")


def _still() -> np.ndarray:
    """A 32 x 32 still whose values are whole bytes (so the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.kandinsky6_still", "image", "Image", lambda p: _still())


def _run(model_dir, node="video_models.kandinsky6", image=False, **p):
    g = model_graph(model_dir, node, dict(PARAMS, **p), **({"image": (STILL, "image")} if image else {}))
    return Executor().run(g, targets=["gen"], device="cpu", use_cache=False).outputs["gen"]


def test_kandinsky6_folder_loads_and_is_listed_with_its_family(k6_dir):
    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.load import load_video_model
    e = describe_folder(k6_dir)
    assert (e.kind, e.family, e.variant) == ("pipeline", "kandinsky6", "Kandinsky 6 TI2V")
    ref = load_video_model(k6_dir, base=None, device="cpu")
    assert ref.pipeline("t2v") is ref.pipeline("i2v")  # one pipeline, the image optional


@pytest.mark.parametrize("image", [False, True])
def test_video_and_sound_are_the_pipeline_called_directly(k6_dir, monkeypatch, image):
    import torch
    from diffusers import Kandinsky6TI2VAPipeline as K6
    from PIL import Image
    calls, orig = spy_call(monkeypatch, K6, dict)
    out = _run(k6_dir, image=image)
    clip, sound = out["video"], out["audio"]
    assert clip.n_frames == 5 and len(calls) == 1 and clip.audio is sound
    kw = calls[0]
    more = {"image": Image.fromarray(np.round(_still() * 255).astype(np.uint8))} if image else {}
    if image:
        assert np.array_equal(np.asarray(kw["image"]), np.asarray(more["image"]))
    direct = orig(K6.from_pretrained(k6_dir), **DIRECT, **more,
                  generator=torch.Generator().manual_seed(kw["generator"].initial_seed()))
    assert np.array_equal(clip.frames, direct.frames[0])
    want = np.clip(direct.audio[0], -1, 1)
    assert sound.rate == 16000 and sound.samples.shape == (want.shape[0], 1)
    assert np.array_equal(sound.samples[:, 0], want) and np.abs(want).max() > 0


def test_sound_off_samples_no_sound_and_input_keeps_the_given_track(k6_dir, monkeypatch):
    from diffusers import Kandinsky6TI2VAPipeline as K6
    calls, _ = spy_call(monkeypatch, K6, dict)
    off = _run(k6_dir, sound="off")
    assert calls[0]["sample_audio"] is False  # one branch of the DiT less, the audio VAE and vocoder not run
    assert off["audio"] is None and off["video"].audio is None and np.isfinite(off["video"].frames).all()


CLIP_IN = source("test.kandinsky6_small_clip", "video", "Video", lambda p: _small_clip())


def _small_clip():
    """Two frames of 16 x 16 (whole bytes) with a second of sound: padded to the K-VAE's 4k + 1 by the node."""
    from studio.core.values import Audio
    from studio.engine.clip import ArrayClip
    frames = (np.random.RandomState(4).randint(0, 256, (2, 16, 16, 3)) / 255.0).astype(np.float32)
    return ArrayClip(frames, 24.0, Audio(np.zeros((2000, 1), np.float32), 16000))


def test_super_resolution_is_the_sr_pipeline_called_directly(tiny, monkeypatch):
    import torch
    from diffusers import Kandinsky6SRPipeline as SR
    sr_dir = tiny("kandinsky6-sr")
    calls, orig = spy_call(monkeypatch, SR, dict)
    g = model_graph(sr_dir, "video_models.kandinsky6_sr", {"scale": "2", "steps": 2, "seed": 3},
                    video=(CLIP_IN, "video"))
    out = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert len(calls) == 1 and kw["video"].shape == (5, 16, 16, 3)  # padded with the last frame
    direct = orig(SR.from_pretrained(sr_dir), video=kw["video"], resolution_scale=2, num_inference_steps=2,
                  lq_noise_scale=0.7, min_overlap=0.2, output_type="np",
                  generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert out.frames.shape == (2, 32, 32, 3) and np.array_equal(out.frames, np.clip(direct[:2], 0, 1))
    assert out.audio is not None and out.audio.rate == 16000  # the clip's sound kept
