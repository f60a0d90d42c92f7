"""Draw Pose matches the published OpenPose / DWPose drawing pixel for pixel (the oracle below is
written from controlnet_aux's open_pose/util.py draw_bodypose, draw_handpose, draw_facepose and
dwpose's whole-body to OpenPose conversion); Retarget Pose gives the reference's limb lengths."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from nodes.preprocess.draw_pose import PoseClip
from nodes.preprocess.retarget import EDGES, limb_lengths, limb_ratios, retarget
from studio.core.values import Keypoints


# -- the oracle: the published code's steps -----------------------------------------------------------
def _ref_body(canvas, candidate, subset):
    H, W, C = canvas.shape
    stickwidth = 4
    limbSeq = [[2, 3], [2, 6], [3, 4], [4, 5], [6, 7], [7, 8], [2, 9], [9, 10], [10, 11], [2, 12], [12, 13],
               [13, 14], [2, 1], [1, 15], [15, 17], [1, 16], [16, 18], [3, 17], [6, 18]]
    colors = [[255, 0, 0], [255, 85, 0], [255, 170, 0], [255, 255, 0], [170, 255, 0], [85, 255, 0], [0, 255, 0],
              [0, 255, 85], [0, 255, 170], [0, 255, 255], [0, 170, 255], [0, 85, 255], [0, 0, 255], [85, 0, 255],
              [170, 0, 255], [255, 0, 255], [255, 0, 170], [255, 0, 85]]
    for i in range(17):
        for n in range(len(subset)):
            index = subset[n][np.array(limbSeq[i]) - 1]
            if -1 in index:
                continue
            Y = candidate[index.astype(int), 0] * float(W)
            X = candidate[index.astype(int), 1] * float(H)
            mX, mY = np.mean(X), np.mean(Y)
            length = ((X[0] - X[1]) ** 2 + (Y[0] - Y[1]) ** 2) ** 0.5
            angle = math.degrees(math.atan2(X[0] - X[1], Y[0] - Y[1]))
            polygon = cv2.ellipse2Poly((int(mY), int(mX)), (int(length / 2), stickwidth), int(angle), 0, 360, 1)
            cv2.fillConvexPoly(canvas, polygon, colors[i])
    canvas = (canvas * 0.6).astype(np.uint8)
    for i in range(18):
        for n in range(len(subset)):
            index = int(subset[n][i])
            if index == -1:
                continue
            x, y = candidate[index][0:2]
            cv2.circle(canvas, (int(x * W), int(y * H)), 4, colors[i], thickness=-1)
    return canvas


def _hsv(h):  # the published hsv_to_rgb for s = v = 1
    h = np.asarray([h, 1.0, 1.0])[0]
    i = int(h * 6.0)
    f = h * 6.0 - i
    p, q, t = 0.0, 1.0 - f, 1.0 - (1.0 - f)
    return np.array([(1, t, p), (q, 1, p), (p, 1, t), (p, q, 1), (t, p, 1), (1, p, q)][i % 6])


def _ref_hands(canvas, all_hand_peaks):
    H, W, C = canvas.shape
    edges = [[0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [0, 9], [9, 10], [10, 11], [11, 12],
             [0, 13], [13, 14], [14, 15], [15, 16], [0, 17], [17, 18], [18, 19], [19, 20]]
    for peaks in all_hand_peaks:
        for ie, e in enumerate(edges):
            x1, y1 = peaks[e[0]]
            x2, y2 = peaks[e[1]]
            x1, y1, x2, y2 = int(x1 * W), int(y1 * H), int(x2 * W), int(y2 * H)
            if x1 > 0.01 and y1 > 0.01 and x2 > 0.01 and y2 > 0.01:
                cv2.line(canvas, (x1, y1), (x2, y2), _hsv(ie / float(len(edges))) * 255, thickness=2)
        for x, y in peaks:
            x, y = int(x * W), int(y * H)
            if x > 0.01 and y > 0.01:
                cv2.circle(canvas, (x, y), 4, (0, 0, 255), thickness=-1)
    return canvas


def _ref_faces(canvas, all_lmks):
    H, W, C = canvas.shape
    for lmks in all_lmks:
        for x, y in lmks:
            x, y = int(x * W), int(y * H)
            if x > 0.01 and y > 0.01:
                cv2.circle(canvas, (x, y), 3, (255, 255, 255), thickness=-1)
    return canvas


def _ref_dwpose(info, W, H):
    """keypoints_info [P, K, 3] (x, y, score in pixels) drawn as dwpose does."""
    kp = info.copy()
    neck = np.mean(kp[:, [5, 6]], axis=1)
    neck[:, 2] = np.logical_and(kp[:, 5, 2] > 0.3, kp[:, 6, 2] > 0.3).astype(int)
    new = np.insert(kp, 17, neck, axis=1)
    new[:, [1, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17]] = new[:, [17, 6, 8, 10, 7, 9, 12, 14, 16, 13, 15, 2,
                                                                          1, 4, 3]]
    candidate, subset = new[..., :2].copy(), new[..., 2].copy()
    nums = len(candidate)
    candidate[..., 0] /= float(W)
    candidate[..., 1] /= float(H)
    body = candidate[:, :18].reshape(nums * 18, 2)
    score = subset[:, :18].copy()
    for i in range(len(score)):
        for j in range(len(score[i])):
            score[i][j] = int(18 * i + j) if score[i][j] > 0.3 else -1
    candidate[subset < 0.3] = -1
    canvas = _ref_body(np.zeros((H, W, 3), np.uint8), body, score)
    if info.shape[1] >= 133:
        canvas = _ref_hands(canvas, np.vstack([candidate[:, 92:113], candidate[:, 113:]]))
        canvas = _ref_faces(canvas, candidate[:, 24:92])
    return canvas


def _fixture(k, persons=2, W=96, H=80, seed=0):
    rng = np.random.default_rng(seed)
    xy = (rng.random((persons, k, 2)) * [W - 8, H - 8] + 4).astype(np.float32)
    sc = rng.random((persons, k)).astype(np.float32)
    sc[np.abs(sc - 0.3) < 1e-3] = 0.9  # not on the threshold itself
    sc[:, [5, 6, 11, 12]] = 0.95       # shoulders and hips seen: the neck and the torso are drawn
    return xy, sc


@pytest.mark.parametrize("k", [17, 133])
def test_draw_pose_matches_the_published_convention(k):
    W, H = 96, 80
    xy, sc = _fixture(k)
    P = len(xy)
    kp = Keypoints(xy.reshape(1, P * k, 2), np.ones((1, P * k), bool), W, H, 24.0, sc.reshape(1, P * k),
                   np.arange(P), "coco17" if k == 17 else "wholebody133")
    got = PoseClip(kp, W, H, 24.0, 0.3, True, True).frame(0)
    want = _ref_dwpose(np.concatenate([xy, sc[..., None]], -1), W, H)
    assert np.array_equal(np.rint(got * 255).astype(np.uint8), want)
    assert want.any() and len(np.unique(want.reshape(-1, 3), axis=0)) > 10  # a drawing, in many colours
    if k == 133:  # hands and face can be left out
        body_only = PoseClip(kp, W, H, 24.0, 0.3, False, False).frame(0)
        assert not np.array_equal(body_only, got)


def test_retarget_gives_the_references_limb_lengths_and_keeps_angles():
    rng = np.random.default_rng(1)
    src = (rng.random((4, 17, 2)) * 100 + 50).astype(np.float64)  # 4 frames of one person
    src[1:] = src[0] + rng.normal(0, 1, (3, 17, 2))  # moving a little
    ok = np.ones((4, 17), bool)
    ref = src[0] * 1.0
    # a reference with arms twice and legs half as long: scale those limbs about the first frame
    ref_ratios = np.ones(len(EDGES))
    for e, (a, b) in enumerate(EDGES):
        ref_ratios[e] = 2.0 if b in (7, 8, 9, 10) else 0.5 if b in (13, 14, 15, 16) else 1.0
    ref = retarget(src[:1], ok[:1], ref_ratios)[0]
    ratios = limb_ratios(limb_lengths(src, ok), limb_lengths(ref, ok[0]))
    out = retarget(src, ok, ratios)
    # each limb's typical (median) length over the clip is now the reference's
    np.testing.assert_allclose(limb_lengths(out, ok), limb_lengths(ref, ok[0]), rtol=1e-9)
    neck = lambda p: (p[..., 5, :] + p[..., 6, :]) / 2  # noqa: E731
    np.testing.assert_allclose(neck(out), neck(src))
    for a, b in ((7, 9), (13, 15), (0, 1)):  # every limb keeps its direction
        u, v = src[:, b] - src[:, a], out[:, b] - out[:, a]
        np.testing.assert_allclose(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0], 0, atol=1e-9)
        assert (np.sum(u * v, -1) > 0).all()


def _ctx(node, **params):
    from studio.engine.context import Context, Runtime
    return Context("n1", node.title, {**node.spec().defaults(), **params}, 0, "cpu", Runtime())


def test_retarget_pose_node_and_refusals():
    from nodes.preprocess.draw_pose import DrawPose, RetargetPose
    from studio.core.errors import StudioError
    xy, sc = _fixture(17, persons=2)
    sc[:] = 0.9
    pose = Keypoints(np.repeat(xy.reshape(1, 34, 2), 3, 0), np.ones((3, 34), bool), 96, 80, 24.0,
                     np.repeat(sc.reshape(1, 34), 3, 0), np.array([4, 7]), "coco17")
    ref_xy = xy[:1] * 0.5  # a character half the size
    ref = Keypoints(ref_xy.reshape(1, 17, 2), np.ones((1, 17), bool), 96, 80, 24.0, np.full((1, 17), 0.9, np.float32),
                    np.array([0]), "coco17")
    out = RetargetPose().run(_ctx(RetargetPose), pose, ref)
    assert out.layout == "coco17" and list(out.person_ids) == [4, 7] and out.points.shape == pose.points.shape
    p, v, _ = out.person_points(2)
    np.testing.assert_allclose(limb_lengths(p[0], v[0]), limb_lengths(ref_xy[0], np.ones(17, bool)), rtol=1e-5)
    tracks = Keypoints(xy.reshape(1, 34, 2), np.ones((1, 34), bool), 96, 80)
    with pytest.raises(StudioError, match="Draw Pose's pose input wants Pose Estimate's poses .*got point tracks"):
        DrawPose().run(_ctx(DrawPose), tracks)
    with pytest.raises(StudioError, match="reference has 1 frames and 1 people: frame 3"):
        RetargetPose().run(_ctx(RetargetPose, frame=3), pose, ref)
