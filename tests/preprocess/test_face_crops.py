"""Face Crops on fixture whole-body keypoints: Wan Animate's face box (the oracle below is written
from its preprocessing's get_face_bboxes), steadied over time, held where the face is lost (said
on which frames), resized to the size asked; a lazy clip whose chunks equal its frames."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from nodes.preprocess.face_crops import FaceCrops
from studio.core.errors import StudioError
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip

W, H, T = 96, 80, 6


def _ref_box(kp2ds, scale, image_shape):  # Wan Animate's get_face_bboxes, without its training jitter
    h, w = image_shape
    face = kp2ds.copy()[23:91, :2]
    min_x, min_y = np.min(face, axis=0)
    max_x, max_y = np.max(face, axis=0)
    iw, ih = max_x - min_x, max_y - min_y
    area = iw * ih * scale
    dw = (np.sqrt(area * (iw / ih)) - iw) / 2
    dh = (np.sqrt(area * (ih / iw)) - ih) / 4
    return [int(max(min_x - dw, 0)), int(min(max_x + dw, w)), int(max(min_y - 3 * dh, 0)), int(min(max_y + dh, h))]


def _pose(shift=None, lost=(), persons=2, seed=0):
    """Two people of 133 points; person 0's face points in a 20x24 box near (40, 36), moved by ``shift``
    [T, 2]; on the ``lost`` frames its face points have no confidence."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, [W, H], (T, persons, 133, 2)).astype(np.float32)
    face = rng.uniform([30, 24], [50, 48], (68, 2)).astype(np.float32)
    pts[:, 0, 23:91] = face + (np.zeros((T, 1, 2)) if shift is None else shift[:, None])
    sc = np.full((T, persons, 133), 0.9, np.float32)
    sc[list(lost), 0, 23:91] = 0.1
    return Keypoints(pts.reshape(T, -1, 2), np.ones((T, persons * 133), bool), W, H, 24.0, sc.reshape(T, -1),
                     np.array([5, 9][:persons]), "wholebody133")


def _video():
    return ArrayClip(np.random.default_rng(1).random((T, H, W, 3), dtype=np.float32), 24.0)


def _run(pose, video=None, **params):
    from studio.engine.context import Context, Runtime
    ctx = Context("n1", "Face Crops", {**FaceCrops.spec().defaults(), **params}, 0, "cpu", Runtime())
    said = []
    ctx.info = said.append
    return FaceCrops().run(ctx, video or _video(), pose), said


def test_each_frame_is_wan_animates_face_box_resized():
    shift = np.stack([np.arange(T) * 3.0, np.arange(T) * -2.0], -1)
    pose, video = _pose(shift), _video()
    out, said = _run(pose, video, smoothing=0, size=32)
    assert (out.n_frames, out.width, out.height) == (T, 32, 32) and not said
    for t in range(T):
        x0, x1, y0, y1 = _ref_box(pose.person_points(t)[0][0], 1.3, (H, W))
        want = cv2.resize(np.ascontiguousarray(video.frame(t)[y0:y1, x0:x1]), (32, 32), interpolation=cv2.INTER_LINEAR)
        np.testing.assert_array_equal(out.frame(t), want)
    np.testing.assert_array_equal(out.chunk(1, 5), np.stack([out.frame(t) for t in range(1, 5)]))
    assert _run(pose, video)[0].width == 512  # Wan Animate's size by default


def test_the_box_is_steadied_and_a_still_face_is_untouched():
    jitter = np.random.default_rng(3).normal(0, 2.0, (T, 2))
    raw, steady = _run(_pose(jitter), smoothing=0)[0].boxes, _run(_pose(jitter), smoothing=2)[0].boxes
    centre = lambda b: (b[:, [0, 2]] + b[:, [1, 3]]) / 2  # noqa: E731
    assert np.abs(np.diff(centre(steady), axis=0)).sum() < 0.6 * np.abs(np.diff(centre(raw), axis=0)).sum()
    still = _pose()
    np.testing.assert_array_equal(_run(still, smoothing=3)[0].boxes, _run(still, smoothing=0)[0].boxes)


def test_frames_without_a_face_hold_the_last_crop_and_are_said():
    pose = _pose(np.stack([np.arange(T) * 4.0, np.zeros(T)], -1), lost=(0, 3, 4))
    out, said = _run(pose, smoothing=0)
    assert said == ["no face of person 0 (id 5) on frames 0, 3-4: the last crop found is kept there "
                    "(before the first face, the first crop)"]
    b = out.boxes
    assert (b[0] == b[1]).all() and (b[3] == b[2]).all() and (b[4] == b[2]).all() and not (b[5] == b[2]).all()
    assert np.isfinite(out.frame(3)).all()


def test_refusals_name_the_node_and_the_cause():
    body = Keypoints(np.zeros((T, 17, 2), np.float32), np.ones((T, 17), bool), W, H, 24.0,
                     np.ones((T, 17), np.float32), np.array([0]), "coco17")
    with pytest.raises(StudioError, match="Face Crops' pose input wants whole-body poses .*got coco17"):
        _run(body)
    with pytest.raises(StudioError, match="no face of person 0 \\(id 5\\) on any of the 6 frames"):
        _run(_pose(lost=range(T)))
    with pytest.raises(StudioError, match="person 2 asked but the poses have 2 people"):
        _run(_pose(), person=2)
