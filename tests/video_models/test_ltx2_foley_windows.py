"""LTX-2 Sound for Clip in windows (foley_windows.py; the LTX-2.3 Foley pack's window length and overlap): a clip
longer than 'window_frames' is scored in overlapping windows of that length, one call each holding that window's
frames, the sounds crossfaded over the frames neighbours share into one as long as the whole clip, which comes out
whole and unchanged. The schedule and the crossfade by themselves, then on the tiny random LTX-2 built from configs
(the existing Sound for Clip tests' model), on the CPU."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.families.ltx2.foley_windows import joined, overlap_frames, starts, window_length
from studio.core.values import Audio
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

SIDE, FPS, RATE = 64, 12.0, 1000


def test_windows_cover_the_clip_each_sharing_at_least_the_overlap_with_the_next():
    assert window_length(145) == 145 and window_length(150) == 145 and window_length(3) == 9 and window_length(0) == 0
    assert overlap_frames(145, 0.5, 24.0) == 12 and overlap_frames(9, 10.0, 24.0) == 1  # (at most the window less 8)
    assert starts(145, 145, 12) == [0] and starts(100, 145, 12) == [0] and starts(30, 0, 3) == [0]
    for total, window, overlap in ((30, 9, 3), (100, 17, 5), (1500, 257, 25), (300, 145, 12), (146, 145, 12)):
        s = starts(total, window, overlap)
        assert s[0] == 0 and s[-1] + window == total
        assert all(s[i] + window - s[i + 1] >= overlap for i in range(len(s) - 1))
        assert len(s) < 3 or (total - window) / (len(s) - 2) > window - overlap  # (one fewer would share less)


def _sound(value: float, frames: int = 9) -> Audio:
    return Audio(np.full((int(round(frames / FPS * RATE)), 2), value, np.float32), RATE)


def test_the_sounds_are_crossfaded_over_the_frames_they_share_into_one_as_long_as_the_clip():
    s = starts(30, 9, 3)  # [0, 5, 10, 16, 21]
    same = joined([(a, _sound(0.5)) for a in s], FPS, 30, 9)
    assert same.n_samples == round(30 / FPS * RATE) and same.channels == 2
    assert np.allclose(same.samples, 0.5)  # (the weights add to one wherever windows meet: nothing louder or softer)
    ramp = joined([(a, _sound(float(i))) for i, a in enumerate(s)], FPS, 30, 9).samples[:, 0]
    assert ramp[0] == 0.0 and ramp[-1] == 4.0 and np.all(np.diff(ramp) >= -1e-6)
    shared = ramp[round(5 / FPS * RATE):round(9 / FPS * RATE)]  # frames 5-8: windows 1 and 2 crossfaded
    assert 0.0 < shared[0] < 0.2 and 0.8 < shared[-1] < 1.0
    with pytest.raises(ValueError, match="window 2's sound"):
        joined([(0, _sound(0.1)), (5, Audio(np.zeros((750, 1), np.float32), RATE))], FPS, 14, 9)


pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def ltx2_dir(tiny):
    return tiny("ltx2", "tiny-ltx2-v2v", real_compression=True, audio_encoder=False)


def _frames(n: int):
    return np.random.RandomState(4).rand(n, SIDE, SIDE, 3).astype(np.float32)


def _graph(model_dir, n, **p):
    clip = source(f"test.ltx2_foley_windows_{n}", "video", "Video", lambda q: ArrayClip(_frames(n), FPS))
    params = {"steps": 2, "guidance": 3.0, "prompt": "footsteps", "preview_size": "off", "seed": 5,
              "negative_prompt": "", **p}
    return model_graph(model_dir, "video_models.ltx2_foley", params, video=(clip, "video"))


def _first_frame(kw):
    c = kw["conditions"][0]
    return kw["num_frames"], len(c.frames), np.asarray(c.frames[0], np.float32) / 255.0


def test_a_long_clip_is_scored_in_windows_and_comes_out_whole_with_one_sound(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls, _ = spy_call(monkeypatch, LTX2ConditionPipeline, _first_frame)
    clip, said = render(Executor(), _graph(ltx2_dir, 40, window_frames=20, overlap=0.25))  # 17 frames, 3 shared
    firsts = starts(40, 17, 3)
    assert firsts == [0, 12, 23]
    assert [(n, k) for n, k, _ in calls] == [(17, 17)] * 3  # one call per window, its 17 frames held
    for (_, _, first), a in zip(calls, firsts):  # each window's own frames (8-bit as the pipeline takes them)
        assert np.abs(first - _frames(40)[a]).max() < 1 / 255 + 1e-6
    assert clip.n_frames == 40 and np.array_equal(clip.chunk(0, 40), _frames(40))  # whole, not cut to 8n+1
    assert clip.audio is not None and abs(clip.audio.duration - 40 / FPS) < 0.01
    assert np.abs(clip.audio.samples).max() > 0
    assert any("scored in 3 windows of 17 frames" in t and "(starting at frames 0, 12, 23)" in t and
               "at least 3 frames" in t for t in said), said


def test_window_frames_0_scores_the_whole_clip_in_one_call(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls, _ = spy_call(monkeypatch, LTX2ConditionPipeline, _first_frame)
    clip, said = render(Executor(), _graph(ltx2_dir, 30, window_frames=0))
    assert [(n, k) for n, k, _ in calls] == [(25, 25)]  # (its first 8n+1 frames, as before)
    assert clip.n_frames == 25 and not any("windows" in t for t in said), said
