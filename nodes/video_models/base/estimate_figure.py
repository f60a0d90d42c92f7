"""The one figure a running node's estimate says (issue 104: "estimates an artist can plan by"; Framepack
said "about 2 min", then 3, then 8; other runs went up, down and up again from step to step).

Several things re-estimate a run as it goes: the first step's time (base/guard.py), the steps' smoothed
time after each step, a decode's pace, each window made (times.RunClock). Each is a raw figure of the
whole node's time; said as they come, one slow step or a decode faster than predicted flips the label.
So every raw figure goes through one :class:`Figure` for the node:

* **Blended with the prior.** Where earlier runs on this machine predicted the node's time (or, weighing a
  quarter as much, another model's runs did: the estimate shown before F5), the time
  still to come is the raw figure's and the prior's
  (the larger of its share of the work left and what it has left) weighed by the evidence: the share of the
  run measured, against PRIOR_SHARE for the prior (a tenth of
  the run measured weighs as much as the prior; half of it, five times as much). A prediction that was
  exact stays put while steps jitter around it; one that was wrong gives way as the run shows it.
* **Said only when it moved.** A figure within REVISE_BY of what was said is not said again.
* **No flip.** A figure moving against the last move (down after up, up after down) is said only when
  CONFIRM figures in a row say so: one odd step does not send the label back.
* **Never below what has run.**

Plain arithmetic: no torch, no clock (the callers hand the elapsed time). Importing it costs nothing."""
from __future__ import annotations

REVISE_BY = 0.3  # a figure this much off what was said is said (the guard's rule, kept)
PRIOR_SHARE = 0.1  # the prior weighs as much as this share of the run measured
GUESS_SHARE = 0.025  # a prior from another model's runs (foresee_time.py: shown before F5) weighs a quarter of that
CONFIRM = 2  # figures in a row that must move against the last move before it is said


class Figure:
    """One node's estimate as it is said: ``said`` (seconds of the whole node; None: nothing yet), moved
    by :meth:`offer`."""

    def __init__(self, prior: float | None = None):
        self.prior = prior if prior is not None and prior > 0 else None  # from earlier runs (times.py)
        self.prior_share = PRIOR_SHARE  # GUESS_SHARE for another model's: the first steps soon outweigh it
        self.said: float | None = self.prior
        self.direction = 0  # +1: the last figure said went up; -1: down; 0: none moved yet
        self.against = 0  # figures in a row moving against ``direction``

    def blend(self, raw: float, elapsed: float, progress: float) -> float:
        """The raw figure (the whole node's seconds) with the prior, after ``progress`` (0-1) of the run."""
        progress = min(1.0, max(0.0, progress))
        elapsed = max(0.0, elapsed)
        if self.prior is None or progress >= 1.0:
            return max(raw, elapsed)
        w = progress / (progress + self.prior_share)
        # the prior's time to come: its share of the work left, or what it has left when the run is ahead of it
        # (nothing measured yet: what it has left; what ran so far was loading and encoding, which it holds)
        prior_left = max(0.0, self.prior - elapsed) if progress <= 0 else max(self.prior * (1.0 - progress),
                                                                              self.prior - elapsed)
        left = max(0.0, raw - elapsed) * w + prior_left * (1.0 - w)
        return elapsed + left

    def offer(self, raw: float, elapsed: float, progress: float, by: float = REVISE_BY) -> float | None:
        """A raw figure: the figure to say now (kept as ``said``), or None to leave the label as it is."""
        value = self.blend(raw, elapsed, progress)
        if self.said is None or self.said <= 0:
            self.said, self.against = value, 0
            return value
        change = (value - self.said) / self.said
        if abs(change) <= by:
            self.against = 0
            return None
        way = 1 if change > 0 else -1
        if self.direction and way != self.direction:
            self.against += 1
            if self.against < CONFIRM:
                return None
        self.said, self.direction, self.against = value, way, 0
        return value

    def take(self, value: float) -> None:
        """A figure said by another rule (a lower bound while the first step runs, its first estimate): kept as
        what was said, its move remembered."""
        if self.said:
            self.direction = 1 if value > self.said else -1 if value < self.said else self.direction
        self.said, self.against = value, 0
