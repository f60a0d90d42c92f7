"""LivePortrait's face crop and paste-back, from 68 face points (COCO-WholeBody's face, iBUG's 68-point order: what
Studio's Pose Estimate finds with a whole-body ViTPose), written after the release's src/utils/crop.py
(parse_pt2_from_pt68, parse_rect_from_landmark, _estimate_similar_transform_from_pts, parse_bbox_from_landmark,
crop_image_by_bbox, prepare_paste_back, paste_back) and src/utils/cropper.py (crop_source_image,
crop_driving_video) at github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d (MIT).

The source crop: the two anchor points (the eyes' centre, the mouth corners' centre) give the face's upright axis;
the points' box in that rotated frame, squared, times 'scale', shifted by vx / vy times its size along the axes,
is mapped by a similarity onto a dsize x dsize square (rotated upright, or not), the picture warped into it
bilinearly (black outside) and resized to the networks' 256 (INTER_AREA). The driving crop (the release's
flag_crop_driving_video; it crops a driving video that is not square too): each frame's box (scale 2.2, vy -0.1,
not rotated), the boxes averaged over the clip, every frame cropped to that one box (resized bilinearly). The
paste-back: the animated face warped back by the crop's inverse, blended with the release's mask
(mask_template.png: 1 inside, falling linearly to 0 over the square's outer 1/32, its corners rounded; made here,
not read from a file) over the original picture, which is left exactly as it was where the mask is 0. The release
finds its points with InsightFace (106 points) and the crop's box is theirs; Studio's 68 points are the set kijai's
FaceAlignment cropper gives the same functions: the box differs a little with the points' set."""
from __future__ import annotations

import math

import numpy as np

EYES = ((36, 39), (42, 45))  # iBUG 68: each eye's outer and inner corners (the release's lm_idx 37, 40 / 43, 46)
MOUTH = (48, 54)  # the mouth's corners (49, 55)
ANCHORS = (*EYES[0], *EYES[1], *MOUTH)
MIN_POINTS = 10  # face points above the threshold, the anchors among them, for a face to be found


def anchors(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The release's parse_pt2_from_pt68 (use_lip): the eyes' centre and the mouth corners' centre."""
    eye = (pts[list(EYES[0])].mean(0) + pts[list(EYES[1])].mean(0)) / 2
    return eye, (pts[MOUTH[0]] + pts[MOUTH[1]]) / 2


def rect(pts: np.ndarray, used: np.ndarray, scale: float, vx: float, vy: float) -> tuple[np.ndarray, float, float]:
    """The release's parse_rect_from_landmark: (centre, side, angle in radians) of the face's square, from the 68
    points ``pts`` where ``used``."""
    top, low = anchors(pts)
    uy = low - top
    n = float(np.linalg.norm(uy))
    uy = uy / n if n > 1e-3 else np.array([0.0, 1.0])
    ux = np.array([uy[1], -uy[0]])
    angle = math.acos(max(-1.0, min(1.0, ux[0]))) * (-1 if ux[1] < 0 else 1)
    q = pts[used].astype(np.float64)
    c0 = q.mean(0)
    r = (q - c0) @ np.stack([ux, uy]).T
    lo, hi = r.min(0), r.max(0)
    mid = (lo + hi) / 2
    side = float(max(hi - lo)) * scale
    centre = c0 + ux * mid[0] + uy * mid[1] + ux * (vx * side) + uy * (vy * side)
    return centre, side, angle


def similarity(centre: np.ndarray, side: float, angle: float, dsize: int, rotate: bool) -> np.ndarray:
    """The 3 x 3 map from the picture to the dsize crop (the release's M_INV / M_o2c)."""
    s = dsize / side
    c, sn = (math.cos(angle), math.sin(angle)) if rotate else (1.0, 0.0)
    cx, cy = centre
    t = dsize / 2
    return np.array([[s * c, s * sn, t - s * (c * cx + sn * cy)],
                     [-s * sn, s * c, t - s * (-sn * cx + c * cy)],
                     [0.0, 0.0, 1.0]])


def source_crop(pts, used, dsize: int, scale: float, vx: float, vy: float, rotate: bool) -> np.ndarray:
    """M_o2c of the release's crop_source_image (crop_image) for one face's 68 points."""
    return similarity(*rect(pts, used, scale, vx, vy), dsize, rotate)


def driving_box(pts, used, scale: float = 2.2, vy: float = -0.1) -> np.ndarray:
    """(left, top, right, bottom) of the release's crop_driving_video box for one frame: parse_bbox_from_landmark's
    axis-aligned 'bbox' (the release passes its vx under another name: 0)."""
    (cx, cy), side, _ = rect(pts, used, scale, 0.0, vy)
    return np.array([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2])


def box_crop(box: np.ndarray, dsize: int) -> np.ndarray:
    """M_o2c of the release's crop_image_by_bbox (not rotated): the box's width onto dsize, centres matched."""
    left, top, right, bottom = box
    return similarity(np.array([(left + right) / 2, (top + bottom) / 2]), right - left, 0.0, dsize, False)


def warp(img: np.ndarray, M: np.ndarray, width: int, height: int) -> np.ndarray:
    """The release's _transform_img: cv2.warpAffine, bilinear, black beyond the picture."""
    import cv2
    out = cv2.warpAffine(np.ascontiguousarray(img, dtype=np.float32), np.float32(M[:2]), (width, height),
                         flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return out.reshape(height, width, -1)


def to_networks(img: np.ndarray, M: np.ndarray, dsize: int, size: int, area: bool = True) -> np.ndarray:
    """The crop, resized to the networks' size as the release does: INTER_AREA for a source crop, cv2's default
    (bilinear) for the driving crops (live_portrait_pipeline.py)."""
    import cv2
    crop = warp(img, M, dsize, dsize)
    small = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA if area else cv2.INTER_LINEAR)
    return small.reshape(size, size, -1)


def feather(size: int) -> np.ndarray:
    """[size, size] float32: the release's mask_template.png made by its rule: 1 in the square's inner part, falling
    linearly to 0 at its edge over size / 32 pixels (16 at 512), rounded about the inner square's corners."""
    m = size / 32
    i = np.arange(size, dtype=np.float64)
    d = np.maximum(np.maximum(m - i, i - (size - 1 - m)), 0)  # distance outside the inner square, one axis
    dist = np.hypot(d[:, None], d[None, :])
    return np.clip(1 - dist / m, 0, 1).astype(np.float32)


def paste_back(face: np.ndarray, M_o2c: np.ndarray, dsize: int, original: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The release's paste_back: the animated crop ``face`` [S, S, C] (S: the generator's side; the crop was dsize)
    warped back into ``original`` [H, W, C] by the crop's inverse, blended with ``mask`` [S, S] warped alike."""
    S = face.shape[0]
    h, w = original.shape[:2]
    back = np.linalg.inv(M_o2c) @ np.diag([dsize / S, dsize / S, 1.0])  # generator pixels -> the picture's
    m = warp(mask, back, w, h)
    y = warp(face, back, w, h)
    c = original.shape[2]
    return np.clip(m * y[..., :c] + (1 - m) * original, 0, 1).astype(np.float32)
