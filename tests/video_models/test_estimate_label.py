"""Issue 48 (3): the CPU's time label under a running video model node only climbs while the
first step has not ended, is never said twice within a second, and a long run's warning and its
note are one line in the Log. A fake clock and a fake node context: no model, no timing."""
from __future__ import annotations

import types

from studio.engine import events as ev
from studio.engine.run_state import RunState

from nodes.video_models.base import guard


class Ctx:
    def __init__(self):
        self.said: list[tuple[str, str]] = []

    def note(self, text, level="info"):
        self.said.append(("note", text))

    def warn(self, text):
        self.said.append(("warn", text))


def _guard(monkeypatch, steps=8, predicted=None):
    clock = types.SimpleNamespace(t=100.0)
    monkeypatch.setattr(guard.time, "perf_counter", lambda: clock.t)
    g = guard.RunGuard(Ctx(), None, "transformer", steps, True,
                       whole=lambda per, start, early: (5.0 + per * steps, ""), predicted=predicted)
    g.first_forward_start = clock.t
    return g, clock


def test_the_lower_bound_only_climbs_and_not_twice_within_a_second(monkeypatch):
    g, clock = _guard(monkeypatch)
    for ran in (5.0, 5.5, 11.0, 11.2, 22.0):  # ticks: 5.5 and 11.2 come within a second of the last
        clock.t = 100.0 + ran
        g._say(ran, early=True)
    notes = [t for k, t in g.ctx.said if k == "note"]
    assert [t.split(" on the CPU")[0] for t in notes] == ["more than 45 s", "more than 2 min", "more than 3 min"]
    clock.t += 0.2
    g._say(3.0, early=True)  # a smaller bound (another clock's): never said, the label does not go back
    assert len([k for k, _ in g.ctx.said if k == "note"]) == 3


def test_a_long_runs_warning_and_its_note_are_one_log_line(monkeypatch):
    monkeypatch.setattr(guard, "LONG_RUN_S", 10.0)
    g, clock = _guard(monkeypatch)
    g._say(30.0, early=False)
    kinds = [k for k, _ in g.ctx.said]
    assert kinds == ["warn", "note"] and g.ctx.said[0][1] == g.ctx.said[1][1]
    state, logged = RunState(), []
    state.logged.connect(lambda text, level, flash: logged.append(text))
    state.apply(ev.NodeMessage("gen", "Text to Video", g.ctx.said[0][1], "warning"))
    state.apply(ev.NodeNote("gen", g.ctx.said[1][1], "warning"))
    assert len([t for t in logged if g.ctx.said[0][1] in t]) == 1
    assert state.note == g.ctx.said[1][1]  # the label under the node and in the status bar still says it


def test_a_prediction_from_earlier_runs_is_moved_only_by_a_step_far_off_it(monkeypatch):
    g, clock = _guard(monkeypatch, predicted=60.0)
    g._say(8.0, early=False)  # 5 + 64 = 69 s: within 2x of the 60 s predicted, not said again
    assert g.ctx.said == []
    g._say(20.0, early=False)  # 165 s: said
    assert [k for k, _ in g.ctx.said] == ["warn", "note"] and "about 3 min" in g.ctx.said[1][1]  # past 2 min: a warning


def test_the_first_steps_estimate_follows_a_lower_bound_even_when_close(monkeypatch):
    """'more than 45 s' said while the first step ran, then it ended at 5.5 s: 'about 49 s' is said (it was
    held back as within 30 % of the bound, and the label stayed 'more than': SVD said nothing more)."""
    g, clock = _guard(monkeypatch)
    clock.t = 105.0
    g._say(5.0, early=True)
    clock.t = 105.5
    g.step_done(5.5)
    notes = [t for k, t in g.ctx.said if k == "note"]
    assert notes[0].startswith("more than 45 s") and notes[-1].startswith("about 49 s")
