"""LTX-2 Sound (text to audio) on a tiny random LTX-2 built from configs: the sound's length follows 'seconds', every
transformer call isolates the audio stream (so the placeholder video cannot reach it), the schedule is shifted as the
reference's, another prompt makes another sound, a seed makes the same sound again, Save Audio writes it, and a
model of another family is refused before it is made ready."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.engine.executor import Executor

pytest.importorskip("diffusers")

ARGS = {"prompt": "a singer sings into the camera", "steps": 2, "seconds": 0.5, "guidance": 3.0, "seed": 5,
        "preview_size": "off"}


def graph(model, save: str | None = None, **params):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    gen = g.add_node("video_models.ltx2_sound", dict(ARGS, **params), node_id="snd")
    g.connect(load.id, "model", gen.id, "model")
    if save:
        out = g.add_node("io.save_audio", {"path": save}, node_id="save")
        g.connect(gen.id, "audio", out.id, "audio")
    return g


@pytest.fixture
def sound_dir(tiny):
    """A tiny LTX-2 of its own (no other test's hooks on its cached transformer) whose video VAE compresses 32x as
    LTX-2's: the placeholder is 2 x 2 latent pixels, as ComfyUI-LTXVideo's."""
    return tiny("ltx2", "tiny-ltx2-sound", real_compression=True, audio_encoder=False)


def run(model, **params):
    return Executor().run(graph(model, **params), targets=["snd"], device="cpu").value("snd", "audio")


@pytest.fixture
def calls(monkeypatch):
    from diffusers import LTX2VideoTransformer3DModel
    seen = []
    fwd = LTX2VideoTransformer3DModel.forward

    def forward(self, *a, **kw):
        seen.append({"isolate": kw.get("isolate_modalities"), "video": tuple(kw["hidden_states"].shape),
                     "audio": tuple(kw["audio_hidden_states"].shape), "t": float(kw["timestep"].flatten()[0])})
        return fwd(self, *a, **kw)
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", forward)
    return seen


def test_the_sound_is_made_alone_its_length_from_seconds(sound_dir, calls):
    from diffusers import LTX2Pipeline
    sound = run(sound_dir)
    pipe = LTX2Pipeline.from_pretrained(sound_dir)
    per_s = pipe.audio_sampling_rate / pipe.audio_hop_length / pipe.audio_vae_temporal_compression_ratio
    assert sound.rate == pipe.vocoder.config.output_sampling_rate
    hop = pipe.audio_hop_length * pipe.audio_vae_temporal_compression_ratio  # samples of one latent frame
    # the latent frames of 0.5 s decoded (a causal decoder gives back a few mel frames fewer), never more
    assert round(0.5 * sound.rate) - 2 * hop <= sound.n_samples <= round(0.5 * sound.rate) and sound.channels == 2
    assert np.isfinite(sound.samples).all() and np.abs(sound.samples).max() > 0
    assert len(calls) == 2  # one call a step (CFG's two prompts in one batch; no STG, no modality call)
    for c in calls:
        assert c["isolate"] is True  # the audio-video cross-attentions off in every call
        assert c["video"][1] == 4  # the placeholder: one latent frame of 2 x 2 latent pixels (64 x 64 at 32x)
        assert c["audio"][1] == round(0.5 * per_s)  # the sound's latent frames
    longer = run(sound_dir, seconds=1.0)
    assert round(1.0 * longer.rate) - 2 * hop <= longer.n_samples <= round(1.0 * longer.rate)


def test_the_placeholder_video_never_reaches_the_sound(ltx2_dir, monkeypatch):
    """Other placeholder video latents at the same audio noise give the same sound: the isolation holds (with the
    audio-video cross-attentions on, the sound moves by about 4e-4)."""
    from diffusers import LTX2Pipeline
    prepare = LTX2Pipeline.prepare_latents
    scale = {"v": 1.0}

    def prepared(self, *a, **kw):  # the placeholder's noise, drawn as ever (the audio's noise after it the same)
        return prepare(self, *a, **kw) * scale["v"] + (scale["v"] - 1.0)
    monkeypatch.setattr(LTX2Pipeline, "prepare_latents", prepared)
    one = run(ltx2_dir, steps=1)
    scale["v"] = 3.0
    other = run(ltx2_dir, steps=1)
    assert np.allclose(one.samples, other.samples, atol=1e-6)


def test_the_schedule_is_shifted_as_the_references():
    """No latent in Lightricks' T2A: the shift of 4096 tokens (the scheduler's max shift), not of the placeholder's
    few tokens, as LTX2Pipeline would work it out from the call's video; the config put back after."""
    from types import SimpleNamespace

    from diffusers import FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ltx2.pipeline_ltx2 import calculate_shift

    from nodes.video_models.families.ltx2.sound_alone import reference_shift
    sched = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05,
                                            base_image_seq_len=1024, max_image_seq_len=4096, shift_terminal=0.1)

    def mu():  # as LTX2Pipeline.__call__ reads it, for the placeholder's 4 tokens
        c = sched.config
        return calculate_shift(4, c.get("base_image_seq_len", 1024), c.get("max_image_seq_len", 4096),
                               c.get("base_shift", 0.95), c.get("max_shift", 2.05))
    before = mu()
    with reference_shift(SimpleNamespace(scheduler=sched)):
        assert mu() == pytest.approx(2.05)
    assert mu() == before and before < 0.6 and sched.config.base_shift == 0.95


def test_a_prompt_changes_the_sound_and_a_seed_makes_it_again(ltx2_dir):
    a = run(ltx2_dir, steps=1)
    again = run(ltx2_dir, steps=1)
    other = run(ltx2_dir, steps=1, prompt="a red fox")
    seed = run(ltx2_dir, steps=1, seed=6)
    assert np.array_equal(a.samples, again.samples)
    assert np.abs(a.samples - other.samples).max() > 1e-4
    assert np.abs(a.samples - seed.samples).max() > 1e-4


def test_save_audio_writes_the_sound(ltx2_dir, tmp_path):
    path = str(tmp_path / "t2a.wav")
    r = Executor().run(graph(ltx2_dir, save=path, steps=1), targets=["save"], device="cpu")
    made = r.value("save", "audio")
    with wave.open(path, "rb") as w:
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (made.channels, made.rate, made.n_samples)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, made.channels)
    assert np.abs(pcm / 32767.0 - np.clip(made.samples, -1, 1)).max() < 1e-4


def test_another_familys_model_is_refused(wan_dir):
    with pytest.raises(NodeExecutionError, match=r"LTX-2 Sound"):
        run(wan_dir, steps=1)
