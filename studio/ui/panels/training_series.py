"""The Training dock's data, apart from its widget: a value name's points (:class:`Series`, with
an incremental EMA), one node's history (:class:`NodeHistory`) and the step line
(:func:`step_text`). Plain numpy: no Qt."""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

MAX_POINTS = 200_000     # per value name and node; then every second point is dropped


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def ema(y: np.ndarray, weight: float, start: int = 0, state: float = 0.0,
        out: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Debiased exponential moving average of ``y`` (TensorBoard's smoothing: the first point is
    the first value, not pulled towards zero). ``start``, ``state`` (the biased EMA after point
    ``start - 1``) and ``out`` continue an earlier call. Returns (out, state after the last point)."""
    n = y.shape[0]
    if out is None or out.shape[0] < n:
        new = np.empty(max(2 * n, 16), np.float64)
        if out is not None and start:
            new[:start] = out[:start]
        out = new
    if weight <= 0.0:
        out[start:n] = y[start:n]
        return out, float(y[n - 1]) if n else 0.0
    a, b = float(weight), 1.0 - float(weight)
    s, k, res = state, start, []
    for v in y[start:n].tolist():  # a recursion; only points added since the last redraw go through it
        s = a * s + b * v
        k += 1
        res.append(s / (1.0 - a ** k))
    out[start:n] = res
    return out, s


class Series:
    """One value name's points: growable step and value arrays."""
    __slots__ = ("x", "y", "n", "nonfinite", "_sm", "_sm_n", "_sm_w", "_sm_prev")

    def __init__(self):
        self.x = np.empty(256, np.float64)
        self.y = np.empty(256, np.float64)
        self.n = 0
        self.nonfinite = 0
        self._sm: np.ndarray | None = None
        self._sm_n = 0       # points smoothed so far
        self._sm_w = -1.0    # with this weight
        self._sm_prev = 0.0  # biased EMA after the last smoothed point

    def append(self, step: float, value: float) -> None:
        if not math.isfinite(value):
            self.nonfinite += 1
            return
        if self.n and self.x[self.n - 1] == step:  # the same step again: the newer value
            self.y[self.n - 1] = value
            self._sm_n = 0  # recomputed once
            return
        if self.n == self.x.shape[0]:
            if self.n >= MAX_POINTS:
                self.halve()
            else:
                self.x = np.concatenate([self.x, np.empty_like(self.x)])
                self.y = np.concatenate([self.y, np.empty_like(self.y)])
        self.x[self.n] = step
        self.y[self.n] = value
        self.n += 1

    def halve(self) -> None:
        keep = np.arange(0, self.n, 2)
        if keep[-1] != self.n - 1:
            keep = np.append(keep, self.n - 1)  # the newest point stays
        m = keep.shape[0]
        self.x[:m] = self.x[keep]
        self.y[:m] = self.y[keep]
        self.n = m
        self._sm_n = 0

    def truncate_from(self, step: float) -> None:
        """Drop the points at ``step`` and after (a run that went back to an earlier step)."""
        k = int(np.searchsorted(self.x[:self.n], step, side="left"))
        if k < self.n:
            self.n = k
            self._sm_n = 0  # the EMA state at k is not kept: recompute once

    @property
    def steps(self) -> np.ndarray:
        return self.x[:self.n]

    @property
    def values(self) -> np.ndarray:
        return self.y[:self.n]

    def smoothed(self, weight: float) -> np.ndarray:
        """The EMA of the values, extended incrementally as points arrive."""
        if weight != self._sm_w or self._sm_n > self.n:
            self._sm_n, self._sm_w = 0, weight
        if self._sm_n == 0:
            self._sm_prev = 0.0
        if self._sm_n < self.n:
            self._sm, self._sm_prev = ema(self.y[:self.n], weight, self._sm_n, self._sm_prev, self._sm)
            self._sm_n = self.n
        if self._sm is None:
            return np.empty(0)
        return self._sm[:self.n]


class NodeHistory:
    """Everything one node reported with numbers: a series per value name, the last step and
    total, its latest preview image."""

    RATE_WINDOW = 3.0  # seconds of events the step rate is measured over

    def __init__(self, title: str = ""):
        self.title = title
        self.ticks: list[tuple[float, float]] = []  # (arrival time, step) of recent events: the rate
        self.series: dict[str, Series] = {}
        self.last_step: float | None = None
        self.total: int | None = None
        self.preview: np.ndarray | None = None
        self.preview_step: int | None = None
        self.latest: dict[str, float] = {}
        self.budget_end: int | None = None  # the step its time budget will stop it near (when before total)

    def add(self, step: float, values: dict[str, Any], total: int | None = None) -> bool:
        """Record the numbers of one progress event; False when it had none."""
        nums = {k: float(v) for k, v in values.items() if _is_number(v)}
        if not nums:
            return False
        if self.last_step is not None and step < self.last_step:
            for s in self.series.values():  # started again from an earlier step
                s.truncate_from(step)
        for k, v in nums.items():
            s = self.series.get(k)
            if s is None:
                s = self.series[k] = Series()
            s.append(step, v)
        self.latest.update(nums)
        now = time.monotonic()
        if self.last_step is not None and step < self.last_step:
            self.ticks.clear()
        self.ticks.append((now, float(step)))
        while len(self.ticks) > 2 and now - self.ticks[1][0] > self.RATE_WINDOW:
            del self.ticks[0]
        self.last_step = step
        if total is not None:
            self.total = total
        return True

    def points(self) -> int:
        return sum(s.n for s in self.series.values())

    def steps_per_second(self) -> float | None:
        """Steps a second over the last few seconds of events (None until two have come)."""
        if len(self.ticks) < 2:
            return None
        (t0, s0), (t1, s1) = self.ticks[0], self.ticks[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 and s1 > s0 else None


def step_text(h: NodeHistory) -> str:
    """'step 1,414 / 20,000', and where a time budget ends it: '· budget ends near 1,430'."""
    from studio.engine.run_state import step_words
    return step_words(int(h.last_step) if h.last_step is not None else 0, h.total, h.budget_end)
