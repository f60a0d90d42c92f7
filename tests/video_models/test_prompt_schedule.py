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
from studio.core.registry import default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Features
from studio.engine.executor import Executor
from tests.node_run import run_node

from .test_vace import vace_graph

BEAT = 9


def _beats(n=13, at=(BEAT,)):
    b = np.zeros(n, np.float32)
    b[list(at)] = 1
    loud = np.linspace(0, 1, n, dtype=np.float32)
    return Features(torch.as_tensor(np.stack([b, loud], -1)), per_frame=True, fps=12.0, names=["beat", "loudness"],
                    extras={"beat": torch.as_tensor(b), "loudness": torch.as_tensor(loud)})


class _Music(Node):
    id = "test.schedule_music"
    timing = SOURCE
    outputs = (Out("features", "Features"),)

    def run(self, ctx):
        return _beats()


if _Music.id not in default_registry():
    default_registry().register(_Music)


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
    g, _, gen = vace_graph(vace_dir, mask=False, ref=False, frames=13, window=5, overlap=2, steps=1)
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

