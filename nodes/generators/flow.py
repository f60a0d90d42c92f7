"""Optical flow for the generators, over the motion package's ``flowlib``. Flow is [H, W, 2]
float32 pixels, backward-warp convention: ``img1(x + flow(x)) ~ img0(x)``."""
from __future__ import annotations

import cv2
import numpy as np

from nodes.motion import flowlib


def compute_flow(img0: np.ndarray, img1: np.ndarray) -> np.ndarray:
    """Flow from img0 to img1, [H, W, 2] pixels (DIS medium). Tiny frames (the 32x32 training
    clips) are upscaled first: DIS works on 8-pixel patches and reads half the motion on 32x32."""
    g0, g1 = flowlib.to_gray8(img0), flowlib.to_gray8(img1)
    h, w = g0.shape
    s = max(1, int(np.ceil(96 / max(1, min(h, w)))))
    if s > 1:
        g0 = cv2.resize(g0, (w * s, h * s), interpolation=cv2.INTER_LINEAR)
        g1 = cv2.resize(g1, (w * s, h * s), interpolation=cv2.INTER_LINEAR)
    f = flowlib.compute_flow(g0, g1, "dis_medium")
    if s > 1:
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
