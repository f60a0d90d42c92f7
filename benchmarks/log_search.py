"""A coordinate search in log space, for fitting a few cost weights to measured times (fit_work_costs.py,
fit_vae_costs.py): each weight moved up and down by a step, the step halved when none helps, until below 1 %."""
from __future__ import annotations

import math


def coordinate_search(loss, start, free=None, floor: dict | None = None) -> list[float]:
    """The log-weights from ``start`` that ``loss`` (of a list of log-weights) finds least; ``free``: the indices
    moved (default all); ``floor``: index -> the lowest log-weight it may take."""
    x, step = [float(v) for v in start], 2.0
    free = range(len(x)) if free is None else free
    floor = floor or {}
    best = loss(x)
    while step > 0.01:
        moved = False
        for i in free:
            for d in (step, -step):
                y = list(x)
                y[i] = max(y[i] + d, floor.get(i, -math.inf))
                got = loss(y)
                if got < best:
                    x, best, moved = y, got, True
        if not moved:
            step /= 2
    return x
