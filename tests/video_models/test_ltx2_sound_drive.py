"""LTX-2 Video + Sound with 'sound: drive' on a tiny random LTX-2 whose audio VAE encodes as LTX-2's
(4x in time and mels): the transformer reads the given sound, encoded, at every call with the audio
timestep 0 and the pipeline's audio latents never move; another sound at the same seed makes another
picture; the given sound goes out cut to the take; short, resampled, mono, many-channel and silent
sounds are refused or said."""
from __future__ import annotations

import math

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.params import Choice
from studio.core.values import Audio
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import counted_inits, spy_call
from .tiny import still

pytest.importorskip("diffusers")

ARGS = {"prompt": "a singer sings into the camera", "steps": 2, "width": 32, "height": 32, "frames": 9,
        "fps": 24.0, "guidance": 1.0, "seed": 5, "preview_size": "off", "sound": "drive"}
TAKE_S = 9 / 24.0


def track(kind: str) -> Audio:
    rate = {"mono8k": 8000, "five": 44100}.get(kind, 16000)
    secs = 0.2 if kind == "short" else 1.0
    t = np.arange(int(secs * rate), dtype=np.float32) / rate
    if kind == "noise":
        x = np.random.default_rng(3).uniform(-0.8, 0.8, (len(t), 2))
    elif kind == "silent":
        x = np.zeros((len(t), 2))
    elif kind == "mono8k":
        x = 0.5 * np.sin(2 * np.pi * 440 * t)[:, None]
    elif kind == "five":
        x = np.stack([np.sin(2 * np.pi * f * t) for f in (200, 300, 400, 500, 600)], 1) * 0.3
    else:  # a tone, stereo at the encoder's rate
        x = np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 330 * t)], 1) * 0.5
    return Audio(x.astype(np.float32), rate)


source("test.ltx2_drive_track", "audio", "Audio", lambda p: track(p.kind),
       (Choice("kind", "tone", choices=("tone", "noise", "short", "silent", "mono8k", "five")),))
PORTRAIT = source("test.ltx2_drive_portrait", "image", "Image", lambda p: still(32, 32))


def run_with(model, args: dict, sound: tuple | None, ev=None, image=False):
    """LTX-2 run on ``model`` with ``args``, a 32x32 still as its image when ``image``, and ``sound``
    (a test source's type id, its kind, the LTX-2 input it feeds) or none: (video, audio)."""
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    gen = g.add_node("video_models.ltx2", args, node_id="ltx2")
    g.connect(load.id, "model", gen.id, "model")
    if image:
        i = g.add_node(PORTRAIT)
        g.connect(i.id, "image", gen.id, "image")
    if sound:
        source, kind, port = sound
        t = g.add_node(source, {"kind": kind})
        g.connect(t.id, "audio", gen.id, port)
    r = Executor().run(g, targets=["ltx2"], device="cpu", on_event=(ev.append if ev is not None else None))
    return r.value("ltx2", "video"), r.value("ltx2", "audio")


def run(model, kind="tone", ev=None, image=False, **params):
    return run_with(model, dict(ARGS, **params), ("test.ltx2_drive_track", kind, "audio") if kind else None, ev, image)


def expected_tokens(model, audio: Audio):
    """The sound encoded as Lightricks' AudioProcessor + encoder would, with transformers' own STFT and
    Slaney mel filters (not the node's code), packed and normalised as the pipeline does."""
    import torch
    from diffusers import LTX2Pipeline
    from transformers.audio_utils import mel_filter_bank, spectrogram, window_function
    pipe = LTX2Pipeline.from_pretrained(model)
    vae = pipe.audio_vae
    rate, hop, mels = vae.config.sample_rate, vae.config.mel_hop_length, vae.config.mel_bins
    assert audio.rate == rate
    wave = audio.samples[:math.ceil(TAKE_S * rate)].T.astype(np.float64)
    fb = mel_filter_bank(1 + 1024 // 2, mels, 0.0, rate / 2, rate, norm="slaney", mel_scale="slaney")
    mel = np.stack([spectrogram(w, window_function(1024, "hann"), 1024, hop, power=1.0, center=True,
                                pad_mode="reflect", mel_filters=fb, mel_floor=1e-5, log_mel="log") for w in wave])
    x = torch.from_numpy(mel).float().transpose(1, 2)[None]  # [1, channels, frames, mels]
    with torch.no_grad():
        z = vae.encode(x).latent_dist.mode()
    frames = round(TAKE_S * rate / hop / 4)
    z = z[:, :, :frames]
    packed = z.transpose(1, 2).flatten(2, 3)
    return (packed - vae.latents_mean) / vae.latents_std


@pytest.fixture
def spies(monkeypatch):
    """What the transformer is given at each call and what the scheduler makes of the audio latents."""
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2VideoTransformer3DModel
    seen = {"calls": [], "steps": []}
    fwd, step = LTX2VideoTransformer3DModel.forward, FlowMatchEulerDiscreteScheduler.step

    def forward(self, *a, **kw):
        seen["calls"].append({k: kw[k].detach().clone() for k in ("audio_hidden_states", "audio_timestep",
                                                                    "audio_sigma", "timestep")})
        return fwd(self, *a, **kw)

    def stepped(self, model_output, timestep, sample, *a, **kw):
        out = step(self, model_output, timestep, sample, *a, **kw)
        seen["steps"].append((sample.detach().clone(), out[0].detach().clone()))
        return out
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", forward)
    monkeypatch.setattr(FlowMatchEulerDiscreteScheduler, "step", stepped)
    return seen


@pytest.mark.fresh_models
def test_the_given_sound_is_held_clean_and_drives_the_picture(ltx2_a2v_dir, spies):
    import torch
    clip, sound = run(ltx2_a2v_dir, "tone")
    want = expected_tokens(ltx2_a2v_dir, track("tone"))
    calls = spies["calls"]
    assert len(calls) == 6  # two steps of three calls: prompt and negative, STG's, modality guidance's
    for c in calls:  # every call: the encoded sound, clean, at timestep and sigma 0; the picture is noisy
        got = c["audio_hidden_states"].float()  # each row of the batch (the sound's guidance doubles it)
        torch.testing.assert_close(got, want.expand_as(got), atol=2e-4, rtol=1e-4)
        assert torch.equal(c["audio_timestep"], torch.zeros_like(c["audio_timestep"]))
        assert torch.equal(c["audio_sigma"], torch.zeros_like(c["audio_sigma"]))
        assert float(c["timestep"].max()) > 0
    steps = [s for s in spies["steps"] if s[0].shape == want.shape]  # the audio's (the picture's: 1280 tokens)
    assert len(steps) == 2 and len(spies["steps"]) == 4
    for before, after in steps:  # the scheduler leaves the pipeline's audio latents as they were (to float
        # rounding: the guidance's x0 arithmetic, 0.7 x + 0.3 x, is not bitwise x)
        torch.testing.assert_close(after, before, atol=1e-6, rtol=1e-6)
        torch.testing.assert_close(after, want, atol=2e-4, rtol=1e-4)
    # the given sound goes out, cut to the take, and rides on the clip
    given = track("tone")
    assert sound.rate == given.rate and np.array_equal(sound.samples, given.samples[:int(TAKE_S * given.rate)])
    assert clip.audio is sound
    # another sound at the same seed: another picture (the audio-to-video attention reads it)
    other, _ = run(ltx2_a2v_dir, "noise")
    again, _ = run(ltx2_a2v_dir, "tone")
    assert np.array_equal(again.frames, clip.frames)
    assert np.abs(np.asarray(other.frames) - np.asarray(clip.frames)).max() > 1e-3


def test_bad_sounds_are_refused_or_said(ltx2_a2v_dir, monkeypatch):
    from nodes.video_models.sampling.sampler import Sampler
    made = counted_inits(monkeypatch, Sampler)
    with pytest.raises(NodeExecutionError, match=r"node 'LTX-2 Video \+ Sound' \(ltx2\) failed: the sound on the "
                                                 r"audio input lasts 0\.20 s but the take lasts 0\.38 s \(9 frames "
                                                 r"at 24 fps\): 'sound: drive' makes the picture to the sound, so "
                                                 r"give a sound at least as long as the take$"):
        run(ltx2_a2v_dir, "short", steps=1)
    assert made == []  # refused before the model is made ready
    with pytest.raises(NodeExecutionError, match="'sound' is 'drive' but nothing is connected to the audio input"):
        run(ltx2_a2v_dir, None, steps=1)

    def said(kind):
        ev = []
        _, sound = run(ltx2_a2v_dir, kind, ev, steps=1)
        return sound, [(e.level, e.text) for e in ev if isinstance(e, NodeMessage) and e.node_id == "ltx2"]
    sound, msgs = said("mono8k")
    assert made  # (the count above could fail: a run that is not refused makes its sampler)  # another rate, one channel: resampled and spread, both said
    assert ("info", "the sound is resampled from 8000 Hz to 16000 Hz (LTX-2's audio encoder)") in msgs
    assert ("info", "mono sound: given to each of the 2 channels of LTX-2's audio encoder") in msgs
    assert ("info", "the sound's first 0.38 s of 1.00 s drive the picture (the take's length)") in msgs
    assert sound.rate == 8000 and sound.channels == 1 and sound.n_samples == 3000  # the given sound, as given
    _, msgs = said("five")
    assert ("warning", "the sound has 5 channels and LTX-2's audio encoder takes 2: they are mixed down") in msgs
    _, msgs = said("silent")
    assert ("info", "the sound on the audio input is silent: the picture is made to silence") in msgs
    _, msgs = said("tone")  # stereo at the encoder's rate: nothing to say but the cut
    assert not any("resampled" in t or "mono" in t or "silent" in t or "mixed" in t for _, t in msgs)


@pytest.mark.fresh_models
def test_a_portrait_is_made_to_the_sound(ltx2_a2v_dir, spies, monkeypatch):
    """Image + voice (the talking portrait): LTX2ImageToVideoPipeline, which gives the transformer an
    audio timestep of its own, is held to the sound the same way."""
    import torch
    from diffusers import LTX2ImageToVideoPipeline
    used, _ = spy_call(monkeypatch, LTX2ImageToVideoPipeline, lambda kw: kw)
    clip, sound = run(ltx2_a2v_dir, "tone", image=True, steps=1)
    assert len(used) == 1 and used[0]["audio_latents"].shape[2] == round(TAKE_S * 25)
    want = expected_tokens(ltx2_a2v_dir, track("tone"))
    assert spies["calls"]
    for c in spies["calls"]:
        got = c["audio_hidden_states"].float()
        torch.testing.assert_close(got, want.expand_as(got), atol=2e-4, rtol=1e-4)
        assert not c["audio_timestep"].any() and not c["audio_sigma"].any()
    assert clip.audio is sound and sound.n_samples == int(TAKE_S * 16000)
