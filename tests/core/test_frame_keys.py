"""Segment's clicks and Control Mask's shape keys as text: what the viewer writes the node reads back."""
from __future__ import annotations

import pytest

from studio.core.errors import StudioError
from studio.core.frame_keys import (FramePrompt, format_polygon_keys, format_prompts, format_shape_keys,
                                    parse_polygon_keys, parse_prompts, parse_shape_keys, polygon_at, shape_at)


def test_prompts_read_back_what_is_written():
    p = parse_prompts("12: box 0.3 0.3 0.6 0.7, 0.5 0.5; 0: +0.52 0.40, -0.10 0.20")
    assert list(p) == [0, 12]  # by frame
    assert p[0] == FramePrompt([(0.52, 0.4, True), (0.1, 0.2, False)])
    assert p[12] == FramePrompt([(0.5, 0.5, True)], (0.3, 0.3, 0.6, 0.7))  # no sign: keep
    assert parse_prompts(format_prompts(p)) == p
    assert parse_prompts("") == {} and format_prompts({3: FramePrompt()}) == ""


@pytest.mark.parametrize("text, words", [
    ("0: +1.2 0.5", "outside the frame"), ("4: -0.5 -0.01", "outside the frame"),
    ("0: box 0.1 0.1 1.5 0.5", "outside the frame"), ("0: box 0.5 0.1 0.2 0.5", "x0 < x1"),
    ("0: +0.5", "a click is"), ("x: +0.5 0.5", "is not 'frame:"), ("0: +a 0.5", "'a' is not a number"),
    ("0: box 0.1 0.1 0.2 0.2, box 0.3 0.3 0.4 0.4", "two boxes")])
def test_bad_prompts_say_what_is_wrong(text, words):
    with pytest.raises(StudioError, match=words):
        parse_prompts(text)


def test_shape_keys_round_trip_and_interpolate():
    keys = parse_shape_keys("10: 0.7 0.5 0.2 0.2; 0: 0.5 0.5 0.4 0.4")
    assert [f for f, _ in keys] == [0, 10]
    assert parse_shape_keys(format_shape_keys(keys)) == keys
    assert shape_at(keys, -3) == (0.5, 0.5, 0.4, 0.4) and shape_at(keys, 99) == (0.7, 0.5, 0.2, 0.2)
    assert shape_at(keys, 5) == pytest.approx((0.6, 0.5, 0.3, 0.3))
    with pytest.raises(StudioError, match="not 'frame: cx cy w h'"):
        parse_shape_keys("0: 0.5 0.5")


def test_polygon_keys_round_trip_and_move_point_by_point():
    keys = parse_polygon_keys("8: 0.3 0.2, 0.9 0.2, 0.6 0.6\n0: 0.1 0.2, 0.7 0.2, 0.4 0.8")
    assert keys == [(0, ((0.1, 0.2), (0.7, 0.2), (0.4, 0.8))), (8, ((0.3, 0.2), (0.9, 0.2), (0.6, 0.6)))]
    assert parse_polygon_keys(format_polygon_keys(keys)) == keys
    assert polygon_at(keys, -1) == keys[0][1] and polygon_at(keys, 9) == keys[1][1]
    mid = polygon_at(keys, 4)
    assert [tuple(round(c, 6) for c in xy) for xy in mid] == [(0.2, 0.2), (0.8, 0.2), (0.5, 0.7)]


@pytest.mark.parametrize("text, words", [
    ("", "no polygon: draw one"), ("0: 0.1 0.1, 0.5 0.5", "2 point\\(s\\): a polygon needs 3"),
    ("0: 0.1 0.1, 0.5 0.5, 0.2", "is not 'frame: x y, x y, x y'"), ("0: 0.1 0.1, 0.5 nan, 0.2 0.9", "not nan"),
    ("-2: 0.1 0.1, 0.5 0.5, 0.2 0.9", "0 or more"),
    ("0: 0.1 0.1, 0.5 0.5, 0.2 0.9; 5: 0.1 0.1, 0.5 0.5, 0.2 0.9, 0.3 0.3",
     "frame 5 has 4 points, the key at frame 0 has 3")])
def test_bad_polygon_keys_say_what_is_wrong(text, words):
    with pytest.raises(StudioError, match=words):
        parse_polygon_keys(text)
