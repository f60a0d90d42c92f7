"""Track Shapes (nodes/motion/track_shapes.py): the Gaussian blob of VideoX-Fun's control trajectory (1 at the point,
nothing past its box, the box sized by the frame's area, squeezed where the frame's edge cuts it), the shapes of
CreateShapeImageOnPath (a square of w x h pixels, ends included; a triangle apex up; a border), the tracks' pixels
placed as they are or stretched to the frame, a trail carried on and brought back to 1, hidden points not drawn."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.core.values import Keypoints
from studio.engine.executor import Executor
from nodes.motion.track_shapes import blob_half


def _clip(points, params, size=(64, 48), visible=None):
    pts = np.array(points, np.float32)
    kp = Keypoints(pts, np.ones(pts.shape[:2], bool) if visible is None else np.array(visible), *size, 16.0)
    g = Graph()
    g.add_node("motion.track_shapes", params, node_id="t")
    from nodes.motion.track_shapes import TrackShapes
    from types import SimpleNamespace
    spec = g.nodes["t"].spec
    p = SimpleNamespace(**{x.name: params.get(x.name, x.default) for x in spec.params})
    return TrackShapes().run(SimpleNamespace(params=p), kp)


def test_the_blob_is_sized_by_the_frame_as_videox_fun_sizes_it():
    assert blob_half(1280, 720) == 50 and blob_half(600, 382) == 24 and blob_half(640, 360) == 25


def test_a_blob_is_one_at_its_point_and_nothing_past_its_box():
    v = _clip([[[32, 24]]], {"shape": "gaussian", "shape_width": 20})  # a box of 10 px each side
    f = v.frame(0)
    assert f.shape == (48, 64, 3) and (v.width, v.height, v.n_frames) == (64, 48, 1)
    assert f[24, 32, 0] == pytest.approx(1.0, abs=0.02) and f[24, 32].tolist() == [f[24, 32, 0]] * 3
    # its box 22..41 (the middle between pixels 31 and 32, as VideoX-Fun's box [x - 10, x + 10) has it)
    assert f[24, 31, 0] == f[24, 32, 0] == f[24, 22:42, 0].max() and f[24, 42:, 0].max() == 0
    assert f[:14, :, 0].max() == 0 and f[24, :22, 0].max() == 0
    assert 0 < f[24, 36, 0] < f[24, 34, 0] < f[24, 32, 0]  # falling off from the middle


def test_a_blob_cut_by_the_frames_edge_is_squeezed_into_what_is_left():
    f = _clip([[[2, 24]]], {"shape": "gaussian", "shape_width": 20}).frame(0)
    assert f[24, 0:12, 0].argmax() in (5, 6) and f[24, 12:, 0].max() == 0  # its middle in the box 0..12


def test_a_square_covers_its_width_and_height_ends_included():
    f = _clip([[[20, 20]]], {"shape": "square", "shape_width": 5, "shape_height": 3}).frame(0)
    on = np.argwhere(f[..., 0] > 0.5)
    assert (on[:, 1].min(), on[:, 1].max(), on[:, 0].min(), on[:, 0].max()) == (18, 22, 19, 21)
    assert len(on) == 15


def test_a_triangle_points_up_and_a_border_is_drawn_inside_the_edge():
    f = _clip([[[20, 20]]], {"shape": "triangle", "shape_width": 20, "shape_height": 20}).frame(0)[..., 0]
    assert f[11, 20] == 1 and f[11, 14] == 0 and f[29, 12] == 1  # narrow at the top, wide at the bottom
    b = _clip([[[20, 20]]], {"shape": "square", "shape_width": 11, "shape_height": 11, "border": 2,
                             "border_color": "#ff0000"}).frame(0)
    assert b[15, 20].tolist() == [1, 0, 0] and b[20, 20].tolist() == [1, 1, 1] and b[14, 20].tolist() == [0, 0, 0]


def test_pixels_are_placed_as_they_are_or_stretched_to_the_frame():
    kept = _clip([[[10, 10]]], {"shape": "square", "shape_width": 2, "shape_height": 2, "width": 128, "height": 96,
                                "scale": False}).frame(0)
    stretched = _clip([[[10, 10]]], {"shape": "square", "shape_width": 2, "shape_height": 2, "width": 128,
                                     "height": 96}).frame(0)
    assert kept[10, 10, 0] == 1 and stretched[20, 20, 0] == 1 and stretched[10, 10, 0] == 0


def test_a_trail_carries_the_last_frame_on_and_hidden_points_are_not_drawn():
    pts = [[[10, 10]], [[30, 10]], [[50, 10]]]
    v = _clip(pts, {"shape": "square", "shape_width": 2, "shape_height": 2, "trailing": 0.5})
    f1, f2 = v.frame(1), v.frame(2)
    assert f1[10, 30, 0] == 1 and f1[10, 10, 0] == pytest.approx(0.5)
    assert f2[10, 10, 0] == pytest.approx(0.25) and v.frame(0)[10, 10, 0] == 1
    hidden = _clip(pts, {"shape": "square", "shape_width": 2, "shape_height": 2}, visible=[[True], [False], [True]])
    assert hidden.frame(1).max() == 0 and hidden.frame(2)[10, 50, 0] == 1


def test_an_age_trail_draws_the_newest_dot_large_and_red_over_older_ones_with_red_and_blue_swapped():
    from nodes.motion.track_shapes import age_trail
    pts = np.array([[[100.0, 180.0]], [[200.0, 180.0]]], np.float32)
    f = age_trail(pts, np.ones((2, 1), bool), 1, 480, 360)  # drawn on 1440x1080, brought down 3 times
    assert f.shape == (360, 480, 3)
    assert f[180, 200].tolist() == pytest.approx([0, 0, 1], abs=1e-6)  # the newest: red, stored BGR (its last)
    old = f[180, 100]  # one frame older (age ratio 0.98): red with 6 % green, swapped too
    assert old.tolist() == pytest.approx([0, 0.06, 1], abs=1e-4)
    assert f[180, 203].max() == 0 and f[180, 150].max() == 0 and f[:170].max() == 0  # 8 px at 1080: 2.7 px here
    assert age_trail(pts, np.array([[True], [False]]), 1, 480, 360)[180, 200].max() == 0  # a hidden point: no dot


def test_a_shape_of_size_zero_is_sized_by_the_frame_as_the_blob_is():
    """A fresh node's circle (sizes 0) is as wide as the blob's box, not a 2-px dot (seen under Xvfb)."""
    f = _clip([[[320, 180]]], {"shape": "circle"}, size=(640, 360)).frame(0)[..., 0]
    on = np.argwhere(f > 0.5)
    width = on[:, 1].max() - on[:, 1].min() + 1
    assert abs(width - 2 * blob_half(640, 360)) <= 1 and width >= 49 and on[:, 0].max() - on[:, 0].min() + 1 == width
