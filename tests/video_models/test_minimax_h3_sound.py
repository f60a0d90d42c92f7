"""MiniMax H3's soundtrack on the generic nodes' clip (issue 112): its modular pipeline makes a soundtrack beside
the video in every workflow, and its Modular capability declares it kept (``keeps_sound``), so Text to Video
('t2va') and Image to Video ('fl2va') give a clip carrying it, as Reference to Video's does: the take's length at
the audio VAE's rate, the pipeline's own sound for the seed (the same seed, the same sound). Tiny random MiniMax H3
(tests/video_models/tiny_minimax_h3.py)."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from tests.sources import source

from .tiny_minimax_h3 import pipeline_calls

pytest.importorskip("diffusers")

T2V = {"width": 32, "height": 32, "frames": 124, "steps": 2, "prompt": "a robot dancing", "previews": False,
       "preview_size": "off"}


@pytest.fixture(scope="session")
def minimax_dir(tiny):
    return tiny("minimax-h3")


def _rate(folder: str) -> int:
    with open(os.path.join(folder, "audio_vae", "config.json")) as f:
        return int(json.load(f)["sampling_rate"])


def _run(folder: str, node: str = "video_models.text_to_video", image=None, **p):
    g = Graph()
    g.add_node("video_models.load", {"model": folder}, node_id="load")
    g.add_node(node, dict(T2V, **p), node_id="gen")
    g.connect("load", "model", "gen", "model")
    if image is not None:
        g.add_node(image, {}, node_id="src")
        g.connect("src", "image", "gen", "image")
    msgs = []
    with pipeline_calls() as calls:
        clip = Executor().run(g, targets=["gen"], device="cpu",
                              on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None).value("gen")
    return clip, calls[0], msgs


def _direct(folder: str, seed: int, **frames):
    """The modular pipeline of ``folder`` called directly (the tiny components): its state."""
    import torch
    from diffusers import ModularPipeline

    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(folder)
    pipe.update_components(**tiny_parts(folder + ".direct"))
    shutil.rmtree(folder + ".direct", ignore_errors=True)
    return pipe(prompt=T2V["prompt"], generator=torch.Generator().manual_seed(seed), num_inference_steps=T2V["steps"],
                height=T2V["height"], width=T2V["width"], num_frames=T2V["frames"], output_type="np", **frames)


def _take_length_at_rate(clip, rate: int):
    """The clip's sound: the audio VAE's rate, stereo, the take's length (its frames at 24 fps, to an audio latent's
    hop)."""
    assert clip.audio is not None, "the soundtrack the model made is not on the clip"
    assert clip.audio.rate == rate and clip.audio.channels == 2
    # within a frame of the take (the tiny audio VAE: 828 samples at 160 Hz, 5.175 s, for 124 frames, 5.167 s)
    assert abs(clip.audio.duration - clip.n_frames / clip.fps) < 1 / clip.fps, (clip.audio.duration, clip.n_frames)
    assert np.abs(clip.audio.samples).max() > 0  # random weights make a sound, not silence


@pytest.mark.fresh_models
def test_text_to_video_keeps_the_soundtrack_on_its_clip_the_same_seed_the_same_sound(minimax_dir):
    clip, seen, msgs = _run(minimax_dir, seed=3)
    rate = _rate(minimax_dir)
    _take_length_at_rate(clip, rate)
    assert any(m.startswith(f"MiniMax H3 made a soundtrack with the video ({rate} Hz stereo, "
                            f"{clip.audio.duration:.2f} s): it goes with the clip (Save Video writes it)")
               for m in msgs), msgs
    assert not any("the sound is not kept" in m for m in msgs), msgs
    again, _, _ = _run(minimax_dir, seed=3)
    assert np.array_equal(again.audio.samples, clip.audio.samples)  # the same seed, the same sound
    want = _direct(minimax_dir, seen["seed"]).get("audio")[0].float().numpy().T  # the pipeline's own soundtrack
    assert want.shape == clip.audio.samples.shape and np.array_equal(clip.audio.samples, want)


def _still() -> np.ndarray:
    return (np.random.RandomState(5).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.minimax_h3_sound_still", "image", "Image", lambda p: _still())


def test_image_to_video_keeps_the_soundtrack_its_first_frame_call_made(minimax_dir):
    from PIL import Image
    clip, seen, msgs = _run(minimax_dir, node="video_models.image_to_video", image=STILL, seed=4)
    _take_length_at_rate(clip, _rate(minimax_dir))
    still = Image.fromarray((_still() * 255).round().astype(np.uint8))
    want = _direct(minimax_dir, seen["seed"], image=still).get("audio")[0].float().numpy().T
    assert np.array_equal(clip.audio.samples, want)


def test_a_modular_family_that_does_not_declare_it_still_says_and_drops_the_sound(minimax_dir, monkeypatch):
    """The generic nodes keep the sound by the declaration alone, not by the family's name."""
    from nodes.video_models.families.minimax_h3.family import MiniMaxH3Modular
    monkeypatch.setattr(MiniMaxH3Modular, "keeps_sound", False)
    clip, _, msgs = _run(minimax_dir, seed=3)
    assert clip.audio is None
    assert any(f"MiniMax H3 also made a soundtrack ({_rate(minimax_dir)} Hz stereo) beside the video: the node's "
               "output is the video, the sound is not kept" in m for m in msgs), msgs


def test_image_fit_crop_is_said_not_applied_by_a_modular_family(minimax_dir):
    """(stillfit20) MiniMax H3's modular pipeline stretches its pictures onto the canvas itself: 'crop' said not applied."""
    _clip, _seen, msgs = _run(minimax_dir, node="video_models.image_to_video", image=STILL, seed=4, image_fit="crop")
    assert any("image_fit crop is not applied: MiniMax" in m for m in msgs)
