"""Spline Tracks (nodes/motion/spline_tracks.py) and the editor's sampling (studio/core/spline_path.py): hand-computed
cases of the path each interpolation draws (lines; a cardinal's quadratic ends and cubic middles; tension 1 straight;
basis inside the points' hull), each sampling method (even along the length, even in x, per control-point pair, the
control points), the last point's y pinned as the editor pins it, whole pixels, and the text refused in words."""
from __future__ import annotations

import json

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.core.spline_path import read_splines, sampled, segments
from studio.engine.executor import Executor


def P(*xy):
    return [{"x": float(x), "y": float(y)} for x, y in xy]


def test_a_line_sampled_along_its_path_is_even():
    out = sampled(P((0, 0), (100, 0)), 11, "path", "linear", 0.5, 512)
    assert out.tolist() == [[10.0 * i, 0.0] for i in range(11)]


def test_a_corner_of_lines_is_walked_at_one_speed():
    out = sampled(P((0, 0), (100, 0), (100, 100)), 21, "path", "linear", 0.5, 512)
    assert out[10] == pytest.approx([100, 0]) and out[5] == pytest.approx([50, 0]) and out[15] == pytest.approx([100, 50])


def test_a_cardinal_spline_is_a_quadratic_then_cubics_then_a_quadratic_through_the_points():
    pts = P((0, 0), (100, 0), (200, 100), (300, 100))
    segs = segments(pts, "cardinal", 0.5)
    assert [len(s) for s in segs] == [3, 4, 3]
    t = 0.25 * (np.array([200, 100]) - np.array([0, 0]))  # (1 - tension) / 2 times the chord of the neighbours
    assert segs[0][1] == pytest.approx(np.array([100, 0]) - t * 2 / 3)
    assert segs[1][1] == pytest.approx(np.array([100, 0]) + t)
    for s, end in zip(segs, ([100, 0], [200, 100], [300, 100])):
        assert s[-1] == pytest.approx(end)  # through every control point
    straight = sampled(pts, 31, "path", "cardinal", 1.0, 512)  # tension 1: no tangents, straight between points
    assert sampled(pts, 31, "path", "linear", 0.5, 512) == pytest.approx(straight, abs=1e-6)


def test_a_basis_curve_starts_and_ends_on_its_points_and_cuts_the_corner():
    out = sampled(P((0, 0), (100, 100), (200, 0)), 41, "path", "basis", 0.5, 512)
    assert out[0] == pytest.approx([0, 0]) and out[-1] == pytest.approx([200, 0])
    assert out[:, 1].max() < 100 * 2 / 3 + 1  # the middle of a B-spline: 2/3 of the way to the middle point


def test_time_sampling_is_even_in_x_across_the_frame_and_the_last_y_is_the_last_points():
    out = sampled(P((0, 50), (512, 10)), 5, "time", "linear", 0.5, 512)
    assert np.abs(out[:, 0] - [0, 128, 256, 384, 512]).max() <= 0.5
    assert out[-1, 1] == 10.0


def test_speed_sampling_weighs_each_stretch_by_one_over_its_length():
    # the middle point placed at 9.9 (the nearest of 101 places 1.1 apart); the stretches weigh 1/9.9 and 1/100.1:
    # 91 % of the samples on the short one, so the track is slow there and leaps over the long one
    out = sampled(P((0, 0), (10, 0), (110, 0)), 5, "speed", "linear", 0.5, 512)
    assert out[:, 0] == pytest.approx([0, 2.7198, 5.4396, 8.1593, 110], abs=1e-3)


def test_control_points_are_the_points_and_one_point_is_held():
    assert sampled(P((1, 2), (3, 4), (5, 6)), 9, "controlpoints", "cardinal", 0.5, 512).tolist() == \
        [[1, 2], [3, 4], [5, 6]]
    assert sampled(P((7, 8)), 4, "path", "cardinal", 0.5, 512).tolist() == [[7, 8]] * 4


def test_the_node_gives_one_track_a_spline_in_whole_pixels():
    g = Graph()
    splines = json.dumps([{"points": P((0, 0), (100, 0))}, {"points": P((0, 10), (0, 10.4))}])
    g.add_node("motion.spline_tracks", {"splines": splines, "points": 3, "interpolation": "linear", "width": 200,
                                        "height": 100}, node_id="s")
    kp = Executor(frame_caching=False).run(g, device="cpu").value("s")
    assert kp.points.shape == (3, 2, 2) and (kp.width, kp.height) == (200, 100) and kp.visible.all()
    assert kp.points[:, 0].tolist() == [[0, 0], [50, 0], [100, 0]]
    assert kp.points[:, 1, 1].tolist() == [10, 10, 10]  # 10.2 rounded, as SplineEditor gives its coordinates


@pytest.mark.parametrize("text, words", [
    ("nope", "'splines' is not JSON"),
    ("[]", "'splines' has no splines"),
    ('[{"points": []}]', "spline 1 has no list of points"),
    ('[{"points": [{"x": 1}]}]', "spline 1, point 1 is not a point"),
])
def test_bad_splines_are_refused_in_words(text, words):
    with pytest.raises(StudioError, match=words):
        read_splines(text)


def test_the_editors_flat_list_of_points_is_one_spline():
    assert read_splines('[{"x": 1, "y": 2}, {"x": 3, "y": 4}]') == [(P((1, 2), (3, 4)), False)]


def test_uniform_catmull_rom_is_even_in_its_parameter_through_the_points():
    pts = P((0, 0), (100, 0), (100, 300))  # two stretches: as many samples on each, however long
    out = sampled(pts, 5, "uniform", "catmull-rom", 0.5, 0)
    assert out[0] == pytest.approx([0, 0]) and out[2] == pytest.approx([100, 0]) and out[4] == pytest.approx([100, 300])
    # the first stretch's middle: Catmull-Rom at 1/2 with the first point doubled, (-p0 + 9 p0 + 9 p1 - p2) / 16
    assert out[1] == pytest.approx((np.array([0, 0]) * 8 + np.array([100, 0]) * 9 - np.array([100, 300])) / 16)
    two = sampled(P((0, 0), (40, 20)), 5, "uniform", "catmull-rom", 0.5, 0)  # two points: a line, evenly
    assert two.tolist() == [[0, 0], [10, 5], [20, 10], [30, 15], [40, 20]]
