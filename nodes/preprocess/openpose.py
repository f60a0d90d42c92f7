"""The OpenPose / DWPose drawing convention the pose control models were trained on: the 18-point
OpenPose body (COCO-17 plus a neck at the shoulders' midpoint), its 17 limb pairs and 18 colours,
limbs as filled ellipses (stick width 4) dimmed to 0.6, joints as radius-4 dots; hands (21 points,
HSV-coloured bones, blue joints) and face (68 white dots) as DWPose draws them.

Plain numpy + OpenCV. Coordinates given to the drawing functions are normalised to [0, 1] (x by the
width, y by the height), as the published code takes them, so a drawing matches it pixel for pixel."""
from __future__ import annotations

import math

import cv2
import numpy as np

STICKWIDTH = 4
# OpenPose-18 limb pairs (1-based, as published) and one colour per limb / per point
LIMB_SEQ = ((2, 3), (2, 6), (3, 4), (4, 5), (6, 7), (7, 8), (2, 9), (9, 10), (10, 11), (2, 12), (12, 13),
            (13, 14), (2, 1), (1, 15), (15, 17), (1, 16), (16, 18), (3, 17), (6, 18))
COLORS = ((255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
          (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
          (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85))
HAND_EDGES = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10), (10, 11), (11, 12),
              (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20))
EPS = 0.01

# OpenPose-18 point k is COCO-17 point COCO_OF_OPENPOSE[k]; the neck (-1) is the shoulders' midpoint
COCO_OF_OPENPOSE = (0, -1, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13, 15, 2, 1, 4, 3)
# COCO-WholeBody 133: body 0-16, feet 17-22, face 23-90, left hand 91-111, right hand 112-132
FACE = slice(23, 91)
LEFT_HAND = slice(91, 112)
RIGHT_HAND = slice(112, 133)


def _hsv_colors(n: int) -> np.ndarray:
    """HSV hues i/n at full saturation and value, times 255 (float64, as the published hsv_to_rgb
    computes them for a Python float hue)."""
    h = np.arange(n, dtype=np.float64) / float(n)
    i = (h * 6.0).astype(int)
    f = (h * 6.0) - i
    v = np.ones_like(h)
    p, q, t = v * 0.0, v * (1.0 - f), v * (1.0 - (1.0 - f))
    r = np.choose(i % 6, [v, q, p, p, t, v])
    g = np.choose(i % 6, [t, v, v, q, p, p])
    b = np.choose(i % 6, [p, p, t, v, v, q])
    return np.stack([r, g, b], -1) * 255


HAND_COLORS = _hsv_colors(len(HAND_EDGES))


def coco_to_openpose(xy: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """COCO-17 points [..., 17, 2] and their validity [..., 17] to OpenPose-18 (the neck is the
    shoulders' midpoint, valid where both shoulders are)."""
    idx = np.array([c if c >= 0 else 0 for c in COCO_OF_OPENPOSE])
    out, valid = xy[..., idx, :].copy(), ok[..., idx].copy()
    out[..., 1, :] = (xy[..., 5, :] + xy[..., 6, :]) / 2
    valid[..., 1] = ok[..., 5] & ok[..., 6]
    return out, valid


def draw_body(canvas: np.ndarray, body: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """OpenPose-18 bodies [P, 18, 2] (normalised) with validity [P, 18] on a uint8 [H, W, 3]
    canvas: the limbs as ellipses, the canvas times 0.6, then the joints. Returns the new canvas."""
    H, W = canvas.shape[:2]
    for i in range(17):
        a, b = LIMB_SEQ[i][0] - 1, LIMB_SEQ[i][1] - 1
        for n in range(len(body)):
            if not (valid[n, a] and valid[n, b]):
                continue
            Y = body[n, [a, b], 0] * float(W)
            X = body[n, [a, b], 1] * float(H)
            mX, mY = np.mean(X), np.mean(Y)
            length = ((X[0] - X[1]) ** 2 + (Y[0] - Y[1]) ** 2) ** 0.5
            angle = math.degrees(math.atan2(X[0] - X[1], Y[0] - Y[1]))
            poly = cv2.ellipse2Poly((int(mY), int(mX)), (int(length / 2), STICKWIDTH), int(angle), 0, 360, 1)
            cv2.fillConvexPoly(canvas, poly, COLORS[i])
    canvas = (canvas * 0.6).astype(np.uint8)
    for i in range(18):
        for n in range(len(body)):
            if valid[n, i]:
                x, y = body[n, i]
                cv2.circle(canvas, (int(x * W), int(y * H)), 4, COLORS[i], thickness=-1)
    return canvas


def draw_hands(canvas: np.ndarray, hands: np.ndarray) -> np.ndarray:
    """Hands [P, 21, 2] (normalised; a point not found is at or below 0) on the canvas, in place."""
    H, W = canvas.shape[:2]
    for peaks in hands:
        for ie, (e0, e1) in enumerate(HAND_EDGES):
            x1, y1 = int(peaks[e0, 0] * W), int(peaks[e0, 1] * H)
            x2, y2 = int(peaks[e1, 0] * W), int(peaks[e1, 1] * H)
            if x1 > EPS and y1 > EPS and x2 > EPS and y2 > EPS:
                cv2.line(canvas, (x1, y1), (x2, y2), HAND_COLORS[ie].tolist(), thickness=2)
        for x, y in peaks:
            x, y = int(x * W), int(y * H)
            if x > EPS and y > EPS:
                cv2.circle(canvas, (x, y), 4, (0, 0, 255), thickness=-1)
    return canvas


def draw_faces(canvas: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Face landmarks [P, 68, 2] (normalised; not found: at or below 0) as white dots, in place."""
    H, W = canvas.shape[:2]
    for lmks in faces:
        for x, y in lmks:
            x, y = int(x * W), int(y * H)
            if x > EPS and y > EPS:
                cv2.circle(canvas, (x, y), 3, (255, 255, 255), thickness=-1)
    return canvas


def draw_pose(width: int, height: int, points: np.ndarray, ok: np.ndarray, hands: bool = True,
              face: bool = True) -> np.ndarray:
    """One frame's people [P, K, 2] (normalised COCO-17 or COCO-WholeBody-133 order) with their
    validity [P, K] drawn on black in the OpenPose / DWPose convention: uint8 [H, W, 3]."""
    canvas = np.zeros((height, width, 3), np.uint8)
    if points.shape[0] == 0:
        return canvas
    body, valid = coco_to_openpose(points[:, :17], ok[:, :17])
    canvas = draw_body(canvas, body, valid)
    if points.shape[1] >= 133:
        hidden = np.where(ok[..., None], points, -1.0)
        if hands:
            draw_hands(canvas, np.concatenate([hidden[:, LEFT_HAND], hidden[:, RIGHT_HAND]]))
        if face:
            draw_faces(canvas, hidden[:, FACE])
    return canvas
