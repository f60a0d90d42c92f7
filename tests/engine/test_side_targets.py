"""Side targets (what F5 adds to the outputs): they run when they can, and one that cannot is left
out with the reason, in the one compile of the run; RunStarted carries the signatures and what was
left out, so the window compiles nothing itself."""
from __future__ import annotations

import pytest

from studio.core.errors import MissingInputError
from studio.engine.events import RunStarted
from studio.engine.executor import Executor
from tests.helpers import chain_graph


def graph():
    g, ids = chain_graph()
    side = g.add_node("test.add", {"bias": 5.0})           # a runnable side branch
    g.connect(ids[0], "value", side.id, "a")
    lonely = g.add_node("test.add", {"bias": 1.0})         # required input not connected
    after = g.add_node("test.add", {"bias": 1.0})          # needs the lonely one
    g.connect(lonely.id, "sum", after.id, "a")
    return g, ids, side.id, lonely.id, after.id


def test_a_side_target_that_cannot_run_is_left_out_not_failing_the_run():
    g, ids, side, lonely, after = graph()
    ex = Executor()
    plan = ex.compile(g, [ids[-1]], side_targets=[side, lonely, after])
    planned = [s.node.id for s in plan.steps]
    assert ids[-1] in planned and side in planned
    assert lonely not in planned and after not in planned
    assert set(plan.left_out) == {lonely, after}
    assert "'a'" in plan.left_out[lonely] and plan.left_out[after] == plan.left_out[lonely]  # the first cause
    events = []
    res = ex.run(g, [ids[-1]], on_event=events.append, side_targets=[side, lonely, after])
    started = next(e for e in events if isinstance(e, RunStarted))
    assert started.left_out == plan.left_out
    assert started.signatures == res.signatures and set(started.signatures) == set(planned)
    assert res.value(side, "sum") == 2.0 + 5.0


def test_a_broken_required_target_still_fails():
    g, ids, side, lonely, after = graph()
    with pytest.raises(MissingInputError):
        Executor().compile(g, [lonely], side_targets=[side])


def test_side_targets_change_nothing_for_the_targets():
    g, ids, side, lonely, after = graph()
    ex = Executor()
    a = ex.compile(g, [ids[-1]])
    b = ex.compile(g, [ids[-1]], side_targets=[lonely])
    assert [s.signature for s in a.steps] == [s.signature for s in b.steps] and b.left_out.keys() == {lonely}
