"""The blend modes' colour of a layer ``a`` on a base ``b`` (float pictures, 0..1, the same shape), by the
standard formulas (the W3C compositing spec's, as image editors and ComfyUI's ImageBlend use them): normal
('over'), add, subtract, multiply, screen, overlay, soft light, hard light, difference, darken, lighten, colour
dodge and colour burn. Vectorised over whole frames or chunks. Plain numpy."""
from __future__ import annotations

import numpy as np

MODES = ("over", "add", "multiply", "screen", "overlay", "difference", "lighten", "darken",
         "subtract", "soft light", "hard light", "colour dodge", "colour burn")


def _soft_light(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """W3C soft light: darkens the base where the layer is under a half, lightens it above."""
    d = np.where(b <= 0.25, ((16 * b - 12) * b + 4) * b, np.sqrt(np.maximum(b, 0)))
    return np.where(a <= 0.5, b - (1 - 2 * a) * b * (1 - b), b + (2 * a - 1) * (d - b))


def _dodge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """b / (1 - a), 0 where the base is 0, 1 where the layer is 1 (the rest capped at 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.minimum(1.0, b / np.maximum(1 - a, 1e-12))
    return np.where(b <= 0, 0.0, np.where(a >= 1, 1.0, x)).astype(np.float32)


def _burn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 - (1 - b) / a, 1 where the base is 1, 0 where the layer is 0 (the rest floored at 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = 1 - np.minimum(1.0, (1 - b) / np.maximum(a, 1e-12))
    return np.where(b >= 1, 1.0, np.where(a <= 0, 0.0, x)).astype(np.float32)


def blend(mode: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The colour of layer ``a`` blended on base ``b`` by ``mode`` (one of MODES)."""
    if mode == "over":
        return a
    if mode == "add":
        return a + b
    if mode == "subtract":  # (below 0 where the layer is brighter: a clip or the save clips it)
        return b - a
    if mode == "multiply":
        return a * b
    if mode == "screen":
        return a + b - a * b
    if mode == "overlay":
        return np.where(b <= 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b))
    if mode == "hard light":  # overlay with the layer and the base swapped
        return np.where(a <= 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b))
    if mode == "soft light":
        return _soft_light(a, b)
    if mode == "difference":
        return np.abs(a - b)
    if mode == "lighten":
        return np.maximum(a, b)
    if mode == "darken":
        return np.minimum(a, b)
    if mode == "colour dodge":
        return _dodge(a, b)
    if mode == "colour burn":
        return _burn(a, b)
    raise ValueError(f"unknown blend mode '{mode}'")
