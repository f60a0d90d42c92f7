"""Face Mask on fixture whole-body keypoints: the faces counted from the left by their face points' boxes' centres,
the asked one's box grown about its centre, one frame of the video's size; too few faces refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.preprocess.face_mask import FaceMask
from studio.core.errors import StudioError
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip

W, H = 120, 80


def _pose(faces):
    """People of 133 points, person i's 68 face points spread over the box faces[i] (x0, y0, x1, y1) on one frame;
    their other points off to one side."""
    n = len(faces)
    pts = np.full((1, n, 133, 2), 5.0, np.float32)
    for i, (x0, y0, x1, y1) in enumerate(faces):
        g = np.stack(np.meshgrid(np.linspace(x0, x1, 17), np.linspace(y0, y1, 4)), -1).reshape(-1, 2)[:68]
        pts[0, i, 23:91] = g
    sc = np.full((1, n, 133), 0.9, np.float32)
    return Keypoints(pts.reshape(1, -1, 2), np.ones((1, n * 133), bool), W, H, 24.0, sc.reshape(1, -1),
                     np.arange(n), "wholebody133")


def _run(pose, **params):
    from studio.engine.context import Context, Runtime
    ctx = Context("n1", "Face Mask", {**FaceMask.spec().defaults(), **params}, 0, "cpu", Runtime())
    said = []
    ctx.info = said.append
    video = ArrayClip(np.zeros((1, H, W, 3), np.float32), 24.0)
    return FaceMask().run(ctx, video, pose), said


def test_faces_are_counted_from_the_left_and_the_box_grown_about_its_centre():
    pose = _pose([(80, 20, 100, 40), (10, 30, 30, 50)])  # person 0 on the right, person 1 on the left
    left, said = _run(pose, face=1, grow=1.5)
    m = left.frame(0)[..., 0]
    assert (left.n_frames, left.width, left.height) == (1, W, H)
    want = np.zeros((H, W), np.float32)
    want[25:55, 5:35] = 1  # (10..30, 30..50): centre (20, 40), 30x30 grown
    assert np.array_equal(m, want)
    right, _ = _run(pose, face=2, grow=1.0)
    want = np.zeros((H, W), np.float32)
    want[20:40, 80:100] = 1
    assert np.array_equal(right.frame(0)[..., 0], want)
    assert said == ["Face Mask: face 1 of 2 from the left on frame 0, its box grown 1.5 times"]


def test_a_grown_box_is_clipped_to_the_frame_and_too_few_faces_are_refused():
    pose = _pose([(100, 60, 118, 78)])
    m = _run(pose, face=1, grow=3.0)[0].frame(0)[..., 0]
    assert m[:, :73].sum() == 0 and m[:42].sum() == 0 and m[79, 119] == 1  # (73..145 x 42..96, clipped)
    with pytest.raises(StudioError, match="face 2 asked but 1 face"):
        _run(pose, face=2)


def test_poses_not_whole_body_are_refused_naming_face_mask():
    """Body-only poses (COCO 17 points: no face points) are refused in words naming Face Mask's input, as Face Crops
    refuses them (one check serves both: face_crops.need_wholebody)."""
    body = Keypoints(np.zeros((1, 17, 2), np.float32), np.ones((1, 17), bool), W, H, 24.0, None, np.arange(1),
                     "coco17")
    with pytest.raises(StudioError, match="Face Mask's pose input wants whole-body poses .*got coco17"):
        _run(body)
