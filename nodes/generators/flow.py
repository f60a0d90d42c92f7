"""Optical flow for the generators: the motion package's ``compute_flow`` when it is installed,
else OpenCV's DIS directly. Flow is [H, W, 2] float32 pixels, backward-warp convention:
``img1(x + flow(x)) ~ img0(x)``."""
from __future__ import annotations

import cv2
import numpy as np


def _gray_u8(img: np.ndarray) -> np.ndarray:
    x = np.asarray(img, np.float32)
    if x.ndim == 3 and x.shape[2] == 3:
        x = x @ np.array([0.299, 0.587, 0.114], np.float32)
    elif x.ndim == 3:
        x = x[..., 0]
    return np.clip(x * 255.0 + 0.5, 0, 255).astype(np.uint8)


_DIS = None


def _dis(g0: np.ndarray, g1: np.ndarray) -> np.ndarray:
    try:
        from nodes.motion.flowlib import compute_flow as cf  # the motion package, when present
    except Exception:  # noqa: BLE001 - missing or broken: DIS directly
        cf = None
    if cf is not None:
        return np.asarray(cf(g0, g1, "dis_medium"), np.float32)
    global _DIS
    if _DIS is None:
        _DIS = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    return _DIS.calc(g0, g1, None).astype(np.float32)


def compute_flow(img0: np.ndarray, img1: np.ndarray) -> np.ndarray:
    """Flow from img0 to img1, [H, W, 2] pixels. Tiny frames (the 32x32 training clips) are
    upscaled first: DIS works on 8-pixel patches and reads half the motion on 32x32 frames."""
    g0, g1 = _gray_u8(img0), _gray_u8(img1)
    h, w = g0.shape
    s = max(1, int(np.ceil(96 / max(1, min(h, w)))))
    if s > 1:
        g0 = cv2.resize(g0, (w * s, h * s), interpolation=cv2.INTER_LINEAR)
        g1 = cv2.resize(g1, (w * s, h * s), interpolation=cv2.INTER_LINEAR)
    f = _dis(g0, g1)
    if s > 1:
        f = cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) / np.float32(s)
    return f.astype(np.float32)


def warp_backward(img: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Sample ``img`` at ``x + flow(x)`` (bilinear, border replicate)."""
    try:
        from nodes.motion.flowlib import warp_backward as wb
        return np.asarray(wb(img, flow), np.float32)
    except Exception:  # noqa: BLE001
        pass
    h, w = flow.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = cv2.remap(np.asarray(img, np.float32), gx + flow[..., 0], gy + flow[..., 1], cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(img.shape)


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
