"""Synthetic clips with known motion for the motion tests and benchmarks."""
from __future__ import annotations

import cv2
import numpy as np

from studio.engine.clip import Clip


def texture(h: int, w: int, seed: int = 0, blur: float = 1.5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), blur)
    t -= t.min()
    return (t / t.max()).astype(np.float32)


def similarity(t: float, rot_deg: float = 0.0, zoom: float = 0.0, dx: float = 0.0, dy: float = 0.0,
               center=(0.0, 0.0)) -> np.ndarray:
    """2x3 matrix of the motion at time t: rotation rot_deg*t (counter-clockwise on screen),
    scale (1+zoom)^t, translation (dx, dy)*t, about ``center``."""
    m = cv2.getRotationMatrix2D(center, rot_deg * t, (1.0 + zoom) ** t)
    m[:, 2] += (dx * t, dy * t)
    return m


class MotionClip(Clip):
    """Frame t = a texture moved by similarity(t) about the frame centre, rendered lazily.
    ``pulled`` counts frame renders (to check laziness)."""

    def __init__(self, n: int = 6, w: int = 80, h: int = 64, rot: float = 0.0, zoom: float = 0.0,
                 dx: float = 0.0, dy: float = 0.0, seed: int = 0, fps: float = 24.0):
        super().__init__(n, fps, w, h, 3)
        self.pad = max(w, h) // 2
        self.tex = texture(h + 2 * self.pad, w + 2 * self.pad, seed)
        self.kw = dict(rot_deg=rot, zoom=zoom, dx=dx, dy=dy,
                       center=(self.pad + (w - 1) / 2, self.pad + (h - 1) / 2))
        self.pulled = 0

    def matrix(self, t: float) -> np.ndarray:
        return similarity(t, **self.kw)

    def _frame(self, i: int) -> np.ndarray:
        self.pulled += 1
        big = cv2.warpAffine(self.tex, self.matrix(i), self.tex.shape[1::-1], flags=cv2.INTER_CUBIC,
                             borderMode=cv2.BORDER_REFLECT)
        p = self.pad
        return np.clip(big[p:p + self.height, p:p + self.width], 0, 1)

    def map_points(self, pts: np.ndarray, t0: float, t1: float) -> np.ndarray:
        """Where points of frame t0 are in frame t1."""
        a = np.vstack([self.matrix(t0), [0, 0, 1]])
        b = np.vstack([self.matrix(t1), [0, 0, 1]])
        m = b @ np.linalg.inv(a)
        q = np.asarray(pts, np.float64) + self.pad
        return (q @ m[:2, :2].T + m[:2, 2] - self.pad).astype(np.float32)

    def true_flow(self, t0: float, t1: float) -> np.ndarray:
        gy, gx = np.mgrid[0:self.height, 0:self.width].astype(np.float32)
        pts = np.stack([gx.ravel(), gy.ravel()], 1)
        return (self.map_points(pts, t0, t1) - pts).reshape(self.height, self.width, 2)
