"""Timeline maths without Qt: the ruler's label step for a zoom, and runs of consecutive frames."""
from __future__ import annotations

import math


def nice_step(min_frames: float, fps: float) -> int:
    """A ruler step (in frames) of at least ``min_frames``: 1, 2, 5, 10 ... or whole seconds."""
    r = max(1, int(round(fps)))
    for c in (1, 2, 5, 10):
        if c >= min_frames and c < r:
            return c
    for secs in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if secs * r >= min_frames:
            return secs * r
    return int(math.ceil(min_frames))


def frame_runs(sorted_frames: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 8] -> [(1, 4), (7, 9)]"""
    out: list[tuple[int, int]] = []
    for f in sorted_frames:
        if out and out[-1][1] == f:
            out[-1] = (out[-1][0], f + 1)
        else:
            out.append((f, f + 1))
    return out
