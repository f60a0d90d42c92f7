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


def key_flows(frames: np.ndarray, key: int | None = None, still_test: bool = True) -> np.ndarray:
    """Dense displacement of every key-frame pixel to each frame of a clip [T, H, W, C]:
    [T, H, W, 2] pixels (zero at the key frame, the middle one by default), measured by the
    motion package's DIS flow from the key frame to frame t, on the HSV value channel (coloured
    objects on a darker ground differ more there than in grey). With ``still_test`` a pixel keeps
    zero motion where that explains the frame as well as the measured flow does."""
    t = len(frames)
    key = t // 2 if key is None else key
    out = np.zeros(frames.shape[:3] + (2,), np.float32)
    ref = np.asarray(frames[key], np.float32)
    for k in range(t):
        if k != key:
            f = compute_flow(ref, frames[k], value=True)
            if still_test:
                # DIS spreads motion into flat ground around a moving object (its smoothness term):
                # motion is kept only within reach of where the picture changes (reach: 15 % of the
                # smaller side, about an object's radius, so the flat inside of an object that moves
                # less than its size keeps its motion)
                changed = (np.abs(np.asarray(frames[k], np.float32) - ref).max(axis=2) > 0.05).astype(np.uint8)
                r = max(1, int(round(0.15 * min(ref.shape[:2]))))
                near = cv2.dilate(changed, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
                f[near == 0] = 0.0
            out[k] = f
    return out
