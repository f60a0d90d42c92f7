"""LTX-2 Video + Sound with a reference voice (LTX-2.3's ID-LoRA) on a tiny random LTX-2 whose audio VAE
encodes as LTX-2's: the reference's tokens, positions and timesteps before the take's equal the
release's formulas (ID-LoRA/ID-LoRA 399bf3e, inference_one_stage.py) on a hand-computed case; the
identity guidance moves the step's sound by ``scale * (with - without)`` once a step and costs one call
a step only when on; the sound made has the take's length; without a voice the node is the pipeline
called directly; bad voices are refused in words naming the node before the model runs."""
from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.core.params import Choice
from studio.core.registry import default_registry
from studio.core.spec import In, Node, Out
from studio.core.values import Audio
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import counted_inits, said, spy_call
from .test_ltx2_sound_drive import run_with

pytest.importorskip("diffusers")

ARGS = {"prompt": "a singer speaks into the camera", "steps": 2, "width": 32, "height": 32, "frames": 9,
        "fps": 24.0, "guidance": 1.0, "seed": 5, "preview_size": "off"}
TAKE_S = 9 / 24.0
NODE = r"node 'LTX-2 Video \+ Sound' \(ltx2\) failed: "


def voice(kind: str) -> Audio:
    secs = {"short": 0.5}.get(kind, 1.5)
    rate = 8000 if kind == "mono8k" else 16000
    t = np.arange(int(secs * rate), dtype=np.float32) / rate
    if kind == "silent":
        x = np.zeros((len(t), 2))
    elif kind == "mono8k":
        x = 0.5 * np.sin(2 * np.pi * 180 * t)[:, None]
    elif kind == "other":
        x = np.random.default_rng(4).uniform(-0.6, 0.6, (len(t), 2))
    else:
        x = np.stack([np.sin(2 * np.pi * 140 * t), np.sin(2 * np.pi * 210 * t)], 1) * 0.5
    return Audio(x.astype(np.float32), rate)


source("test.ltx2_ref_voice", "audio", "Audio", lambda p: voice(p.kind),
       (Choice("kind", "speech", choices=("speech", "other", "short", "silent", "mono8k")),))


def run(model, kind="speech", ev=None, image=False, **params):
    """The voice on LTX-2's one sound input with 'sound: voice' (none: the node's own sound)."""
    args = {**ARGS, "sound": "voice", **params} if kind else dict(ARGS, **params)
    return run_with(model, args, ("test.ltx2_ref_voice", kind, "audio") if kind else None, ev, image)


@pytest.fixture(scope="module")
def pipe(ltx2_a2v_dir):
    from diffusers import LTX2Pipeline
    return LTX2Pipeline.from_pretrained(ltx2_a2v_dir)


def expected_voice(pipe, audio: Audio):
    """The voice encoded as the release's AudioProcessor + encoder would (transformers' STFT and Slaney
    mel filters, not the node's code), packed [b, t, c*f] and normalised as the encoder's statistics."""
    import torch
    from transformers.audio_utils import mel_filter_bank, spectrogram, window_function
    vae = pipe.audio_vae
    rate, hop, mels = vae.config.sample_rate, vae.config.mel_hop_length, vae.config.mel_bins
    assert audio.rate == rate
    fb = mel_filter_bank(1 + 1024 // 2, mels, 0.0, rate / 2, rate, norm="slaney", mel_scale="slaney")
    mel = np.stack([spectrogram(w, window_function(1024, "hann"), 1024, hop, power=1.0, center=True,
                                pad_mode="reflect", mel_filters=fb, mel_floor=1e-5, log_mel="log")
                    for w in audio.samples.T.astype(np.float64)])
    with torch.no_grad():
        z = vae.encode(torch.from_numpy(mel).float().transpose(1, 2)[None]).latent_dist.mode()
    packed = z.transpose(1, 2).flatten(2, 3)
    return (packed - vae.latents_mean) / vae.latents_std


def test_reference_positions_and_timesteps_on_a_hand_computed_case(pipe):
    """Three reference latents before two of the take's, batch 2 (CFG's): 16 kHz, hop 160, 4x."""
    import torch

    from nodes.video_models.families.ltx2.ref_voice import reference_coords, with_reference
    tr = pipe.transformer
    rope = tr.audio_rope
    assert (rope.sampling_rate, rope.hop_length, rope.scale_factors[0], rope.causal_offset) == (16000, 160, 4, 1)
    # the release's grid: mel frame 4 i + 1 - 4 (clipped at 0) to 4 (i + 1) + 1 - 4, x 160 / 16000 s:
    # [0, .01), [.01, .05), [.05, .09); then - .09 (its end) - .04 (160 * 4 / 16000, one latent)
    want = torch.tensor([[-0.13, -0.12], [-0.12, -0.08], [-0.08, -0.04]])
    got = reference_coords(rope, 3, 2, "cpu")
    assert got.shape == (2, 1, 3, 2)
    torch.testing.assert_close(got[1, 0], want, atol=1e-6, rtol=0)
    ref = torch.arange(12, dtype=torch.float32).reshape(1, 3, 4)
    a = torch.full((2, 2, 4), 7.0)
    take = rope.prepare_audio_coords(2, 2, "cpu")
    kw = {"audio_hidden_states": a, "timestep": torch.tensor([640.0, 640.0]), "audio_coords": take, "keep": 1}
    out = with_reference(tr, kw, ref)
    assert torch.equal(out["audio_hidden_states"][:, :3], ref.expand(2, -1, -1))
    assert torch.equal(out["audio_hidden_states"][:, 3:], a)
    assert out["audio_timestep"].tolist() == [[0, 0, 0, 640, 640]] * 2  # 0: clean; the take's own
    torch.testing.assert_close(out["audio_coords"][:, :, :3], want.expand(2, 1, 3, 2), atol=1e-6, rtol=0)
    assert torch.equal(out["audio_coords"][:, :, 3:], take) and out["keep"] == 1
    assert take[0, 0, 0].tolist() == pytest.approx([0.0, 0.01])  # the take starts at 0, one latent after the reference ends
    # the i2v / keyframe pipelines' own audio timestep (one a row) is spread the same way
    out = with_reference(tr, dict(kw, audio_timestep=torch.tensor([5.0, 6.0])), ref)
    assert out["audio_timestep"].tolist() == [[0, 0, 0, 5, 5], [0, 0, 0, 6, 6]]


def test_identity_guidance_is_scale_times_with_minus_without_once_a_step(pipe):
    """The hook on the transformer, called as LTX2Pipeline calls it (no CFG: batch 1), against the
    transformer called directly with and without the reference."""
    import torch

    from nodes.video_models.base.hooks import denoiser_hooks
    from nodes.video_models.families.ltx2.ref_voice import make_hook, with_reference
    tr = pipe.transformer
    pipe._guidance_scale = pipe._audio_guidance_scale = 1.0  # do_classifier_free_guidance reads them
    g = torch.Generator().manual_seed(0)
    ref = torch.randn(1, 3, 4, generator=g)
    text = torch.randn(1, 5, tr.config.caption_channels, generator=g)

    def call(x, a, t):
        return {"hidden_states": x, "audio_hidden_states": a, "encoder_hidden_states": text,
                "audio_encoder_hidden_states": text, "timestep": torch.tensor([t]), "sigma": torch.tensor([t]),
                "num_frames": 2, "height": 2, "width": 2, "fps": 24.0, "audio_num_frames": 4, "return_dict": False}
    x, a = torch.randn(1, 8, 4, generator=g), torch.randn(1, 4, 4, generator=g)
    x2 = torch.randn(1, 8, 4, generator=g)  # a second call of the same step (STG's: another prediction)
    with torch.no_grad():
        plain_with = tr(**with_reference(tr, call(x, a, 800.0), ref))[1][:, 3:]
        plain_without = tr(**call(x, a, 800.0))[1]
        plain_second = tr(**with_reference(tr, call(x2, a, 800.0), ref))[1][:, 3:]
        late = tr(**with_reference(tr, call(x, a, 100.0), ref))[1][:, 3:]
        with denoiser_hooks(pipe, "t", lambda m: make_hook(pipe, ref, 2.5, 0.0, 0.5)) as h:
            first = tr(**call(x, a, 800.0))[1]
            second = tr(**call(x2, a, 800.0))[1]
            assert h.hooks[0].extra_calls == 1  # once for the step
            outside = tr(**call(x, a, 100.0))[1]  # sigma 0.1 < 1 - 0.5: out of the range, no call
            assert h.hooks[0].extra_calls == 1
    delta = 2.5 * (plain_with - plain_without)
    assert first.shape == a.shape and float(delta.abs().max()) > 1e-4
    torch.testing.assert_close(first, plain_with + delta, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(second, plain_second + delta, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(outside, late, atol=0, rtol=0)
    # under CFG (batch 2: the negative's row, then the prompt's) the difference is the prompt row's, added
    # to both rows, so the pipeline's (g - 1) * (prompt - negative) is unchanged and the result moves by it once
    pipe._guidance_scale = 2.0
    neg = torch.randn(1, 5, tr.config.caption_channels, generator=g)
    both = torch.cat([neg, text])

    def cfg(x, a, t):
        return dict(call(x, a, t), hidden_states=torch.cat([x, x]), audio_hidden_states=torch.cat([a, a]),
                    encoder_hidden_states=both, audio_encoder_hidden_states=both, timestep=torch.tensor([t, t]),
                    sigma=torch.tensor([t, t]))
    with torch.no_grad():
        plain_with = tr(**with_reference(tr, cfg(x, a, 800.0), ref))[1][:, 3:]
        with denoiser_hooks(pipe, "t", lambda m: make_hook(pipe, ref, 2.5, 0.0, 1.0)) as h:
            got = tr(**cfg(x, a, 800.0))[1]
            assert h.hooks[0].extra_calls == 1
    delta = 2.5 * (plain_with[1:] - plain_without)  # the prompt's row, without: as computed above
    torch.testing.assert_close(got, plain_with + delta.expand(2, -1, -1), atol=1e-5, rtol=1e-5)
    assert float((plain_with[0] - plain_with[1]).abs().max()) > 1e-4  # the rows differ: the right one was taken


@pytest.fixture
def spies(monkeypatch):
    from diffusers import LTX2VideoTransformer3DModel
    seen = []
    fwd = LTX2VideoTransformer3DModel.forward

    def forward(self, *a, **kw):
        seen.append({k: kw[k].detach().clone() for k in ("audio_hidden_states", "audio_coords")
                     if kw.get(k) is not None} | {"audio_timestep": kw.get("audio_timestep"),
                                                   "timestep": kw["timestep"].detach().clone()})
        return fwd(self, *a, **kw)
    monkeypatch.setattr(LTX2VideoTransformer3DModel, "forward", forward)
    return seen


@pytest.mark.fresh_models
def test_the_voice_is_read_before_the_take_and_the_sound_keeps_the_takes_length(ltx2_a2v_dir, pipe, spies):
    import torch

    from nodes.video_models.families.ltx2.ref_voice import reference_coords
    ev = []
    plain_clip, plain_sound = run(ltx2_a2v_dir, None)
    plain_calls = len(spies)
    spies.clear()
    clip, sound = run(ltx2_a2v_dir, "speech", ev)
    want = expected_voice(pipe, voice("speech"))
    n, take = want.shape[1], round(TAKE_S * 25)  # 25 audio latents a second
    assert n == 38  # 1.5 s: 150 mel frames, 4x
    ids = [c for c in spies if c["audio_hidden_states"].shape[1] == n + take]
    assert len(ids) == plain_calls and len(spies) == plain_calls + 2  # and one call without it a step
    for c in ids:
        torch.testing.assert_close(c["audio_hidden_states"][:, :n].float(), want.expand(c["audio_hidden_states"]
                                   .shape[0], -1, -1), atol=2e-4, rtol=1e-4)
        assert not c["audio_timestep"][:, :n].any() and float(c["audio_timestep"][:, n:].min()) > 0
        torch.testing.assert_close(c["audio_coords"][:, :, :n], reference_coords(pipe.transformer.audio_rope, n, 1,
                                                                                  "cpu"), atol=1e-6, rtol=0)
    without = [c for c in spies if c["audio_hidden_states"].shape[1] == take]
    assert len(without) == 2 and all(c["audio_timestep"] is None for c in without)
    assert sound.n_samples == plain_sound.n_samples and sound.rate == plain_sound.rate  # the take's length
    assert clip.audio is sound and clip.n_frames == plain_clip.n_frames == 9
    assert np.abs(sound.samples - plain_sound.samples).max() > 1e-4  # the voice changes the sound
    msgs = said(ev, "ltx2")
    assert "reference voice: 1.50 s, 38 audio tokens before the take's; identity guidance 3" in msgs
    assert any("no LoRA on the model" in t for t in msgs)
    # identity guidance 0: no extra call, the voice still read; the same seed and voice: the same take
    spies.clear()
    _, off = run(ltx2_a2v_dir, "speech", identity_guidance=0.0)
    assert len(spies) == plain_calls and all(c["audio_hidden_states"].shape[1] == n + take for c in spies)
    assert np.abs(off.samples - sound.samples).max() > 1e-5
    _, again = run(ltx2_a2v_dir, "speech", identity_guidance=0.0)
    assert np.array_equal(again.samples, off.samples)
    _, other = run(ltx2_a2v_dir, "other", identity_guidance=0.0)  # another voice: another sound
    assert np.abs(other.samples - off.samples).max() > 1e-5
    # image to video (LTX2ImageToVideoPipeline gives the transformer an audio timestep of its own), CFG on
    spies.clear()
    clip, sound = run(ltx2_a2v_dir, "speech", steps=1, guidance=2.0, image=True)
    assert sound.n_samples == plain_sound.n_samples and clip.n_frames == 9
    assert [c["audio_hidden_states"].shape[:2] for c in spies] == [(2, n + take), (1, take), (1, n + take),
                                                                   (1, n + take)]  # CFG's, without, STG, modality
    assert not spies[0]["audio_timestep"][:, :n].any() and float(spies[0]["audio_timestep"][:, n:].min()) > 0


def test_without_a_voice_the_node_is_the_pipeline_called_directly(ltx2_a2v_dir, pipe, monkeypatch):
    import torch
    from diffusers import LTX2Pipeline
    seeds, orig = spy_call(monkeypatch, LTX2Pipeline)
    clip, sound = run(ltx2_a2v_dir, None, identity_guidance=7.0, identity_start=0.2, identity_end=0.4)
    monkeypatch.setattr(LTX2Pipeline, "__call__", orig)
    out = pipe(prompt=ARGS["prompt"], negative_prompt=None, height=32, width=32, num_frames=9, frame_rate=24.0,
               num_inference_steps=2, guidance_scale=1.0, audio_guidance_scale=1.0, max_sequence_length=32,
               generator=torch.Generator().manual_seed(seeds[0]), output_type="np")
    assert np.array_equal(clip.frames, np.clip(np.asarray(out.frames[0], np.float32), 0, 1))
    assert np.array_equal(sound.samples, np.clip(out.audio[0].float().numpy().T, -1, 1))


def test_a_mono_voice_of_another_rate_is_resampled_and_spread_and_said(ltx2_a2v_dir):
    ev = []
    run(ltx2_a2v_dir, "mono8k", ev, steps=1, identity_guidance=0.0)
    msgs = said(ev, "ltx2")
    assert "mono reference voice: given to each of the 2 channels of LTX-2's audio encoder" in msgs
    assert "the reference voice is resampled from 8000 Hz to 16000 Hz (LTX-2's audio encoder)" in msgs


class _WithoutAudio(Node):
    """The model on its input as an LTX-2 without an audio VAE (a copy of the pipeline object: the
    cached model is left as it is)."""
    id = "test.ltx2_without_audio"
    inputs = (In("model", "Video Model"),)
    outputs = (Out("model", "Video Model"),)

    def run(self, ctx, model):
        module = copy.copy(model.module)
        module.__dict__["audio_vae"] = None
        return dataclasses.replace(model, module=module)


if _WithoutAudio.id not in default_registry():
    default_registry().register(_WithoutAudio)


def run_without_audio(model):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    cut = g.add_node(_WithoutAudio.id)
    gen = g.add_node("video_models.ltx2", dict(ARGS, steps=1, sound="voice"), node_id="ltx2")
    v = g.add_node("test.ltx2_ref_voice", {"kind": "speech"})
    g.connect(load.id, "model", cut.id, "model")
    g.connect(cut.id, "model", gen.id, "model")
    g.connect(v.id, "audio", gen.id, "audio")
    Executor().run(g, targets=["ltx2"], device="cpu")


def test_bad_voices_are_refused_naming_the_node(ltx2_a2v_dir, ltx2_dir, monkeypatch):
    from nodes.video_models.sampling.sampler import Sampler
    made = counted_inits(monkeypatch, Sampler)
    with pytest.raises(NodeExecutionError, match=NODE + r"the reference voice lasts 0\.50 s: give at least 1 s of "
                                                        r"speech \(the ID-LoRA was trained on about 5 s\)$"):
        run(ltx2_a2v_dir, "short", steps=1)
    with pytest.raises(NodeExecutionError, match=NODE + "the reference voice is silent: give a clip of the voice "
                                                        "speaking$"):
        run(ltx2_a2v_dir, "silent", steps=1)
    with pytest.raises(NodeExecutionError, match=NODE + r"identity_start \(0\.6\) is after identity_end \(0\.3\)"):
        run(ltx2_a2v_dir, "speech", steps=1, identity_start=0.6, identity_end=0.3)
    with pytest.raises(NodeExecutionError, match=NODE + r"model '.*tiny-ltx2-a2v' has no audio VAE \(a model "
                                                        r"without sound\): a reference voice needs LTX-2\.3"):
        run_without_audio(ltx2_a2v_dir)
    assert made == []  # all refused before the sampler is made
    # an audio VAE that does not encode as LTX-2's (one level: 8 mel bins kept, 16 wide, not the 4 read)
    with pytest.raises(NodeExecutionError, match=NODE + "the audio VAE makes audio tokens 16 wide and the "
                                                        "transformer reads 4"):
        run(ltx2_dir, "speech", steps=1)
