"""The frames a generator's run makes, foreseen before it runs (sampling/take_length.py) for the memory
a job holds (studio.engine.held): 'frames' 0 is the model's own length, a wired source clip's or a
voice's, and never fewer than one pipeline call makes. Plain functions: no model."""
from __future__ import annotations

from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.families.wan.talk.talk import InfiniteTalk
from nodes.video_models.sampling.generators import TextToVideo, VideoToVideo
from nodes.video_models.sampling.take_length import foreseen_take, frames_made

WAN = {"model": {"family": "wan"}}  # the loader's foresight of a Wan folder


def test_frames_zero_is_the_models_own_length_not_one_frame():
    assert foreseen_take(TextToVideo, {"frames": 0}, WAN) == {"video": {"frames": FAMILIES["wan"].frames}}
    assert foreseen_take(TextToVideo, {"frames": 0}, {}) == {}  # no model foreseen: left to the run


def test_frames_zero_takes_the_wired_clips_or_voices_length():
    assert foreseen_take(VideoToVideo, {"frames": 0}, {**WAN, "video": {"frames": 201}})["video"]["frames"] == 201
    voices = {**WAN, "speech": {"frames": 97}, "speech_2": {"frames": 161}}
    assert foreseen_take(InfiniteTalk, {"frames": 0}, voices)["video"]["frames"] == 161  # the longer voice


def test_never_fewer_than_one_call_makes():
    assert frames_made(FAMILIES["wan"], {"frames": 10}, {}, ()) == 13  # Wan's call makes 4k+1 frames, cut after
    assert frames_made(FAMILIES["cogvideox"], {"frames": 100}, {}, ()) == 100  # windows of 49: the clip's 100
    assert frames_made(None, {"frames": 10}, {}, ()) == 10
