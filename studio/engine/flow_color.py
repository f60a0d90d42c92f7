"""The Middlebury colour coding of optical flow (Baker et al. 2011): hue is the direction,
saturation the length. Used by the Flow to Color node (nodes.motion.flowlib re-exports it) and by
the viewer, which shows a Flow value in these colours."""
from __future__ import annotations

import numpy as np


def _colorwheel() -> np.ndarray:
    ry, yg, gc, cb, bm, mr = 15, 6, 4, 11, 13, 6
    cols = []
    cols += [(255, 255 * i / ry, 0) for i in range(ry)]
    cols += [(255 - 255 * i / yg, 255, 0) for i in range(yg)]
    cols += [(0, 255, 255 * i / gc) for i in range(gc)]
    cols += [(0, 255 - 255 * i / cb, 255) for i in range(cb)]
    cols += [(255 * i / bm, 0, 255) for i in range(bm)]
    cols += [(255, 0, 255 - 255 * i / mr) for i in range(mr)]
    return np.floor(np.array(cols, np.float64)).astype(np.float32) / 255.0


_WHEEL = _colorwheel()


def flow_to_color(flow: np.ndarray, max_mag: float | None = None) -> np.ndarray:
    """The Middlebury colour coding: hue is the direction, saturation the length relative to
    ``max_mag`` (default: the largest finite length in this flow). float32 RGB H x W x 3 in [0, 1].
    Zero flow is white; lengths beyond ``max_mag`` are darkened; NaN / inf show black."""
    f = np.asarray(flow, dtype=np.float32)
    if f.ndim != 3 or f.shape[2] != 2:
        raise ValueError(f"flow must be H x W x 2, got shape {f.shape}")
    u, v = f[..., 0], f[..., 1]
    bad = ~(np.isfinite(u) & np.isfinite(v))
    if bad.any():
        u = np.where(bad, 0, u)
        v = np.where(bad, 0, v)
    mag = np.sqrt(u * u + v * v)
    if max_mag is None:
        max_mag = float(mag.max()) if mag.size else 0.0
    max_mag = max(float(max_mag), 1e-6)
    rad = mag / np.float32(max_mag)
    ncols = _WHEEL.shape[0]
    a = np.arctan2(-v, -u) / np.pi
    fk = (a + 1) / 2 * (ncols - 1)
    k0 = np.floor(fk).astype(np.int32)
    k1 = k0 + 1
    k1[k1 == ncols] = 0
    t = (fk - k0)[..., None].astype(np.float32)
    col = (1 - t) * _WHEEL[k0] + t * _WHEEL[k1]
    r = rad[..., None]
    inside = r <= 1
    col = np.where(inside, 1 - r * (1 - col), col * 0.75)
    if bad.any():
        col[bad] = 0
    return np.clip(col, 0, 1).astype(np.float32)
