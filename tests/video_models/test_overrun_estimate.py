"""Issue 61 item 7: an estimate grows when the run overruns it, and says so ("predicted about 83 s"
stayed on screen past 114 s)."""
from __future__ import annotations

import time

import pytest

from nodes.video_models.base import guard as run_guard


def test_the_estimate_is_made_again_from_the_steps_once_the_run_is_past_it():
    assert run_guard.overrun(80.0, 83.0, 4, 8) is None  # within what was said
    assert run_guard.overrun(91.0, 83.0, 4, 8) is None  # within 10 %
    assert run_guard.overrun(114.0, 83.0, 6, 8) == pytest.approx(152.0)  # 114 s for 6 of 8 steps
    assert run_guard.overrun(114.0, 83.0, 8, 8) == pytest.approx(114.0)  # the steps are made: the decode to come
    assert run_guard.overrun(114.0, None, 4, 8) is None and run_guard.overrun(114.0, 83.0, 0, 8) is None


class _Ctx:
    def __init__(self):
        self.notes = []

    def note(self, text, level="info", logged=True):
        self.notes.append(text)


def test_a_guard_past_its_estimate_says_the_new_one_and_not_at_every_step():
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 8, estimate=False, predicted=10.0,
                           started=time.perf_counter() - 20.0)
    g.tick(4, 8)
    assert len(ctx.notes) == 1
    text = ctx.notes[0]
    assert text.startswith("longer than predicted (about 10 s): about 38 s") and "4 of 8 steps made" in text
    # what the node says now: the steps' 40 s blended with the prior (base/estimate_figure.py), half the run measured
    # weighing five times the prior
    assert g.said == pytest.approx(g.figure.blend(40.0, 20.0, 0.5), rel=0.05) and 35.0 < g.said < 40.0
    g.tick(5, 8)  # within two seconds, and within the new estimate: nothing more
    assert len(ctx.notes) == 1
    g.said_at -= run_guard.REVISE_EVERY_S
    g.said = 10.0  # overrun again
    g.tick(8, 8)
    assert "the decode to come" in ctx.notes[-1]
