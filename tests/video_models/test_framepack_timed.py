"""Framepack's timed prompts and keyframes (issue 112, timed.py) on the tiny random model, CPU: a take of four
sections (20 frames, window 2: a section is 8 frames, 0.27 s at 30 fps). No timed prompt and no keyframe is
today's call, unhooked, frame for frame; a timed prompt from 0.5 s changes only the sections from the third on
(forward 'vanilla' order: the earlier ones are made first and never see it); a keyframe at 0.3 s changes its
section (the second) and not the first; the hooks are gone after the run."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render

pytest.importorskip("diffusers")
BASE = {"width": 32, "height": 32, "frames": 20, "window": 2, "steps": 1, "guidance": 6.0,
        "prompt": "a red fox running", "seed": 4, "sampling": "vanilla"}
SECTION = 8  # frames a section adds (window 2 x the VAE's 4)


def _still(seed: int) -> np.ndarray:
    return (np.random.RandomState(seed).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


FIRST = source("test.framepack_timed_first", "image", "Image", lambda p: _still(6))
KEY = source("test.framepack_timed_key", "image", "Image", lambda p: _still(9))


def _take(tiny, **params):
    feeds = {"image": (FIRST, "image")}
    if "key_1_at" in params:
        feeds["key_1"] = (KEY, "image")
    clip, said = render(Executor(), model_graph(tiny("framepack"), "video_models.framepack", {**BASE, **params},
                                                **feeds))
    return np.asarray(clip.frames), said


@pytest.fixture(scope="module")
def plain(tiny):
    return _take(tiny)[0]


def test_sections_and_timed_lines():
    from studio.core.errors import StudioError
    from nodes.video_models.families.framepack.timed import parse_timed, prompt_per_section, section_of
    assert parse_timed("2.5s: b\n\n0: a") == [(0.0, "a"), (2.5, "b")]
    with pytest.raises(StudioError, match="line 1"):
        parse_timed("soon: a")
    assert prompt_per_section("p", [(0.5, "b")], 4, 2, 30.0) == ["p", "p", "b", "b"]
    assert [section_of(t, 4, 2, 30.0) for t in (0.0, 0.26, 0.27, 0.3, 5.0)] == [0, 0, 1, 1, 4]


def test_a_timed_prompt_changes_only_the_sections_from_its_second(tiny, plain):
    timed, said = _take(tiny, prompts="0.5: a blue cat sleeping")
    assert timed.shape == plain.shape and not [s for s in said if "not used" in s]
    same = [bool(np.array_equal(a, b)) for a, b in zip(timed, plain)]
    # sections 0 and 1 (frames up to 2 x 8, less the 5 frames the third section's decode blends into) unchanged
    assert all(same[:2 * SECTION - 4]) and not all(same[2 * SECTION:])


def test_the_seconds_are_counted_at_timed_fps_where_given(tiny):
    """Played at 15 fps, 0.5 s is the second section's start (0.53 s): with timed_fps 30 it is counted at 30
    fps (ComfyUI's forks' seconds), the take the one at 30 fps."""
    at30, _ = _take(tiny, prompts="0.5: a blue cat sleeping")
    at15, _ = _take(tiny, prompts="0.5: a blue cat sleeping", fps=15.0)
    counted, _ = _take(tiny, prompts="0.5: a blue cat sleeping", fps=15.0, timed_fps=30.0)
    assert np.array_equal(counted, at30) and not np.array_equal(at15, at30)


def test_a_timed_prompt_that_is_the_prompt_is_todays_take(tiny, plain):
    again, _ = _take(tiny, prompts="0: a red fox running")
    assert np.array_equal(again, plain)


def test_a_keyframe_changes_its_section_and_not_the_one_before(tiny, plain):
    keyed, said = _take(tiny, key_1_at=0.3)
    same = [bool(np.array_equal(a, b)) for a, b in zip(keyed, plain)]
    assert all(same[:SECTION - 4]) and not all(same[SECTION:2 * SECTION])
    assert np.array_equal(_take(tiny)[0], plain)  # the hooks gone with the run (the loaded pipeline is kept)


def test_in_the_anti_drifting_order_a_keyframe_changes_its_section_and_not_those_made_before_it(tiny):
    """Anti-drifting: the last section is made first, so a keyframe in the second section (made third of four)
    leaves the last section (made first) as it was, and changes its own."""
    plain = _take(tiny, sampling="inverted_anti_drifting", frames=33)[0]
    keyed = _take(tiny, sampling="inverted_anti_drifting", frames=33, key_1_at=0.3)[0]
    same = [bool(np.array_equal(a, b)) for a, b in zip(keyed, plain)]
    assert len(same) == 33 and all(same[3 * SECTION:]) and not all(same[SECTION:2 * SECTION])


def test_a_keyframe_past_the_take_is_said_and_not_used(tiny, plain):
    late, said = _take(tiny, key_1_at=9.0)
    assert np.array_equal(late, plain)
    assert any("'key_1' at 9 s is after the take's 4 sections: not used" in s for s in said)
