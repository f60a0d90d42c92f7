"""A training run with a time budget says near which step the budget will stop it (issue 25,
point 6: the node showed '/20000' while its 3-minute budget would stop it near 1,400)."""
from nodes.generators.train import _budget_end, step_progress
from studio.engine.context import Context, Runtime
from studio.engine.events import NodeProgress


def test_budget_end_from_the_rate_so_far():
    # 100 steps in 10 s from step 0, 20 s of budget left: about 300
    import time
    now = time.perf_counter()
    end = _budget_end(100, 0, now - 10.0, now + 20.0, 20000)
    assert 290 <= end <= 310
    assert _budget_end(100, 0, now - 10.0, None, 20000) is None       # no budget
    assert _budget_end(100, 0, now - 10.0, now + 9999.0, 20000) is None  # it ends on its steps first


def test_budget_end_reaches_the_progress_event():
    events = []
    rt = Runtime()
    rt.emit = events.append
    ctx = Context("train", "Train Generator", {}, 0, "cpu", rt)
    prog = step_progress(ctx)
    prog(1414, 20000, budget_end=1430, loss=0.5)
    e = next(x for x in events if isinstance(x, NodeProgress))
    assert e.budget_end == 1430 and e.total == 20000 and e.values == {"loss": 0.5}  # not a curve
