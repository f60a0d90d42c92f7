"""Wan VACE keeps a run of a clip's frames as keyframes (vacerange24: a loop bridge's START, a clip's last frames,
at the take's start and its END, the clip's first frames, at the take's end): 'AT=F..G' puts the clip's frames F to
G at AT, AT+1, ... with mask 0 there, grey and mask 1 between; the tiny VACE pipeline is given exactly that. Other
generators refuse a run in words; a run outside the clip or the take is refused before sampling."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import ParamRangeError, StudioError
from studio.core.params import frame_marks, frame_runs
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.base.calls import to_pil

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")


def _frame(i: int) -> np.ndarray:
    return np.full((16, 16, 3), 0.1 * (i + 1), np.float32)


def _graph(model, keyframes: str, node="video_models.wan_vace", frames=9):
    clip = source("test.run_clip", "video", "Video", lambda p: ArrayClip(np.stack([_frame(i) for i in range(4)]), 8.0))
    return model_graph(model, node, {"frames": frames, "width": 16, "height": 16, "steps": 1, "guidance": 1.0,
                                     "prompt": "a red fox", "previews": False, "preview_size": "off", "seed": 5,
                                     "keyframes": keyframes},
                       keyframe_1=(clip, "video"), keyframe_2=(clip, "video"))


def test_frame_runs_read_a_run_of_a_clip_and_marks_keep_its_first_frame():
    assert frame_runs("0=-15..last, -15=0..14; 3") == [(0, -15, -1), (-15, 0, 14), (3, 0, None)]
    assert frame_marks("0=-15..last, 96=-1") == [(0, -15), (96, -1)]
    for bad in ("0..3", "1=2..3..4", "1=..3"):
        with pytest.raises(ParamRangeError, match="'AT=F..G'|'=F..G' its frames F to G"):
            frame_runs(bad)


def test_vace_keeps_runs_of_a_clip_at_the_take_start_and_end(vace_dir, monkeypatch):
    from diffusers import WanVACEPipeline
    calls = spy_call(monkeypatch, WanVACEPipeline, lambda k: k)[0]
    g = _graph(vace_dir, "0=-2..last, -3=0..2")  # the clip's last 2 at 0-1, its first 3 at 6-8 of 9
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert len(calls) == 1 and clip.n_frames == 9
    grey, made, kept = np.full((16, 16, 3), 0.5, np.float32), np.ones((16, 16, 1)), np.zeros((16, 16, 1))
    video = [_frame(2), _frame(3), grey, grey, grey, grey, _frame(0), _frame(1), _frame(2)]
    mask = [kept, kept, made, made, made, made, kept, kept, kept]
    assert [np.asarray(v).tolist() for v in calls[0]["video"]] == [np.asarray(to_pil(v)).tolist() for v in video]
    assert [np.asarray(m).tolist() for m in calls[0]["mask"]] == [np.asarray(to_pil(m)).tolist() for m in mask]


@pytest.mark.parametrize("keys, match", [
    ("0=-2..last, -3=0..5", r"'keyframe_2': frame 5 of its clip is asked but the clip has 4 frames"),
    ("0=0..3, 2=0..1", r"two keyframes at frame 2 \('keyframe_1' and 'keyframe_2'\)"),
    ("0=0..1, -1=0..1", r"keyframe at frame 9 is outside the clip of 9 frames"),
    ("0=2..1, 5", r"its run '2..1' ends before it starts"),
])
def test_a_run_outside_its_clip_or_the_take_is_refused_before_sampling(vace_dir, monkeypatch, keys, match):
    from diffusers import WanVACEPipeline
    calls = spy_call(monkeypatch, WanVACEPipeline, lambda k: k)[0]
    with pytest.raises(StudioError, match=match):
        Executor().run(_graph(vace_dir, keys), targets=["gen"], device="cpu", use_cache=False)
    assert calls == []


def test_a_generator_without_vace_refuses_a_run_in_words(ltx_dir, monkeypatch):
    from diffusers import LTXConditionPipeline
    calls = spy_call(monkeypatch, LTXConditionPipeline, lambda k: k)[0]
    g = _graph(ltx_dir, "0=-2..last, -1", node="video_models.text_to_video", frames=9)
    with pytest.raises(StudioError, match=r"'keyframe_1': a run of a clip's frames \('0=-2..-1'\) is kept by Wan VACE"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert calls == []
