"""Issue 73 item 3, on a fake clock: the estimate said after the first step does not multiply that step's
one-off cost by the step count (its first denoiser call is cold; guidance's second call, of the same
shapes, is the warm measure), the running estimate's step time leaves the first step out, and the
decodes still to come are taken at the first decode's measured time."""
from __future__ import annotations

import pytest

from nodes.video_models.base import guard as run_guard
from nodes.video_models.base.step_time import StepClock, during_decode, warm_step


class _Ctx:
    def __init__(self):
        self.notes: list[str] = []

    def note(self, text, level="info", logged=True):
        self.notes.append(text)

    def warn(self, text):
        self.notes.append(text)


class _Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def test_the_warm_step_is_the_later_calls_time_and_what_ran_around_them():
    assert warm_step(10.0, [6.0, 3.0]) == pytest.approx(1.0 + 2 * 3.0)  # 1 s outside the calls
    assert warm_step(10.0, [4.0, 3.0, 1.0, 2.0]) == pytest.approx(0.0 + 4 * 2.0)  # the later calls' median
    assert warm_step(10.0, [9.0]) == 10.0 and warm_step(10.0, []) == 10.0  # one call: no warm measure
    assert warm_step(10.0, [2.0, 5.0]) == pytest.approx(3.0 + 2 * 2.0)  # a later call slower: never above the first's
    assert warm_step(10.0, [9.9, 0.0]) == pytest.approx(1.0)  # never below a tenth of the step


def test_the_step_clock_starts_from_the_warm_step_and_smooths_the_later_ones():
    c = StepClock()
    c.calls = [3.0, 1.0]
    assert c.first(10.0, 4.0) == pytest.approx(2.0)  # the first step ended at 10 s; 2 s without its cold share
    c.step(10.0, 1)  # the same step's tick: nothing new
    assert c.per_step == 2.0
    c.step(14.0, 2)
    assert c.per_step == pytest.approx(0.5 * 4.0 + 0.5 * 2.0)
    one = StepClock()  # one call: no warm measure; the second step's time replaces the first's own
    one.first(10.0, 5.0)
    one.step(11.0, 2)
    assert one.per_step == pytest.approx(1.0)
    one.step(14.0, 3)
    assert one.per_step == pytest.approx(2.0)


def test_a_short_first_step_of_one_call_is_said_from_the_second(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 4, estimate=True, started=0.0,
                           whole=lambda per, start, early: (start + per * 4 + 3.0 * per, ""))  # the decode: 3 steps
    clock.t = 1.0
    g._forward_start(None, ())
    clock.t = 3.0
    g._forward_end(None, (), None)
    g.step_done(2.0)  # one call of 2 s: its kernels' first use may be most of it
    g.tick(1, 4)
    assert g.said is None and not ctx.notes
    clock.t = 3.5
    g.tick(2, 4)  # the second step: 0.5 s
    assert g.said == pytest.approx(3.5 + 2 * 0.5 + 3 * 0.5)  # it was 1 + 4 x 2 + 3 x 2 = 15 s
    assert "500 ms a step, 4 steps" in ctx.notes[-1]


def test_a_two_step_run_is_said_at_its_first_step(monkeypatch):
    """Waiting for the second step of a two-step run would say the estimate with the denoising done."""
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 2, estimate=True, started=0.0,
                           whole=lambda per, start, early: (start + per * 2, ""))
    clock.t = 1.0
    g._forward_start(None, ())
    clock.t = 3.0
    g._forward_end(None, (), None)
    g.step_done(2.0)
    assert g.said is not None and ctx.notes


def test_the_first_estimate_takes_the_cold_call_once_and_the_rest_at_the_warm_time(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 4, estimate=True, started=0.0)
    for start, took in ((1.0, 6.0), (7.0, 2.0)):  # guidance's two calls: the first cold
        clock.t = start
        g._forward_start(None, ())
        clock.t = start + took
        g._forward_end(None, (), None)
    clock.t = 10.0
    g.step_done(9.0)  # 1 s outside the calls
    warm = 1.0 + 2 * 2.0
    assert g.said == pytest.approx(9.0 + 3 * warm)  # it was 4 x 9 s: the cold call counted four times
    assert "5 s a step, 4 steps" in ctx.notes[-1]
    g.tick(1, 4)
    assert g.step_s == pytest.approx(warm)  # the first step's own 9 s is not in the running mean
    clock.t = 15.0
    g.tick(2, 4)
    assert g.step_s == pytest.approx(warm)


def test_the_decodes_to_come_are_taken_at_the_first_decodes_measured_time(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 4, estimate=False, predicted=100.0, started=0.0, windows=2)
    g.tail = 80.0  # what the first step predicted for the two decodes: 40 s each
    clock.t = 10.0
    g.tick(1, 4)
    clock.t = 12.0
    g.tick(2, 4)
    g.window_made({"decode": 3.0, "other": 1.0})  # the first window's decode took 3 s, and 1 s after it
    assert g.tail == pytest.approx(2 * 4.0)
    clock.t = 20.0
    g.said_at = 0.0
    g.tick(3, 4)
    # one step, one decode of 4 s to come (blended with the 100 s predicted, three quarters of the run measured:
    # base/estimate_figure.py)
    assert g.said == pytest.approx(g.figure.blend(20.0 + 1 * g.step_s + 4.0, 20.0, 3 / 4))


def test_a_decode_under_way_is_taken_at_its_pace():
    # 4 steps in 2 windows, the first window's decode a quarter made in 3 s, at 20 s: 9 s of it left, then
    # the second window's 2 steps of 2 s and its decode (the tail, 10 s for both windows, halved)
    assert during_decode(20.0, 0.25, 3.0, 2, 4, 2.0, 10.0, 2) == pytest.approx(20.0 + 9.0 + 4.0 + 5.0)
    assert during_decode(20.0, 0.5, 3.0, 4, 4, 2.0, 10.0, 2) == pytest.approx(23.0)  # the last window's


def test_the_guard_says_a_long_decode_as_it_goes(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 4, estimate=False, predicted=10.0, started=0.0)
    clock.t = 8.0
    g.tick(4, 4)  # the steps are made at 8 s: the decode to come, predicted short
    clock.t = 12.0
    g.decoding(0.2, 4.0)  # a fifth of it in 4 s: 16 s more
    assert g.said == pytest.approx(28.0) and "about 28 s now" in ctx.notes[-1]
    clock.t = 13.0
    g.decoding(0.3, 5.0)  # within two seconds of the last: not said again
    assert g.said == pytest.approx(28.0)
