"""A coordinate search in log space, for fitting a few cost weights to measured times (fit_work_costs.py,
fit_vae_costs.py): each weight moved up and down by a step, the step halved when none helps, until below 1 %; and
what both fits report: each case against a fit without it, printed and written to benchmarks/results/."""
from __future__ import annotations

import math
import os


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


def left_out(fit, rows, start):
    """Each row with the weights ``fit(rows, start)`` finds without it (how a case no fit has seen is predicted)."""
    for i, row in enumerate(rows):
        yield row, fit(rows[:i] + rows[i + 1:], start)


def report(lines: list[str], name: str) -> None:
    """``lines`` printed and written to benchmarks/results/``name``."""
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", name), "w") as f:
        f.write(text)
