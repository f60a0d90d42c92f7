"""LivePortrait's face crop and paste-back from whole-body poses (liveportrait/crop.py, faces.py) on tiny random
networks: the crop's affine by hand (upright, its round trip, the release's centre and side), the paste-back leaving
the picture outside the face exactly as it was, determinism, a source clip animated frame by frame, the driving
crop changing the output, and no face refused in words naming the node."""
from __future__ import annotations

import math

import numpy as np
import pytest

from nodes.portrait.live_portrait import LivePortrait, LivePortraitError
from nodes.portrait.liveportrait import crop
from nodes.portrait.liveportrait.faces import FACE
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node
from tests.portrait.test_live_portrait import _nets, _write


@pytest.fixture(autouse=True)
def small_input(monkeypatch):
    monkeypatch.setattr("nodes.portrait.live_portrait.INPUT", 64)


def _face(centre=(50.0, 60.0), size=20.0, angle=0.0, seed=0) -> np.ndarray:
    """68 points of a face (iBUG order: the eyes' corners 36, 39, 42, 45; the mouth's 48, 54), turned ``angle``
    degrees (clockwise on the picture), ``size`` pixels across."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-0.8, 0.8, (68, 2))
    for i, xy in {36: (-0.6, -0.3), 39: (-0.2, -0.3), 42: (0.2, -0.3), 45: (0.6, -0.3), 48: (-0.35, 0.5),
                  54: (0.35, 0.5)}.items():
        pts[i] = xy
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return pts @ rot.T * size / 2 + np.array(centre)


def _pose(faces: list[np.ndarray | None], width: int, height: int) -> Keypoints:
    """Whole-body poses (one person) with ``faces``' points; None: a frame whose face points have no confidence."""
    T = len(faces)
    pts = np.zeros((T, 133, 2), np.float32)
    sc = np.zeros((T, 133), np.float32)
    for t, f in enumerate(faces):
        if f is not None:
            pts[t, FACE] = f
            sc[t, FACE] = 0.9
    return Keypoints(points=pts, visible=np.ones((T, 133), bool), width=width, height=height, scores=sc,
                     person_ids=np.array([0]), layout="wholebody133")


def test_the_crop_affine_by_hand_and_its_round_trip():
    used = np.ones(68, bool)
    pts = _face()
    M = crop.source_crop(pts, used, 512, 2.3, 0.0, -0.125, True)
    # upright face: the square's side is the points' larger extent x 2.3, centred on their box, raised vy x side
    ext = pts.max(0) - pts.min(0)
    side = max(ext) * 2.3
    centre = (pts.max(0) + pts.min(0)) / 2 + np.array([0, -0.125 * side])
    assert np.allclose(M[:2, :2], np.eye(2) * 512 / side)
    assert np.allclose(M[:2] @ [*centre, 1], [256, 256])
    back = np.linalg.inv(M)
    q = np.c_[pts, np.ones(68)]
    assert np.allclose((back @ (M @ q.T)).T[:, :2], pts)  # crop -> picture undoes picture -> crop
    # a face turned 30 degrees is turned upright: the same crop-space points as the upright face
    turned = _face(angle=30.0)
    Mt = crop.source_crop(turned, used, 512, 2.3, 0.0, -0.125, True)
    assert np.allclose((Mt @ np.c_[turned, np.ones(68)].T).T[:, :2], (M @ q.T).T[:, :2], atol=1e-6)
    Mn = crop.source_crop(turned, used, 512, 2.3, 0.0, -0.125, False)  # not rotated: no rotation in the map
    assert abs(Mn[0, 1]) < 1e-12 and abs(Mn[1, 0]) < 1e-12
    # a picture warped into the crop and back is itself inside the crop's square
    rng = np.random.default_rng(0)
    img = rng.random((120, 100, 3)).astype(np.float32)
    img = np.repeat(np.repeat(img[::4, ::4], 4, 0), 4, 1)[:120, :100]  # smooth enough for bilinear round trips
    again = crop.warp(crop.warp(img, M, 512, 512), back, 100, 120)
    inside = crop.warp(np.ones((512, 512), np.float32), back, 100, 120)[..., 0] > 0.999
    assert inside.sum() > 100 and np.abs(again - img)[inside].max() < 0.15


def test_the_feathered_mask_is_the_release_rule():
    m = crop.feather(512)
    assert m[256, 256] == 1 and m[0, 256] == 0 and m[256, 0] == 0 and m[0, 0] == 0
    assert m[256, 8] == pytest.approx(0.5) and m[256, 16] == 1  # a linear ramp over the outer 16 pixels
    assert m[8, 8] == pytest.approx(1 - math.hypot(8, 8) / 16)  # rounded about the inner square's corner


def test_crop_and_paste_back_leave_the_picture_outside_the_face(tmp_path):
    paths = _write(tmp_path, _nets())
    rng = np.random.default_rng(3)
    picture = rng.random((120, 100, 3), dtype=np.float32)
    pose = _pose([_face(angle=15.0)], 100, 120)
    driving = ArrayClip(rng.random((2, 30, 30, 3), dtype=np.float32), 25.0)
    params = dict(paths, crop_size=64)
    rec = Recorder()
    out = run_node(LivePortrait, params, rec, source=picture, driving=driving, source_pose=pose)
    assert (len(out), out.width, out.height) == (2, 100, 120)  # pasted back: the picture's size
    frames = out.chunk(0, 2)
    M = crop.source_crop(pose.points[0, FACE].astype(np.float64), np.ones(68, bool), 64, 2.3, 0.0, -0.125, True)
    m = crop.paste_back(np.ones((64, 64, 3), np.float32), M, 64, np.zeros_like(picture), crop.feather(64))
    outside, face = m[..., 0] == 0, m[..., 0] > 0.99
    assert outside.sum() > 1000 and face.sum() > 100
    assert np.array_equal(frames[:, outside], np.broadcast_to(picture[outside], frames[:, outside].shape))
    assert float(np.abs(frames[0][face] - picture[face]).mean()) > 1e-2  # the face is the animated one
    assert any("cropped from its poses and pasted back" in t for t in rec.messages())
    again = run_node(LivePortrait, params, source=picture, driving=driving, source_pose=pose).chunk(0, 2)
    assert np.array_equal(again, frames)  # deterministic
    whole = run_node(LivePortrait, dict(params, size="source"), source=picture, driving=driving).chunk(0, 2)
    assert not np.array_equal(whole[:, outside], frames[:, outside])  # without the poses: the picture taken whole
    crops = run_node(LivePortrait, dict(params, paste_back=False), source=picture, driving=driving,
                     source_pose=pose)
    assert (crops.width, crops.height) == (64, 64)  # the animated crop itself


def test_a_source_clip_animates_each_frame_and_the_driving_crop_counts(tmp_path):
    paths = _write(tmp_path, _nets())
    rng = np.random.default_rng(5)
    src = ArrayClip(rng.random((2, 120, 100, 3), dtype=np.float32), 25.0)
    pose = _pose([_face(), _face(centre=(55.0, 58.0), angle=-10.0)], 100, 120)
    driving = ArrayClip(rng.random((3, 80, 80, 3), dtype=np.float32), 25.0)
    params = dict(paths, crop_size=64, source_clip="each frame")
    out = run_node(LivePortrait, params, source=src, driving=driving, source_pose=pose).chunk(0, 3)
    pics = src.chunk(0, 2)
    corner = (slice(0, 10), slice(0, 10))  # far from either face: each frame's own source there, the last held
    assert np.array_equal(out[0][corner], pics[0][corner]) and np.array_equal(out[1][corner], pics[1][corner])
    assert np.array_equal(out[2][corner], pics[1][corner])
    first = run_node(LivePortrait, dict(params, source_clip="first frame"), source=src, driving=driving,
                     source_pose=pose).chunk(0, 3)
    assert np.array_equal(first[1][corner], pics[0][corner])
    dpose = _pose([_face(centre=(40.0, 40.0), size=16.0, seed=s) for s in range(3)], 80, 80)
    cropped = run_node(LivePortrait, params, source=src, driving=driving, source_pose=pose,
                       driving_pose=dpose).chunk(0, 3)
    assert float(np.abs(cropped[1] - out[1]).mean()) > 1e-4  # the driving frames cropped about the face


def test_no_face_on_the_source_is_refused_naming_the_node(tmp_path):
    paths = _write(tmp_path, _nets())
    rng = np.random.default_rng(1)
    picture = rng.random((60, 50, 3), dtype=np.float32)
    driving = ArrayClip(rng.random((2, 30, 30, 3), dtype=np.float32), 25.0)
    with pytest.raises(LivePortraitError, match=r"^Live Portrait: no face of person 0 found on the source picture"):
        run_node(LivePortrait, paths, source=picture, driving=driving, source_pose=_pose([None], 50, 60))
    nobody = Keypoints(points=np.zeros((1, 0, 2), np.float32), visible=np.zeros((1, 0), bool), width=50,
                       height=60, person_ids=np.zeros(0, int), layout="wholebody133")
    with pytest.raises(LivePortraitError, match=r"no face of person 0 found on the source picture \(source_pose: "
                                                r"0 people found"):
        run_node(LivePortrait, paths, source=picture, driving=driving, source_pose=nobody)
    body = Keypoints(points=np.zeros((1, 17, 2), np.float32), visible=np.ones((1, 17), bool), width=50, height=60,
                     person_ids=np.array([0]), layout="coco17")
    with pytest.raises(LivePortraitError, match="source_pose wants whole-body poses"):
        run_node(LivePortrait, paths, source=picture, driving=driving, source_pose=body)
