"""A training run with a time budget says near which step the budget will stop it (issue 25,
point 6: the node showed '/20000' while its 3-minute budget would stop it near 1,400)."""
from nodes.training.loop import _budget_end
from nodes.training.shared import step_progress
from studio.engine.context import Context, Runtime
from studio.engine.events import NodeProgress


def test_budget_end_from_the_rate_so_far():
    # 100 steps in 10 s from step 0, 20 s of a 30 s budget left: about 300
    end = _budget_end(100, 0, 10.0, 30.0, 0.0, 20000)
    assert 290 <= end <= 310
    # a resumed run: 5 s trained before, 15 s left
    assert 240 <= _budget_end(100, 0, 10.0, 30.0, 5.0, 20000) <= 260
    assert _budget_end(100, 0, 10.0, None, 0.0, 20000) is None       # no budget
    assert _budget_end(100, 0, 10.0, 9999.0, 0.0, 20000) is None  # it ends on its steps first


def test_budget_end_reaches_the_progress_event():
    events = []
    rt = Runtime()
    rt.emit = events.append
    ctx = Context("train", "Train Generator", {}, 0, "cpu", rt)
    prog = step_progress(ctx)
    prog(1414, 20000, budget_end=1430, loss=0.5)
    e = next(x for x in events if isinstance(x, NodeProgress))
    assert e.budget_end == 1430 and e.total == 20000 and e.values == {"loss": 0.5}  # not a curve
