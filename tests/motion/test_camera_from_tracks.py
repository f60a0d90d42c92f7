"""Camera from Tracks (issue 75, item 4): tracks made by moving a grid of points as a camera move would
(the picture growing, shifting, turning, and one point moving on its own) are solved back to that move:
a dolly in, a truck the other way, a roll the other way; the stray point is left out."""
from __future__ import annotations

import math

import numpy as np

from nodes.motion.camera_solve import CameraFromTracks, solve
from studio.core.values import Keypoints
from tests.node_run import run_node

W, H = 320, 240


def _tracks(scale=1.0, shift=(0.0, 0.0), turn=0.0, frames=9, stray=True):
    g = np.stack(np.meshgrid(np.linspace(40, 280, 6), np.linspace(30, 210, 5)), -1).reshape(-1, 2)
    out = []
    for t in range(frames):
        a = t / (frames - 1)
        s, th = 1 + (scale - 1) * a, turn * a
        rot = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
        p = (g - [W / 2, H / 2]) @ rot.T * s + [W / 2, H / 2] + np.asarray(shift) * a
        if stray:
            p[0] += [60 * a, -40 * a]  # someone walking: not the camera
        out.append(p)
    pts = np.asarray(out, np.float32)
    return Keypoints(pts, np.ones(pts.shape[:2], bool), W, H, 16.0)


def test_a_growing_picture_is_a_dolly_in_and_a_shift_a_truck_the_other_way():
    tr = _tracks(scale=1.25, shift=(-32.0, 0.0))
    c2w, held = solve(tr.points, tr.visible, W, H, 0.5, 0.5)
    x, y, z = c2w[-1, :3, 3]
    assert held == [] and np.allclose(c2w[0], np.eye(4))
    assert math.isclose(z, 1 - 1 / 1.25, abs_tol=0.02)  # in
    assert math.isclose(x, 32.0 / (0.5 * W), abs_tol=0.02) and abs(y) < 0.02  # right, as the picture went left
    assert np.all(np.diff(c2w[:, 2, 3]) > 0)  # further in at every frame


def test_a_turning_picture_is_a_roll_the_other_way_and_the_node_says_it():
    tr = _tracks(turn=math.radians(12))
    cam = run_node(CameraFromTracks, {"smooth": 0}, tracks=tr)
    r = cam.c2w[-1, :3, :3]
    assert math.isclose(math.degrees(math.atan2(r[1, 0], r[0, 0])), -12.0, abs_tol=0.5)
    assert cam.n_frames == 9 and "solved from 30 tracks" in cam.label


def test_too_few_points_hold_the_pose_before():
    tr = _tracks(scale=1.2, stray=False)
    tr.visible[5:, 3:] = False  # three points or fewer from frame 5
    tr.visible[5:, :3] = [True, True, False]
    c2w, held = solve(tr.points, tr.visible, W, H, 0.5, 0.5)
    assert held == [5, 6, 7, 8] and np.allclose(c2w[5:], c2w[4])
