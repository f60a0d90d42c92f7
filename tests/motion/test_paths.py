"""Tracks made without footage (nodes/motion/paths.py): Path Tracks on hand-computed cases, Tracks from
Coordinates in ComfyUI's two formats and refused in words, Merge Tracks."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import GraphError, NodeExecutionError
from studio.core.graph import Graph
from studio.engine.executor import Executor

from nodes.motion.paths import eased, parse_coordinates, path_points


def _run(type_id, **params):
    g = Graph()
    g.add_node(type_id, params, node_id="n")
    return Executor().run(g, device="cpu").value("n")


def test_a_straight_path_of_three_frames_with_three_tracks_spread_across_it():
    k = _run("motion.path_tracks", width=100, height=50, start_x=0.0, start_y=0.5, end_x=1.0, end_y=0.5, frames=3,
             tracks=3, spread=0.1)
    assert k.points.shape == (3, 3, 2) and k.visible.all() and (k.width, k.height) == (100, 50)
    # the middle track on the path; the others 0.1 of the frame above and below (the path runs along x)
    assert np.allclose(k.points[:, 1], [[0, 25], [50, 25], [100, 25]])
    assert np.allclose(k.points[1, :, 1], [20, 25, 30]) and np.allclose(k.points[1, :, 0], 50)


def test_a_bent_path_passes_its_quadratic_bezier_and_easings_change_only_the_timing():
    pts = path_points((0, 0), (1, 0), (0.5, 1), True, 3, "linear")
    assert np.allclose(pts, [[0, 0], [0.5, 0.5], [1, 0]])  # B(0.5) = .25 p0 + .5 p1 + .25 p2
    t = np.array([0.0, 0.25, 0.5, 1.0])
    assert np.allclose(eased(t, "ease_in"), [0, 0.0625, 0.25, 1])
    assert np.allclose(eased(t, "ease_in_out"), [0, 0.15625, 0.5, 1])
    even = path_points((0, 0), (1, 0), (0.9, 0), True, 5, "constant_speed")
    steps = np.diff(even[:, 0])
    assert np.allclose(steps, 0.25, atol=2e-3)  # the same distance every frame, though the curve's t is not


def test_a_path_of_no_length_is_refused_at_validation():
    from studio.engine.plan import compile_plan
    g = Graph()
    g.add_node("motion.path_tracks", {"start_x": 0.3, "start_y": 0.3, "end_x": 0.3, "end_y": 0.3}, node_id="n")
    with pytest.raises(GraphError, match="n.*the path has no length"):
        compile_plan(g, targets=None)


def test_coordinates_in_either_format_with_tracks_of_different_lengths():
    pts = parse_coordinates('[[{"x": 1, "y": 2}, {"x": 3, "y": 4}], [[5, 6]]]')
    assert pts.shape == (2, 2, 2)
    assert pts[:, 0].tolist() == [[1, 2], [3, 4]] and pts[0, 1].tolist() == [5, 6] and np.isnan(pts[1, 1]).all()
    k = _run("motion.tracks_from_coordinates", coordinates='[{"x": 0.5, "y": 0.25}]', width=200, height=100,
             fractions=True)
    assert k.points.tolist() == [[[100.0, 25.0]]] and k.visible.all()
    k = _run("motion.tracks_from_coordinates", coordinates='[[[1, 2], [3, 4]], [[5, 6]]]')
    assert k.visible.tolist() == [[True, True], [True, False]]  # the short track hidden past its end


def test_points_drawn_at_24_fps_are_picked_as_atis_process_tracks_picks_them():
    import torch
    from nodes.motion.paths import retimed
    pts = np.arange(121 * 2, dtype=np.float32).reshape(121, 1, 2)
    # bytedance/ATI@168b443 wan/utils/motion.py process_tracks: 121 points -> 81 frames
    ref = torch.cat([torch.as_tensor(pts[:1]), torch.repeat_interleave(torch.as_tensor(pts[1:]), 2, dim=0)[1::3]])
    got = retimed(pts, 1.5)
    assert got.shape == (81, 1, 2) and np.array_equal(got, ref.numpy())
    assert retimed(pts, 1.0) is pts and len(retimed(pts[:7], 2.0)) == 4  # points 0, 1, 3, 5
    text = "[" + ", ".join(f'{{"x": {i}, "y": 0}}' for i in range(10)) + "]"
    k = _run("motion.tracks_from_coordinates", coordinates=text, points_per_frame=1.5)
    assert k.points[:, 0, 0].tolist() == [0, 1, 3, 4, 6, 7, 9]


@pytest.mark.parametrize("text, words", [
    ("not json", "not JSON"), ("{}", "not a list of tracks"), ('[["a", "b"]]', "track 1, point 1 is not a point"),
    ("[[[1, true]]]", "is not a point"), ("[" * 200 + "]" * 200, "not JSON")])
def test_bad_coordinates_are_refused_in_words_naming_the_node(text, words):
    with pytest.raises(NodeExecutionError, match=words):
        _run("motion.tracks_from_coordinates", coordinates=text)


def test_merge_scales_b_into_as_frame_and_hides_the_shorter_past_its_end():
    from studio.core.registry import default_registry
    from studio.core.spec import SOURCE, Node, Out
    from studio.core.params import Int
    from studio.core.values import Keypoints
    if "test.paths_keys" not in default_registry():
        class Keys(Node):
            id = "test.paths_keys"
            timing = SOURCE
            outputs = (Out("keypoints", "Keypoints"),)
            params = (Int("frames", 2), Int("width", 100))

            def run(self, ctx):
                n, w = ctx.params.frames, ctx.params.width
                return Keypoints(np.full((n, 1, 2), 10, np.float32), np.ones((n, 1), bool), w, w)
        default_registry().register(Keys)
    g = Graph()
    g.add_node("test.paths_keys", {"frames": 3, "width": 100}, node_id="a")
    g.add_node("test.paths_keys", {"frames": 2, "width": 50}, node_id="b")
    g.add_node("motion.merge_tracks", {}, node_id="m")
    g.connect("a", "keypoints", "m", "a")
    g.connect("b", "keypoints", "m", "b")
    k = Executor().run(g, device="cpu").value("m")
    assert k.points.shape == (3, 2, 2) and (k.width, k.height) == (100, 100)
    assert k.points[0, 1].tolist() == [20, 20] and k.visible[:, 1].tolist() == [True, True, False]


def test_path_tracks_at_their_maxima_are_refused_with_an_estimate_at_validation():
    """Issue 76 item 4: 100,000 frames of 1,000 tracks (5.4 GB, a MemoryError) said before anything is made."""
    from studio.engine.plan import compile_plan
    g = Graph()
    g.add_node("motion.path_tracks", {"frames": 100_000, "tracks": 1000}, node_id="n")
    with pytest.raises(GraphError, match=r"n.*100,000,000 points, 0\.9 GB of keypoints; Path Tracks makes at most "
                                         r"50,000,000: lower 'frames' or 'tracks'"):
        compile_plan(g, targets=None)
