"""Optical flow for the generators, over the motion package's ``flowlib``. Flow is [H, W, 2]
float32 pixels, backward-warp convention: ``img1(x + flow(x)) ~ img0(x)``."""
from __future__ import annotations

import cv2
import numpy as np

from nodes.motion import flowlib


def compute_flow(img0: np.ndarray, img1: np.ndarray, value: bool = False) -> np.ndarray:
    """Flow from img0 to img1, [H, W, 2] pixels (DIS medium). Tiny frames (the 32x32 training
    clips) are upscaled first: DIS works on 8-pixel patches and reads half the motion on 32x32."""
    if value:  # the HSV value (max of R, G, B): saturated colours stay apart from a dull ground
        img0, img1 = np.asarray(img0).max(axis=2), np.asarray(img1).max(axis=2)
    g0, g1 = flowlib.to_gray8(img0), flowlib.to_gray8(img1)
    s = _upscale(g0.shape)
    return _gray_flow(_scaled(g0, s), _scaled(g1, s), s)


def _upscale(shape) -> int:
    """The factor that makes the smaller side at least 96 pixels (see compute_flow)."""
    return max(1, int(np.ceil(96 / max(1, min(shape[0], shape[1])))))


def _scaled(g: np.ndarray, s: int) -> np.ndarray:
    h, w = g.shape
    return cv2.resize(g, (w * s, h * s), interpolation=cv2.INTER_LINEAR) if s > 1 else g


def _gray_flow(g0: np.ndarray, g1: np.ndarray, s: int) -> np.ndarray:
    """DIS flow between two 8-bit frames upscaled ``s`` times, at the original size."""
    f = flowlib.compute_flow(g0, g1, "dis_medium")
    if s > 1:
        h, w = g0.shape[0] // s, g0.shape[1] // s
        f = cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) / np.float32(s)
    return f.astype(np.float32)


def warp_backward(img: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Sample ``img`` at ``x + flow(x)`` (bilinear, border replicate)."""
    return np.asarray(flowlib.warp_backward(img, flow), np.float32)


def clip_velocity(frames: np.ndarray, min_mag: float = 0.2) -> np.ndarray:
    """The dominant per-clip translation (pixels per frame, [vx, vy]) of a clip [T, H, W, C],
    from optical flow between consecutive frames: the median flow over the pixels that move
    clearly (at least half the 98th-percentile magnitude; a mean over all moving pixels
    under-reads by ~half on small shapes, measured on the synthetic set)."""
    vs = []
    for t in range(len(frames) - 1):
        f = compute_flow(frames[t], frames[t + 1])
        mag = np.linalg.norm(f, axis=2)
        m = mag > max(min_mag, 0.5 * float(np.percentile(mag, 98)))
        vs.append(np.median(f[m], axis=0) if m.sum() >= 3 else np.zeros(2, np.float32))
    if not vs:
        return np.zeros(2, np.float32)
    return np.median(np.stack(vs), axis=0).astype(np.float32)


def key_flows(frames: np.ndarray, key: int | None = None, still_test: bool = True) -> np.ndarray:
    """Dense displacement of every key-frame pixel to each frame of a clip [T, H, W, C]:
    [T, H, W, 2] pixels (zero at the key frame, the middle one by default), measured by the
    motion package's DIS flow from the key frame to frame t, on the HSV value channel (coloured
    objects on a darker ground differ more there than in grey). With ``still_test`` a pixel keeps
    zero motion where that explains the frame as well as the measured flow does."""
    t = len(frames)
    key = t // 2 if key is None else key
    frames = np.asarray(frames, np.float32)
    out = np.zeros(frames.shape[:3] + (2,), np.float32)
    h, w = frames.shape[1:3]
    # what compute_flow(ref, frame, value=True) does frame by frame, once for the clip: the value
    # channel in 8 bits (elementwise, so the clip's frames go through as one image) and the
    # upscale of the key frame
    gray = flowlib.to_gray8(frames.max(axis=3).reshape(t * h, w)).reshape(t, h, w)
    s = _upscale((h, w))
    g_ref = _scaled(gray[key], s)
    changed = None
    if still_test:
        # DIS spreads motion into flat ground around a moving object (its smoothness term):
        # motion is kept only within reach of where the picture changes (reach: 15 % of the
        # smaller side, about an object's radius, so the flat inside of an object that moves
        # less than its size keeps its motion)
        changed = (np.abs(frames - frames[key]).max(axis=3) > 0.05).astype(np.uint8)
        r = max(1, int(round(0.15 * min(h, w))))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    for k in range(t):
        if k != key:
            f = _gray_flow(g_ref, _scaled(gray[k], s), s)
            if changed is not None:
                f[cv2.dilate(changed[k], kernel) == 0] = 0.0
            out[k] = f
    return out
