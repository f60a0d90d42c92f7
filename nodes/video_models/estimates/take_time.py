"""How long a long take will take on this machine, planned before its first step, and refused in words
when that is hours on the CPU (issue 104: SVD's long take planned 1,675 steps, 67 windows of its tiny
model's 4 frames, and its first step had not ended after 66 s; the node said "more than 19.5 h" and ran on).

A take longer than the model's window multiplies a window's time by the windows (or, as one take, a
step's time by its context windows), which the node's settings do not show: 'frames' 200 is 67 pipeline
calls of a model whose window is 4 frames. Its time is planned from this machine's measured step time:
this node's earlier runs at this size, else the model's at another size, scaled (estimates/times.py
RunClock.say_prediction, which says which); without either, from its first step, timed as it runs
(base/guard.py). On the CPU a take planned past TOO_LONG_S is refused, before its first step when
earlier runs time it, else at its first step, with the figures and what to change to make it in about
an hour. On a GPU it is a warning: an overnight long take is a plan there, and its time is said."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..base.errors import ModelError
from ..base.guard import fmt_duration

TOO_LONG_S = 2 * 3600.0  # a long take planned past this on the CPU is not started
AIM_S = 3600.0  # what the refusal's changes aim at
# a first step that has not ended is a poor measure of the rest: it pays for its kernels' first use, and
# on tiny models it was 1.5x to 5x the later steps (base/step_time.py). A bound from it is divided by this
COLD_FIRST = 5.0
# a time scaled from runs at another size is a guess at the pixels' exponent: refused before the first step only
# when past this many times TOO_LONG_S; nearer, the first step decides
SCALED_MARGIN = 2.0


@dataclass(frozen=True)
class TakePlan:
    """What a long take makes, for its words: ``frames`` in ``windows`` pipeline calls of ``window`` frames
    (``stride`` frames apart), or as one take (``context``: its context windows a step)."""
    frames: int
    window: int
    windows: int
    stride: int
    steps: int          # denoising steps of one pipeline call
    size: str           # 'WxH' made
    where: str          # the machine (times.machine): a first step's figure is said of it
    on_cpu: bool
    preview: bool       # already at 'preview size'
    context: int = 0    # context windows a step (one take), else 0

    @property
    def long(self) -> bool:
        return self.windows > 1 or self.context > 1

    @property
    def total_steps(self) -> int:
        return self.steps * self.windows

    def what(self) -> str:
        if self.context:
            return (f"this take of {self.frames} frames at {self.size} (one take: the model run on {self.context} "
                    f"context windows at each of {self.steps} steps)")
        return (f"this long take of {self.frames} frames at {self.size} ({self.windows} windows of {self.window} "
                f"frames, {self.steps} steps each: {self.total_steps:,} steps)")

    def changes(self, seconds: float) -> str:
        """What would make the take in about AIM_S, were it ``seconds``: fewer frames, fewer steps, preview
        size, a smaller picture, a GPU."""
        share = AIM_S / max(seconds, 1e-9)
        out = []
        if self.context:
            frames = int(self.frames * share)
        else:
            fit = max(1, int(self.windows * share))
            frames = self.window + (fit - 1) * self.stride
        if frames < self.frames:
            out.append(f"'frames' {max(1, frames)} or fewer" + ("" if frames >= self.window or self.context
                                                               else f" (one window is {self.window} frames)"))
        steps = int(self.steps * share)
        if 1 <= steps < self.steps:
            out.append(f"'steps' {steps}")
        if not self.preview:
            out.append("'preview size' always (fewer pixels and steps; in the window the toolbar's Preview)")
        out.append(f"a smaller width and height than {self.size}")
        if self.on_cpu:
            out.append("a GPU")
        return "To make it in about an hour: " + "; or ".join(out)


def too_long(plan: TakePlan, seconds: float, how: str) -> str:
    """The refusal (or, on a GPU, the warning): the take, its time here (``seconds``; ``how``: said so, with
    where the figure comes from), and what to change."""
    verdict = "a CPU run of hours is not started" if plan.on_cpu else "it runs, and its clip comes that late"
    return f"{plan.what()} would take {how}: {verdict}. {plan.changes(seconds)}"


def check_before(ctx, plan: TakePlan, predicted: float | None, basis: str, scaled: bool = False) -> Callable | None:
    """Before the take's first step. Timed by earlier runs (``predicted``, from ``basis``; ``scaled``: from
    another size): refused on the CPU past TOO_LONG_S (scaled: SCALED_MARGIN times it; a warning on a GPU),
    and None. Else, on the CPU, what the guard calls with its estimate from the first step
    (:func:`first_step_limit`)."""
    if not plan.long:
        return None
    if scaled and predicted is not None and predicted <= SCALED_MARGIN * TOO_LONG_S:
        predicted = None  # a guess near the limit: the first step measures it
    if predicted is not None:
        if predicted > TOO_LONG_S:
            text = too_long(plan, predicted, f"about {fmt_duration(predicted)} ({basis})")
            if plan.on_cpu:
                raise ModelError(text)
            ctx.warn(text)
        return None
    return first_step_limit(plan) if plan.on_cpu else None


def first_step_limit(plan: TakePlan) -> Callable[[float, float, bool], None]:
    """``limit(total, step, early)``: raises the refusal when the guard's estimate of the whole node
    (``total``, from a first step of ``step`` seconds; ``early``: still running, a bound) is past
    TOO_LONG_S. A bound is taken at 1 / COLD_FIRST of itself: the later steps may be that much faster."""
    def limit(total: float, step: float, early: bool) -> None:
        if early:
            low = total / COLD_FIRST
            if low > TOO_LONG_S:
                raise ModelError(too_long(plan, low, (
                    f"more than {fmt_duration(low)} on {plan.where} (its first step has run {fmt_duration(step)} "
                    f"and not ended: {fmt_duration(total)} at that pace, and a first step can take {COLD_FIRST:g} "
                    "times a later one)")))
        elif total > TOO_LONG_S:
            raise ModelError(too_long(plan, total, f"about {fmt_duration(total)} on {plan.where} (its first step took "
                                                   f"{fmt_duration(step)})"))
    return limit
