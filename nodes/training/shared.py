"""What both trainables use: the atomic file write, the preview filmstrip, the node's progress."""
from __future__ import annotations

from typing import Callable

import numpy as np


def atomic_write(path: str, write) -> None:
    """``write(tmp)`` then the shared atomic rename (the user's umask; never over a device)."""
    from studio.core.paths import atomic_path
    with atomic_path(path) as tmp:
        write(tmp)


def filmstrip(video: np.ndarray, scale: int = 2, max_frames: int = 8) -> np.ndarray:
    """[T, H, W, 3] -> one image with the frames side by side (a preview of motion)."""
    t = video.shape[0]
    pick = np.linspace(0, t - 1, min(t, max_frames)).round().astype(int)
    strip = np.concatenate([video[i] for i in pick], axis=1)
    if scale > 1:
        strip = strip.repeat(scale, 0).repeat(scale, 1)
    return np.ascontiguousarray(strip.clip(0, 1).astype(np.float32))


def step_progress(ctx) -> Callable:
    """The trainer's progress as the node's, counted in optimiser steps (unit "step")."""
    def progress(step, total, preview=None, budget_end=None, **values):
        ctx.progress(step, total, preview=preview, unit="step", budget_end=budget_end, **values)
    return progress
