"""Keypoint detection, pyramidal Lucas-Kanade tracking with a forward-backward check and
re-detection, and a thin-plate-spline warp. Plain numpy / OpenCV, importable without the engine.

Points are float32 ``[N, 2]`` (x, y) in pixels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

import cv2
import numpy as np

from .flowlib import to_gray8

DETECTORS = ("good_features", "orb", "sift")


def detect(img: np.ndarray, method: str = "good_features", max_points: int = 200,
           quality: float = 0.01, min_distance: float = 7.0, mask: np.ndarray | None = None) -> np.ndarray:
    """Corner / feature points of an image, strongest first: float32 [N, 2] (x, y).

    ``mask``: uint8 H x W, non-zero where points may be found."""
    if method not in DETECTORS:
        raise ValueError(f"unknown detector '{method}' (known: {', '.join(DETECTORS)})")
    g = to_gray8(img)
    if max_points <= 0:
        return np.zeros((0, 2), np.float32)
    if method == "good_features":
        p = cv2.goodFeaturesToTrack(g, max_points, quality, max(1.0, float(min_distance)), mask=mask,
                                    blockSize=7)
        return np.zeros((0, 2), np.float32) if p is None else p.reshape(-1, 2).astype(np.float32)
    det = (cv2.ORB_create(nfeatures=max_points * 4, edgeThreshold=8, patchSize=15, fastThreshold=10)
           if method == "orb"
           else cv2.SIFT_create(nfeatures=max_points * 2))
    kps = det.detect(g, mask)
    kps = sorted(kps, key=lambda k: -k.response)
    pts = np.array([k.pt for k in kps], np.float32).reshape(-1, 2)
    return _spread(pts, max_points, min_distance)


def _spread(pts: np.ndarray, max_points: int, min_distance: float) -> np.ndarray:
    """Greedy non-maximum suppression: keep points (strongest first) at least min_distance apart."""
    if len(pts) == 0 or min_distance <= 0:
        return pts[:max_points]
    keep: list[int] = []
    d2 = min_distance * min_distance
    kept = np.zeros((0, 2), np.float32)
    for k in range(len(pts)):
        if len(kept) and (((kept - pts[k]) ** 2).sum(1) < d2).any():
            continue
        keep.append(k)
        kept = pts[keep]
        if len(keep) >= max_points:
            break
    return pts[keep]


@dataclass
class TrackParams:
    detector: str = "good_features"
    max_points: int = 200
    quality: float = 0.01
    min_distance: float = 7.0
    win_size: int = 21
    levels: int = 3
    fb_threshold: float = 1.0     # pixels: forward-backward error above this loses the point
    max_error: float = 12.0       # mean abs. patch difference (0..255 grey) above this loses it; 0 = off
    redetect: bool = True
    redetect_below: float = 0.7   # re-detect when fewer than this fraction of max_points is alive
    max_tracks: int = 2000        # never more tracks in all than this


@dataclass
class Tracks:
    points: np.ndarray            # [T, N, 2] float32
    visible: np.ndarray           # [T, N] bool


def lk_step(prev: np.ndarray, cur: np.ndarray, pts: np.ndarray, win_size: int = 21, levels: int = 3,
            fb_threshold: float = 1.0, max_error: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """Track ``pts`` from grey uint8 ``prev`` to ``cur``. Returns (new points, ok mask): ok where
    both directions converged, the forward-backward error is below ``fb_threshold``, the patches
    still look alike (mean absolute difference at most ``max_error``, 0 = no check) and the
    point stays inside the frame."""
    if len(pts) == 0:
        return pts.copy(), np.zeros(0, bool)
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01)
    p0 = pts.reshape(-1, 1, 2).astype(np.float32)
    lk = dict(winSize=(win_size, win_size), maxLevel=levels, criteria=crit)
    p1, st1, err = cv2.calcOpticalFlowPyrLK(prev, cur, p0, None, **lk)
    pb, st2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, p1, None, **lk)
    fb = np.linalg.norm((pb - p0).reshape(-1, 2), axis=1)
    p1 = p1.reshape(-1, 2)
    h, w = cur.shape[:2]
    inside = (p1[:, 0] >= 0) & (p1[:, 0] <= w - 1) & (p1[:, 1] >= 0) & (p1[:, 1] <= h - 1)
    ok = (st1.ravel() == 1) & (st2.ravel() == 1) & (fb < fb_threshold) & inside & np.isfinite(p1).all(1)
    if max_error > 0:
        ok &= err.ravel() <= max_error
    return p1, ok


def track(frames: Iterable[np.ndarray], params: TrackParams | None = None,
          initial: np.ndarray | None = None,
          on_frame: Callable[[int], None] | None = None) -> Tracks:
    """Track points across ``frames`` (an iterable of images). Points start from ``initial``
    ([N, 2]) or are detected in the first frame. Lost points stay lost (their track ends);
    when fewer than ``redetect_below * max_points`` are alive, new points are detected away from
    the living ones and start new tracks."""
    p = params or TrackParams()
    pts_hist: list[np.ndarray] = []   # per frame: [N_t, 2] of all tracks so far
    vis_hist: list[np.ndarray] = []
    prev = None
    alive_idx = np.zeros(0, np.int64)
    all_pts = np.zeros((0, 2), np.float32)  # current position of every track (last known)
    for t, img in enumerate(frames):
        if on_frame is not None:
            on_frame(t)
        g = to_gray8(img)
        if prev is None:
            first = (np.asarray(initial, np.float32).reshape(-1, 2) if initial is not None
                     else detect(g, p.detector, p.max_points, p.quality, p.min_distance))
            all_pts = first.copy()
            alive_idx = np.arange(len(first))
            vis = np.ones(len(first), bool)
        else:
            newp, ok = lk_step(prev, g, all_pts[alive_idx], p.win_size, p.levels, p.fb_threshold, p.max_error)
            all_pts[alive_idx] = newp
            alive_idx = alive_idx[ok]
            vis = np.zeros(len(all_pts), bool)
            vis[alive_idx] = True
            room = min(p.max_points - len(alive_idx), p.max_tracks - len(all_pts))
            if p.redetect and len(alive_idx) < p.redetect_below * p.max_points and room > 0:
                mask = np.full(g.shape, 255, np.uint8)
                r = max(1, int(round(p.min_distance)))
                for x, y in all_pts[alive_idx]:
                    cv2.circle(mask, (int(round(x)), int(round(y))), r, 0, -1)
                fresh = detect(g, p.detector, room, p.quality, p.min_distance, mask)
                if len(fresh):
                    start = len(all_pts)
                    all_pts = np.concatenate([all_pts, fresh])
                    alive_idx = np.concatenate([alive_idx, np.arange(start, start + len(fresh))])
                    vis = np.concatenate([vis, np.ones(len(fresh), bool)])
        pts_hist.append(all_pts.copy())
        vis_hist.append(vis)
        prev = g
    T, N = len(pts_hist), len(all_pts)
    points = np.zeros((T, N, 2), np.float32)
    visible = np.zeros((T, N), bool)
    for t in range(T):
        n = len(pts_hist[t])
        points[t, :n] = pts_hist[t]
        visible[t, :n] = vis_hist[t]
        if n < N:  # tracks born later: hold their first position before they appear
            points[t, n:] = np.nan
    # fill positions before birth with the birth position, after death with the last one
    for t in range(1, T):
        m = np.isnan(points[t, :, 0])
        points[t][m] = points[t - 1][m]
    for t in range(T - 2, -1, -1):
        m = np.isnan(points[t, :, 0])
        points[t][m] = points[t + 1][m]
    return Tracks(np.nan_to_num(points), visible)


# -- thin-plate spline -----------------------------------------------------------------------
def _tps_kernel(d2: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        k = 0.5 * d2 * np.log(d2)
    k[d2 == 0] = 0
    return k


def tps_fit(src: np.ndarray, dst: np.ndarray, regularization: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Fit a thin-plate spline mapping ``src`` [N, 2] to ``dst`` [N, 2].
    Returns (weights [N, 2], affine [3, 2])."""
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    n = len(src)
    if n < 3:
        raise ValueError(f"a thin-plate spline needs at least 3 points, got {n}")
    d2 = ((src[:, None, :] - src[None, :, :]) ** 2).sum(-1)
    K = _tps_kernel(d2) + regularization * np.eye(n)
    P = np.hstack([np.ones((n, 1)), src])
    A = np.zeros((n + 3, n + 3))
    A[:n, :n] = K
    A[:n, n:] = P
    A[n:, :n] = P.T
    b = np.zeros((n + 3, 2))
    b[:n] = dst
    sol = np.linalg.lstsq(A, b, rcond=None)[0]
    return sol[:n], sol[n:]


def tps_apply(src: np.ndarray, weights: np.ndarray, affine: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Evaluate a fitted spline at ``pts`` [M, 2] -> [M, 2] (chunked to bound memory)."""
    pts = np.asarray(pts, np.float64)
    src = np.asarray(src, np.float64)
    out = np.empty_like(pts)
    step = max(1, 2_000_000 // max(1, len(src)))
    for a in range(0, len(pts), step):
        q = pts[a:a + step]
        d2 = ((q[:, None, :] - src[None, :, :]) ** 2).sum(-1)
        out[a:a + step] = _tps_kernel(d2) @ weights + affine[0] + q @ affine[1:]
    return out


def tps_warp(img: np.ndarray, src_pts: np.ndarray, dst_pts: np.ndarray, regularization: float = 0.0,
             grid_step: int = 4, border: int = cv2.BORDER_REPLICATE) -> np.ndarray:
    """Warp ``img`` so that its content at ``src_pts`` moves to ``dst_pts`` (backward mapping: a
    spline dst -> src evaluated on a coarse grid, upsampled, then ``cv2.remap``)."""
    a = np.asarray(img, np.float32)
    h, w = a.shape[:2]
    wgt, aff = tps_fit(dst_pts, src_pts, regularization)
    # spline evaluated at block centres (one extra ring of blocks around the image); a
    # centre-aligned linear resize then lands every node on its pixel exactly
    st = max(1, int(grid_step))
    gh, gw = -(-h // st) + 2, -(-w // st) + 2
    gy, gx = np.mgrid[0:gh, 0:gw].astype(np.float64)
    off = (st - 1) / 2.0 - st
    q = np.stack([(gx * st + off).ravel(), (gy * st + off).ravel()], 1)
    m = tps_apply(dst_pts, wgt, aff, q).reshape(gh, gw, 2).astype(np.float32)
    big = m if st == 1 else cv2.resize(m, (gw * st, gh * st), interpolation=cv2.INTER_LINEAR)
    big = np.ascontiguousarray(big[st:st + h, st:st + w])
    out = cv2.remap(a, big[..., 0], big[..., 1], cv2.INTER_LINEAR, borderMode=border)
    return out.reshape(a.shape)
