"""The training loop: one for every trainable of the studio (issue 31).

The loop owns what a training run means to the artist, the same for every model:

* **resume**: when the settings say so it asks the trainable for the saved state (``load``); a
  resumed run continues to ``steps`` and its time budget counts the earlier runs' training time;
  a finished one (its steps or its budget spent) trains nothing and saves nothing;
* **the budget**: ``max_minutes`` is training time. Preparing the data, the batch probe
  (``prepare``) and the steps a trainable marks as set-up (``setup_steps``: compiling the networks
  happens in the first steps) are timed, reported and not counted;
* **cancel**: ``check()`` before every step (the trainable may call it inside a step too); a
  Cancelled saves the state at the last finished step, then is raised again: Stop within a second
  keeps a loadable file, Run again resumes;
* **the read-back policy** (:class:`~nodes.training.readback.LossLog`): losses stay on the device
  and are read together, every step on the CPU; the history gets every step, the progress display
  each step with its own losses, the last one with the preview, extras and where the budget ends;
* **the cadence**: a preview every ``preview_every`` steps (and at the end with ``preview_at_end``),
  a checkpoint every ``checkpoint_every`` steps, at a cancel and at the end.

A trainable (see :class:`Trainable`) holds the model, its optimiser and random state, and its data.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np
import torch

from studio.core.errors import Cancelled, StudioError

from .readback import LossLog


@dataclass
class Resumed:
    """What a trainable's saved state says about the run so far."""
    step: int
    seconds: float = 0.0  # training time so far (the budget counts it)
    history: list = field(default_factory=list)
    complete: bool = True  # the output file is there (else a finished run still saves it)


@dataclass
class LoopSettings:
    steps: int
    max_minutes: float = 0.0
    resume: bool = True
    preview_every: int = 0
    preview_at_end: bool = False
    checkpoint_every: int = 0
    read_every: int | None = None  # read the losses back every N steps (None: 1 on the CPU, 50 on a GPU)
    read_seconds: float | None = None  # ... or after this long (None: 0.25 s on a GPU)


@dataclass
class LoopResult:
    step: int
    resumed_from: int
    history: list
    seconds: float  # training time of this run (set-up not counted)
    prep_seconds: float  # preparing (data, batch probe): not counted
    setup_seconds: float  # the set-up steps (compiling): not counted
    stopped_by_budget: bool
    done_before: bool  # nothing to train: the saved run had finished


class Trainable(Protocol):
    device: torch.device
    setup_steps: int  # the first N steps include one-time set-up (compiling): not counted in the budget

    def load(self) -> Resumed | None:
        """The saved state, applied (or held for ``begin``); None: start from the beginning."""

    def prepare(self, done: bool) -> None:
        """Everything before the first step that is not training (not counted in the budget)."""

    def begin(self) -> None:
        """Just before the first step (inside the loop's ``try``: ``end`` undoes it)."""

    def step(self, step: int) -> dict:
        """One optimiser step (``step``: the steps done before it); its losses, tensors on the device."""

    def preview(self, step: int) -> tuple[np.ndarray | None, dict]:
        """(a preview image, extra values for the display) after ``step``."""

    def save(self, step: int, history: list, seconds: float) -> None:
        """Keep the state at ``step`` (``seconds``: training time in all)."""

    def end(self) -> None:
        """After the last step, a cancel or an error (undo what ``begin`` did)."""


def _noop(*a, **k):
    pass


def run_loop(t: Trainable, s: LoopSettings, progress: Callable = _noop, check: Callable[[], None] = lambda: None,
             info: Callable[[str], None] = _noop) -> LoopResult:
    """Train ``t`` under ``s``; ``progress(step, total, preview=None, budget_end=None, **values)``."""
    r = t.load() if s.resume else None
    start, prior, history = (r.step, r.seconds, list(r.history)) if r is not None else (0, 0.0, [])
    budget = s.max_minutes * 60.0 if s.max_minutes > 0 else None
    done = r is not None and r.complete and (start >= s.steps or (budget is not None and prior >= budget))
    t_prep = time.perf_counter()
    t.prepare(done)
    prep = time.perf_counter() - t_prep
    losses = LossLog(t.device, s.read_every, s.read_seconds)
    t0 = time.perf_counter()
    setup = 0.0  # seconds of the set-up steps, not counted

    def clock() -> float:
        """Training time of this run so far."""
        return time.perf_counter() - t0 - setup

    def report(extra: dict | None = None, preview=None, quiet: bool = False) -> None:
        """Read the losses back (one sync for every step since the last read), into the history;
        then to the display, each step with its own values (``quiet``: the history only, on cancel)."""
        try:
            rows = losses.read()
        except FloatingPointError as e:
            raise StudioError(str(e)) from None
        history.extend([st, round(logs["loss"], 6)] for st, logs in rows)
        if quiet:
            return
        for k, (st, logs) in enumerate(rows):
            last = k == len(rows) - 1
            end = _budget_end(st, start, clock(), budget, prior, s.steps) if last else None
            progress(st, s.steps, preview=preview if last else None, **logs, **((extra or {}) if last else {}),
                     **({"budget_end": end} if end is not None else {}))

    def save(step: int) -> None:
        t.save(step, history, round(prior + clock(), 3))

    step, stopped = start, False
    try:
        t.begin()
        while step < s.steps and not done:
            check()
            if budget is not None and prior + clock() >= budget:
                stopped = True
                break
            t1 = time.perf_counter()
            logs = t.step(step)
            if step - start < t.setup_steps:
                setup += time.perf_counter() - t1
            step += 1
            losses.add(step, logs)
            preview, extra = None, {}
            if (s.preview_every and step % s.preview_every == 0) or (s.preview_at_end and step == s.steps):
                preview, extra = t.preview(step)
            ckpt = bool(s.checkpoint_every and step % s.checkpoint_every == 0 and step < s.steps)
            if preview is not None or extra or ckpt or step >= s.steps or losses.due():
                report(extra, preview)
            if ckpt:
                save(step)
        report()
        if not done:
            save(step)
    except Cancelled:
        report(quiet=True)  # the steps done count: the saved state holds them, the history says so
        save(step)  # keep what was learned: the saved state is the current one
        raise
    finally:
        t.end()
    if setup > 0:
        info(f"compiled in {setup:.1f} s (the first {min(t.setup_steps, step - start)} steps), not counted in the "
             "budget")
    return LoopResult(step, start, history, clock(), prep, setup, stopped or (done and start < s.steps), done)


def _budget_end(step: int, start: int, elapsed: float, budget: float | None, prior: float, steps: int) -> int | None:
    """The step the time budget will stop training near, at the rate so far (None: no budget,
    or it ends after ``steps``)."""
    if budget is None or step <= start:
        return None
    rate = (step - start) / max(1e-6, elapsed)
    end = step + int(rate * max(0.0, budget - prior - elapsed))
    return end if end < steps else None

