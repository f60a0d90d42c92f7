"""The voice check the three voice-driven nodes share (base/voice.py): the voice's frames from Speech
Features' voice_frames at the node's frame rate, a silent voice and one shorter than the take refused
in one wording naming the node."""
from __future__ import annotations

import inspect

import pytest
import torch

from nodes.video_models.base.voice import check_voice, too_short, voice_frames
from studio.core.errors import StudioError
from studio.core.values import Features


def _f(n=30, fps=30.0, **extras):
    return Features(torch.zeros(n, 4), per_frame=True, fps=fps, extras=extras)


def test_voice_frames_count_the_voice_at_the_nodes_rate():
    assert voice_frames(_f(30, voice_frames=21)) == 21  # at the features' own rate
    assert voice_frames(_f(30, voice_frames=21), 16.0) == 11  # 21 / 30 s = 0.7 s: 11 whole frames at 16 fps
    assert voice_frames(_f(30), 16.0) == 16  # no voice_frames: every frame is voice
    assert voice_frames(_f(10, voice_frames=99)) == 10  # never more than the features hold


def test_silent_and_short_voices_are_refused_in_one_wording():
    with pytest.raises(StudioError, match=r"^Node A: the voice is silent \(no sample above -80 dBFS\): there is no "
                                          r"speech to drive the take"):
        check_voice(_f(silent=True), "Node A", 5)
    with pytest.raises(StudioError, match=r"^Node B: the voice covers 11 frames \(0.69 s at 16 fps\) but the take is "
                                          r"12: set 'frames' to 9 or fewer, or give a longer voice"):
        check_voice(_f(30, voice_frames=21), "Node B", 12, 16.0, fit=lambda h: 4 * ((h - 1) // 4) + 1)
    assert check_voice(_f(30, voice_frames=21), "Node B", 0, 16.0) == 11  # 0: the voice's length
    with pytest.raises(StudioError, match="covers 2 frames .* the take is 5: give a longer voice$"):
        too_short("Node C", 2, 5, 25.0, fit=lambda h: 0)  # no take fits: no 'frames' to offer


def test_the_three_voice_nodes_use_the_shared_check():
    from nodes.video_models.families.wan.humo import humo_node
    from nodes.video_models.families.wan.talk import talk
    from nodes.video_models.families.wan_s2v import node as s2v
    for mod in (s2v, talk, humo_node):
        src = inspect.getsource(mod)
        assert "check_voice(" in src and "the voice is silent" not in src, mod.__name__
