"""InfiniteTalk's most_frames (heldout69): with frames 0 the take lasts as long as the voice, at most most_frames
- the same frames as a take asked for that many; 0 no limit; Speech Features told to read only the capped span.
Tiny random models (tests/video_models/test_infinitetalk.py's)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")
pytest.importorskip("einops")

from tests.video_models.test_infinitetalk import VOICES, _features, _graph, models  # noqa: E402,F401 (fixture)


def test_a_capped_take_is_the_take_of_that_many_frames_and_no_cap_is_the_voices_length(models):  # noqa: F811
    from studio.engine.executor import Executor
    model_dir, patch_path = models
    VOICES.update(a=_features(0))  # 11 frames of voice: 9 made (4k+1)
    run = lambda **p: Executor().run(_graph(model_dir, patch_path, **p), targets=["gen"], device="cpu",  # noqa: E731
                                     use_cache=False).value("gen")
    capped, asked, whole = run(most_frames=5), run(frames=5), run(most_frames=0)
    assert (capped.n_frames, asked.n_frames, whole.n_frames) == (5, 5, 9)
    assert np.allclose(capped.frames, asked.frames, atol=1e-6)
    assert run(most_frames=40).n_frames == 9  # a cap past the voice: the voice's length


def test_speech_features_reads_only_the_capped_span():
    from nodes.video_models.families.wan.talk.talk import InfiniteTalk
    assert InfiniteTalk.voice_seconds({"frames": 0, "most_frames": 275, "fps": 25.0}) == 11.0
    assert InfiniteTalk.voice_seconds({"frames": 0, "most_frames": 0, "fps": 25.0}) is None
    assert InfiniteTalk.voice_seconds({"frames": 50, "most_frames": 275, "fps": 25.0}) == 2.0
