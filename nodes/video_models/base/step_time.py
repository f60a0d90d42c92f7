"""A run's step time as the estimate uses it (issue 73 item 3: "within 50 % of the real time after the
first step"). Plain arithmetic on measured seconds, no torch: the guard (guard.py) feeds it.

The first step is a poor measure of the rest: it pays for its kernels' first use (on the CPU a
convolution's or a matrix product's first call at a shape builds its plan), for the memory its
tensors first touch, and, on a shared machine, for whatever else ran then. Measured on tiny models
(benchmarks/bench_estimates.py --trace 1): a first step 1.5x to 5x the later ones, and the decode
predicted from it by as much. Where the step calls the denoiser twice or more (guidance's two passes,
which share every shape), the later calls ran warm: the step is taken as those calls at their time
plus what ran around them. A single call per step (guidance batched, or none) has no warm measure in
the first step; the later steps' times then correct the estimate (:class:`StepClock`). Importing this
module costs nothing."""
from __future__ import annotations

SMOOTH = 0.5  # a later step's weight in the running mean (one slow step moves it by half)


def warm_step(step_s: float, calls: list[float]) -> float:
    """The first step's seconds (``step_s``) without its first call's one-off cost: with ``calls``, the
    seconds of each denoiser call it made, two or more, the step is what ran outside the calls plus
    every call at the later calls' median time (never more than the step took, nor less than a tenth
    of it); fewer than two calls: ``step_s``."""
    if len(calls) < 2 or step_s <= 0:
        return step_s
    later = sorted(calls[1:])
    mid = later[len(later) // 2] if len(later) % 2 else 0.5 * (later[len(later) // 2 - 1] + later[len(later) // 2])
    outside = max(0.0, step_s - sum(calls))
    return min(step_s, max(0.1 * step_s, outside + len(calls) * min(mid, calls[0])))


class StepClock:
    """The steps' time as a run goes: the first step's warm time (:func:`warm_step`), then each later
    step's measured time, smoothed (SMOOTH); the first step's own time never enters the mean."""

    def __init__(self):
        self.per_step: float | None = None  # seconds a step still to come is expected to take
        self.last: tuple[float, int] | None = None  # (when, steps done) at the last step's end
        self.calls: list[float] = []  # the seconds of each denoiser call in the first step (guidance: two)
        self.call_t0: float | None = None  # when the denoiser's current call began, in the first step
        self.cold = False  # per_step is the first step's own time (one call: no warm measure): replaced, not smoothed
        self.since: tuple[float, int] | None = None  # (when, steps done) at the first step's end: the pace's start
        self.gaps: list[float] = []  # each later step's seconds (what ran between two steps with it)

    def call_started(self, when: float) -> None:
        if self.last is None:  # only the first step's calls are timed
            self.call_t0 = when

    def call_ended(self, when: float) -> None:
        if self.last is None and self.call_t0 is not None:
            self.calls.append(when - self.call_t0)
        self.call_t0 = None

    def first(self, when: float, step_s: float, scale: float = 1.0) -> float:
        """The first step ended at ``when`` after ``step_s`` seconds (``scale``: its calls' measured
        time to be scaled by, what counting its work cost them taken off): its warm time
        (:func:`warm_step`), the running mean's start, returned."""
        warm = warm_step(step_s, [c * scale for c in self.calls])
        self.per_step, self.last, self.cold = warm, (when, 1), not self.warm_measured
        self.since = (when, 1)
        return warm

    @property
    def warm_measured(self) -> bool:
        """The first step made two or more calls: a warm measure (:func:`warm_step`)."""
        return len(self.calls) >= 2

    @property
    def pace(self) -> float | None:
        """Seconds a step still to come takes, for the running estimate: the steps' mean time since the first
        step ended (its one-off costs left out), once two or more are timed, else ``per_step``. A mean, not the
        smoothed last steps: what runs between steps now and then (Framepack decodes each section after its
        last step: one step in eight took ten times the others) is spread over the steps, and the estimate does
        not jump at each such step and fall back after it (issue 104: "2 -> 3 -> 8 min")."""
        if self.since is None or self.last is None or self.last[1] - self.since[1] < 2:
            return self.per_step
        return (self.last[0] - self.since[0]) / (self.last[1] - self.since[1])

    def step(self, when: float, done: int) -> None:
        """``done`` steps are made at ``when``: the steps since the last, timed, move the mean."""
        if self.last is None or done <= self.last[1]:
            self.last = (when, done) if self.last is None else self.last
            return
        step = (when - self.last[0]) / (done - self.last[1])
        self.gaps.extend([step] * (done - self.last[1]))
        cold, self.cold = self.cold, False
        self.per_step = step if self.per_step is None or cold else SMOOTH * step + (1 - SMOOTH) * self.per_step
        self.last = (when, done)
        self.since = self.since or self.last  # no first step's end said (no estimate on a GPU): from this step



LOOP_GAP = 2.0  # a step of over this many times the steps' median holds a denoising loop's decode


def split_gaps(gaps: list[float]) -> tuple[float, list[float]]:
    """(a step's seconds, what ran beside the steps) from the seconds between steps: a gap of over LOOP_GAP times
    their median holds a denoising loop's decode (Framepack decodes each section between its steps: its 10 section
    decodes had made a 50 ms step 608 ms), its excess over the other gaps' mean counted apart. ``gaps`` not empty."""
    mid = sorted(gaps)[len(gaps) // 2]
    steps = [g for g in gaps if g <= LOOP_GAP * mid]
    step = sum(steps) / len(steps)
    return step, [g - step for g in gaps if g > LOOP_GAP * mid]


def loops_ahead(gaps: list[float], done: int, total: int, loops: int, tail: float) -> tuple[float, float] | None:
    """(a step's seconds, what follows the steps) still to come in a call of ``loops`` denoising loops, each loop's
    frames decoded after its last step (Framepack's sections): the steps and the decodes measured between them as
    :func:`split_gaps` tells them apart, the decodes to come at the mean of those and of ``tail`` (the call's decodes
    predicted) shared among the loops, weighed as one. The steps' mean had spread the decodes over every step: none
    in the first loop, and the label then rose past the whole run's time (73 s -> 2 min; it took 59 s). None: under
    three steps timed."""
    if loops <= 1 or len(gaps) < 3:
        return None
    step, decodes = split_gaps(gaps)
    per_loop = max(1, total // loops)
    left = loops - min(loops, max(0, done - 1) // per_loop)  # loops whose decode is to come (a loop's follows its
    # last step and ends before the next loop's first: the last's after all the steps)
    each = (sum(decodes) + tail / loops) / (len(decodes) + 1)  # the prediction weighed as one loop's measure: the
    return step, left * each  # first loop's decode is Framepack's shortest (one window, the later ones two)


def during_decode(elapsed: float, part: float, seconds: float, done: int, total: int, per_step: float | None,
                  tail: float, windows: int) -> float:
    """The node's whole time while a window's decode runs (``part`` of it made in ``seconds``) after ``done`` of
    ``total`` steps: the rest of this decode at its pace, the steps of the windows to come at ``per_step``,
    and their decodes at ``tail`` (all windows') divided among them."""
    windows = max(1, windows)
    after = windows - min(windows, -(-done // max(1, total // windows)))  # windows still to start
    return (elapsed + seconds * (1 - part) / max(part, 1e-9) + max(0, total - done) * (per_step or 0.0) +
            tail * after / windows)
