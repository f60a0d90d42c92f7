"""Prompt Schedule: keyframes, beats, onsets and loudness into per-frame prompt weights; a video
model follows it window by window (a beat at frame k changes the prompt embeddings of the window
holding frame k; the picture is cross-faded over the windows' overlap)."""
from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

from nodes.video_models.sampling import schedule as S
from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.core.values import Features
from studio.engine.executor import Executor
from tests.helpers import validate_errors
from tests.node_run import run_node
from tests.sources import source

from .test_vace import vace_graph

BEAT = 9


def _beats(n=13, at=(BEAT,)):
    b = np.zeros(n, np.float32)
    b[list(at)] = 1
    loud = np.linspace(0, 1, n, dtype=np.float32)
    return Features(torch.as_tensor(np.stack([b, loud], -1)), per_frame=True, fps=12.0, names=["beat", "loudness"],
                    extras={"beat": torch.as_tensor(b), "loudness": torch.as_tensor(loud)})


MUSIC = source("test.schedule_music", "features", "Features", lambda p: _beats())


def test_keyframes_beats_onsets_and_loudness():
    k = run_node(S.PromptSchedule, {"prompts": "0: a red fox\n6: a blue cat @ 0.5", "blend": 2})
    w = k.data.numpy()
    assert k.names == ["a red fox", "a blue cat"] and len(w) == 7
    assert np.array_equal(w[:6, 0], np.ones(6)) and np.isclose(w[6, 1], 1 / 3)  # fades in over 'blend' frames
    assert k.extras["strength"][5] == 1.0 and k.extras["strength"][6] == 0.5
    b = run_node(S.PromptSchedule, {"mode": "beats", "prompts": "a red fox\na blue cat"}, features=_beats(at=(3, 7)))
    idx = b.data.numpy().argmax(1)
    assert idx.tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]  # each beat moves on, on its frame
    two = run_node(S.PromptSchedule, {"mode": "beats", "every": 2, "prompts": "a\nb"}, features=_beats(at=(3, 7)))
    assert two.data.numpy().argmax(1).tolist() == [0] * 7 + [1] * 6
    ld = run_node(S.PromptSchedule, {"mode": "loudness", "prompts": "quiet\nloud"}, features=_beats())
    assert np.allclose(ld.data.numpy()[:, 1], np.linspace(0, 1, 13)) and np.allclose(ld.data.numpy().sum(1), 1)
    with pytest.raises(StudioError, match="follows the music"):
        run_node(S.PromptSchedule, {"mode": "onsets", "prompts": "a"})
    with pytest.raises(StudioError, match="is not 'frame: prompt'"):
        run_node(S.PromptSchedule, {"prompts": "zero: a fox"})


def test_a_beat_switches_the_window_holding_it_and_the_blend_spans_the_overlap(vace_dir, monkeypatch):
    from diffusers import WanVACEPipeline

    from nodes.video_models.sampling import sampler as sampling
    calls, outs = [], []
    orig_call, orig_window = WanVACEPipeline.__call__, sampling.Sampler.run_window

    @functools.wraps(orig_call)
    def spy(self, *a, **kw):
        calls.append(kw)
        return orig_call(self, *a, **kw)

    def spy_window(self, *a, **kw):
        out = orig_window(self, *a, **kw)
        outs.append(out)
        return out
    monkeypatch.setattr(WanVACEPipeline, "__call__", spy)
    monkeypatch.setattr(sampling.Sampler, "run_window", spy_window)
    g, _, gen = vace_graph(vace_dir, mask=False, ref=False, frames=13, window=5, overlap=2, steps=1,
                           long_take="separate shots")  # windows made apart, blended (VACE's auto: continue)
    music = g.add_node("test.schedule_music")
    sched = g.add_node("video_models.prompt_schedule", {"mode": "beats", "prompts": "a red fox\na blue cat"})
    g.connect(music.id, "features", sched.id, "features")
    g.connect(sched.id, "schedule", gen.id, "schedule")
    clip = Executor().run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert clip.n_frames == 13 and len(calls) == 4  # windows at 0, 3, 6, 8 (own frames 0-4, 5-7, 8-10, 11-12)
    pipe = WanVACEPipeline.from_pretrained(vace_dir)
    with torch.inference_mode():
        fox = pipe.encode_prompt("a red fox", do_classifier_free_guidance=False)[0]
        cat = pipe.encode_prompt("a blue cat", do_classifier_free_guidance=False)[0]
    emb = [c["prompt_embeds"] for c in calls]
    assert torch.equal(emb[0], fox) and torch.equal(emb[1], fox)  # before the beat: the first prompt
    # the window holding frame 9 (its own frames 8-10: one before the beat, two from it) switches
    assert torch.allclose(emb[2], fox / 3 + cat * 2 / 3, atol=1e-6) and not torch.allclose(emb[2], fox)
    assert torch.equal(emb[3], cat)  # after it: the second prompt
    # the picture: frames 6-7, shared by windows 2 and 3, are a cross-fade of the two windows' frames
    ramp = np.float32([1 / 3, 2 / 3])[:, None, None, None]
    assert np.allclose(clip.frames[6:8], np.clip(outs[1][3:5] * (1 - ramp) + outs[2][0:2] * ramp, 0, 1), atol=1e-6)
    assert np.allclose(clip.frames[11:13], np.clip(outs[3][3:5], 0, 1))


def _t2v(model, **params):
    g = Graph()
    load = g.add_node("video_models.load", {"model": model})
    gen = g.add_node("video_models.text_to_video", dict({"prompt": "a red fox", "steps": 1, "width": 32, "height": 32,
                                                          "frames": 1, "guidance": 1.0, "seed": 5, "previews": False,
                                                          "preview_size": "off"}, **params), node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g, gen


def test_an_ltx2_model_follows_a_schedule_with_its_attention_masks(ltx2_dir):
    """Issue 43 (6): LTX-2 (an attention-masked encoder) failed with diffusers' "Must provide
    prompt_attention_mask"; the masks now go with the embeddings: a one-prompt schedule makes the
    frames the prompt makes, and two prompts mix their embeddings over both prompts' tokens."""
    from types import SimpleNamespace

    from tests.node_run import Recorder
    ex = Executor()
    g, gen = _t2v(ltx2_dir)
    plain = ex.run(g, targets=[gen.id], device="cpu").value(gen.id).frames
    sched = g.add_node("video_models.prompt_schedule", {"prompts": "0: a red fox"})
    g.connect(sched.id, "schedule", gen.id, "schedule")
    assert np.array_equal(ex.run(g, targets=[gen.id], device="cpu").value(gen.id).frames, plain)
    load = next(iter(g.nodes))
    ref = ex.run(g, targets=[load], device="cpu").value(load, "model")
    two = run_node(S.PromptSchedule, {"prompts": "0: a red fox\n1: a blue cat and a very long prompt"})
    rec = Recorder()
    ctx = SimpleNamespace(warn=rec.emit, info=rec.emit, params=SimpleNamespace(guidance=1.0))
    sp = S.ScheduledPrompts(ctx, SimpleNamespace(pipe=ref.module, ref=ref, fam=ref.fam), two, "", "", 2, 2, 0)
    kw = sp.window(0)
    (fox, cat), (m_fox, m_cat) = sp.embeds, sp.masks
    assert torch.allclose(kw["prompt_embeds"], fox * 0.5 + cat * 0.5)
    assert torch.equal(kw["prompt_attention_mask"], torch.maximum(m_fox, m_cat)) and not torch.equal(m_fox, m_cat)


def _validate(node_type: str, params: dict) -> list[str]:
    """What validate (the compile's checks, no run) says of one node."""
    g = Graph()
    g.add_node(node_type, params, node_id="n")
    return validate_errors(g)


@pytest.mark.parametrize("line,why", [("0: a fox @ nan", "strength"), ("0: a fox @ -5", "strength"),
                                      ("0: a fox @ inf", "strength"), ("3: a fox @ 1e9", "strength"),
                                      ("200000000: a fox", "frame must be from 0 to 99,999"),
                                      ("-100: a fox", "frame must be from 0"), ("zero: a fox", "is not 'frame")])
def test_bad_numbers_in_the_keys_are_refused_at_validate_by_the_schedule(line, why):
    """Issue 43 (5, 6): strengths nan / -5 rendered silently and inf failed only at Save Video; a
    key at frame 200,000,000 made arrays that long (5.95 GB for a 5-frame render)."""
    said = _validate("video_models.prompt_schedule", {"prompts": f"0: a cat\n{line}"})
    assert len(said) == 1 and said[0].startswith("'Prompt Schedule' (n): 'prompts': ") and why in said[0], said
    with pytest.raises(StudioError, match=f"'prompts': .*{why.split()[0]}"):
        run_node(S.PromptSchedule, {"prompts": line})
    assert _validate("video_models.prompt_schedule", {"prompts": "0: a cat\n99999: a fox @ 10"}) == []


def test_keys_past_the_schedule_or_the_clip_are_said_not_used():
    from tests.node_run import Recorder
    rec = Recorder()
    k = run_node(S.PromptSchedule, {"prompts": "0: a cat\n5: a fox\n90: a dog", "frames": 10}, runtime=rec)
    assert len(k.data) == 10 and k.names == ["a cat", "a fox", "a dog"]
    assert rec.messages("warning") == ["1 prompt key at frame 90 comes after the schedule's 10 frames ('frames' or "
                                       "the features' length): not used"]


def test_weights_and_keys_are_made_without_a_loop_per_frame():
    """Issue 43 (7): 12,000 alternating keys with blend 1000 took 169 s in a Python loop per switch
    and blended frame; vectorised, the same weights as that loop (kept here as the reference)."""
    def loop(index, n_prompts, blend):
        t = len(index)
        w = np.zeros((t, n_prompts), np.float32)
        w[np.arange(t), index] = 1.0
        out = w.copy()
        for k in np.nonzero(index[1:] != index[:-1])[0] + 1:
            for j in range(min(blend, t - k)):
                a = (j + 1) / (blend + 1)
                out[k + j] = (1 - a) * w[k - 1] + a * w[k + j]
        return out
    rng = np.random.default_rng(0)
    for _ in range(50):
        t, p, blend = int(rng.integers(2, 60)), int(rng.integers(1, 4)), int(rng.integers(1, 9))
        index = np.repeat(rng.integers(0, p, t), rng.integers(1, 4, t))[:t]
        assert np.array_equal(S.switches_to_weights(index, p, blend), loop(index, p, blend))
    keys = S.parse_keys("\n".join(f"{8 * k}: {'a fox' if k % 2 else 'a cat'} @ {k % 3}" for k in range(12000)))
    prompts, index, strength = S.keys_to_index(keys, 96000)
    assert prompts == ["a cat", "a fox"] and index[8 * 11999] == 1 and index[8 * 11998 + 7] == 0
    assert strength[8 * 11999 + 3] == 11999 % 3 and strength.dtype == np.float32
