import os
import threading
import time

import numpy as np
import pytest

from studio.core.errors import Cancelled, CycleError, MissingInputError, NodeExecutionError, StudioError
from studio.core.graph import Graph
from studio.engine.context import CancelToken, derive_seed
from studio.engine.device import resolve_device
from studio.engine.events import (NodeFailed, NodeFinished, NodeProgress, NodeSkipped, NodeStarted,
                                  RunFinished, RunStarted)
from studio.engine.executor import Executor
from tests import helpers
from tests.helpers import chain_graph, registry


def test_chain_runs_in_order_and_computes():
    g, ids = chain_graph()
    res = Executor().run(g)
    # 2 + 0 + 1 + 2
    assert res.value(ids[-1], "sum") == 5.0
    assert res.executed == ids


def test_changing_last_node_reruns_only_it():
    g, ids = chain_graph()
    ex = Executor()
    ex.run(g)
    helpers.CALLS.clear()
    g.set_param(ids[-1], "bias", 10.0)
    res = ex.run(g)
    assert res.executed == [ids[-1]]
    assert res.cached == ids[:-1]
    assert helpers.CALLS == {"test.add": 1}
    assert res.value(ids[-1], "sum") == 2 + 0 + 1 + 10


def test_changing_middle_node_reruns_it_and_downstream_only():
    g, ids = chain_graph()
    ex = Executor()
    ex.run(g)
    g.set_param(ids[1], "bias", 3.0)
    res = ex.run(g)
    assert res.executed == ids[1:] and res.cached == ids[:1]
    # same values again: everything cached
    res = ex.run(g)
    assert res.executed == [] and res.cached == ids


def test_events_sequence():
    g, ids = chain_graph()
    events = []
    Executor().run(g, on_event=events.append)
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "RunStarted" and kinds[-1] == "RunFinished"
    started = [e.node_id for e in events if isinstance(e, NodeStarted)]
    finished = [e for e in events if isinstance(e, NodeFinished)]
    assert started == ids and [e.node_id for e in finished] == ids
    assert all(e.seconds >= 0 and not e.cached for e in finished)
    assert events[-1].ok


def test_bypass_is_a_typed_pass_through_and_mute_skips_downstream():
    g, ids = chain_graph()
    g.set_mode(ids[2], "bypass")  # bias 1 is skipped
    res = Executor().run(g)
    assert res.value(ids[-1], "sum") == 2 + 0 + 2
    assert ids[2] not in res.outputs
    g.set_mode(ids[2], "normal")
    g.set_mode(ids[1], "mute")
    events = []
    res = Executor().run(g, on_event=events.append)
    skipped = {e.node_id: e.reason for e in events if isinstance(e, NodeSkipped)}
    assert set(skipped) == set(ids[1:])
    assert skipped[ids[1]] == "muted"


def test_optional_input_from_muted_node_becomes_none():
    reg = registry()
    g = Graph(reg)
    a, b = g.add_node("test.const", {"value": 4}), g.add_node("test.const", {"value": 100})
    s = g.add_node("test.add")
    g.connect(a.id, "value", s.id, "a")
    g.connect(b.id, "value", s.id, "b")
    g.set_mode(b.id, "mute")
    assert Executor().run(g).value(s.id) == 4


def test_missing_input_and_cycle_fail_before_running():
    g = Graph(registry())
    s = g.add_node("test.add")
    with pytest.raises(MissingInputError, match="'a'"):
        Executor().run(g)
    g, ids = chain_graph()
    from studio.core.graph import Link
    g.links.append(Link(ids[3], "sum", ids[1], "b"))  # bypass connect()'s check
    with pytest.raises(CycleError):
        Executor().run(g)


def test_failure_names_the_node_and_emits_failed():
    g = Graph(registry())
    a = g.add_node("test.const")
    b = g.add_node("test.boom", title="Exploder")
    g.connect(a.id, "value", b.id, "a")
    events = []
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(g, on_event=events.append)
    assert "Exploder" in str(e.value) and b.id in str(e.value) and "kaboom" in str(e.value)
    failed = [ev for ev in events if isinstance(ev, NodeFailed)]
    assert failed and failed[0].node_id == b.id
    assert isinstance(events[-1], RunFinished) and not events[-1].ok


def test_cancel_stops_a_long_loop_at_its_next_step():
    g = Graph(registry())
    s = g.add_node("test.slow", {"steps": 100000})
    token = CancelToken()
    got = {}
    steps: list[int] = []

    def run():
        try:
            Executor().run(g, cancel=token, on_event=lambda e: steps.append(e.step) if hasattr(e, "step") else None)
        except Cancelled:
            got["cancelled"] = True

    th = threading.Thread(target=run)
    th.start()
    time.sleep(0.3)
    at = len(steps)
    token.cancel()
    th.join(60)
    assert not th.is_alive() and got.get("cancelled")
    # at most the step running when asked and the next one's check (counted, not timed: any load)
    assert len(steps) - at <= 2 and steps[-1] < 100000, (at, len(steps))


def test_progress_events_carry_steps():
    g = Graph(registry())
    g.add_node("test.slow", {"steps": 5})
    events = []
    Executor().run(g, on_event=events.append)
    prog = [e for e in events if isinstance(e, NodeProgress)]
    assert prog and prog[-1].step == 5 and prog[-1].total == 5


def test_same_seed_same_result_and_seed_changes_it():
    g = Graph(registry())
    n = g.add_node("test.noise")
    a = Executor().run(g, seed=1).value(n.id)
    b = Executor().run(g, seed=1).value(n.id)
    c = Executor().run(g, seed=2).value(n.id)
    assert a == b and a != c
    assert derive_seed(0, "n1") != derive_seed(0, "n2")


def test_device_resolution():
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    assert resolve_device("cpu").type == "cpu"
    with pytest.raises(StudioError, match="unknown device"):
        resolve_device("tpu")
    import torch
    if not torch.cuda.is_available():
        with pytest.raises(StudioError, match="not available"):
            resolve_device("cuda")


def test_per_node_device_override_is_checked():
    import torch
    g, ids = chain_graph()
    g.nodes[ids[1]].device = "cpu"
    plan = Executor().compile(g)
    assert plan.steps[1].device == "cpu"  # a name: torch.device only when a node asks
    if not torch.cuda.is_available():
        g.nodes[ids[1]].device = "cuda"
        with pytest.raises(StudioError, match="not available"):
            Executor().compile(g)


def test_targets_run_only_what_they_need():
    g, ids = chain_graph()
    other = g.add_node("test.const", {"value": 7})
    res = Executor().run(g, targets=[ids[1]])
    assert res.executed == ids[:2] and other.id not in res.outputs


def test_groups_flatten_and_expose_params():
    reg = registry()
    inner = Graph(reg)
    a = inner.add_node("test.add", {"bias": 1.0})
    b = inner.add_node("test.add", {"bias": 2.0})
    inner.connect(a.id, "sum", b.id, "a")
    g = Graph(reg)
    c = g.add_node("test.const", {"value": 10})
    grp = g.add_group(inner, {"inputs": [{"name": "x", "node": a.id, "port": "a"}],
                              "outputs": [{"name": "y", "node": b.id, "port": "sum"}],
                              "params": [{"name": "offset", "node": b.id, "param": "bias"}]}, title="Plus3")
    g.connect(c.id, "value", grp.id, "x")
    out = g.add_node("test.add")
    g.connect(grp.id, "y", out.id, "a")
    assert Executor().run(g).value(out.id) == 13
    g.set_param(grp.id, "offset", 5.0)
    assert Executor().run(g).value(out.id) == 16
    g.set_mode(grp.id, "bypass")
    assert Executor().run(g).value(out.id) == 10
    # groups round-trip through files
    from studio.core.fileformat import graph_from_dict, graph_to_dict
    h = graph_from_dict(graph_to_dict(g), reg)
    h.set_mode(grp.id, "normal")
    assert Executor().run(h).value(out.id) == 16


def test_lazy_frame_nodes_compute_only_pulled_frames():
    g = Graph(registry())
    src = g.add_node("test.gradient", {"frames": 1000})
    inv = g.add_node("test.invert")
    g.connect(src.id, "video", inv.id, "video")
    helpers.CALLS.clear()
    res = Executor().run(g, targets=[inv.id])
    clip = res.value(inv.id)
    assert len(clip) == 1000 and helpers.CALLS.get("test.invert.frame", 0) == 0
    f = clip.frame(999)
    assert helpers.CALLS["test.invert.frame"] == 1
    assert np.allclose(f, 0.0) and not f.flags.writeable


def test_window_node_sees_neighbours_clamped():
    g = Graph(registry())
    src = g.add_node("test.gradient", {"frames": 5})
    d = g.add_node("test.diff")
    g.connect(src.id, "video", d.id, "video")
    clip = Executor().run(g, targets=[d.id]).value(d.id)
    assert np.allclose(clip.frame(0), 0.25)
    assert np.allclose(clip.frame(4), 0.0)  # last frame: neighbour clamped to itself


def test_error_inside_lazy_frame_names_the_producing_node(tmp_path):
    g = Graph(registry())
    src = g.add_node("test.gradient", {"frames": 4})
    nan = g.add_node("test.nan", title="NaN maker")
    save = g.add_node("io.save_video", {"path": str(tmp_path / "x.mp4")})
    g.connect(src.id, "video", nan.id, "video")
    g.connect(nan.id, "video", save.id, "video")
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(g)
    assert "NaN" in str(e.value) and "NaN maker" in str(e.value)
    assert not (tmp_path / "x.mp4").exists()


def test_output_cache_evicts_by_bytes():
    from studio.engine.cache import OutputCache
    c = OutputCache(max_bytes=1000)
    c.put("cheap_big", 1, 600, cost=0.001)
    c.put("dear_big", 2, 600, cost=100.0)
    assert "dear_big" in c and "cheap_big" not in c and c.bytes <= 1000


def test_edit_downstream_reuses_cached_upstream_frames():
    g = Graph(registry())
    src = g.add_node("test.gradient", {"frames": 50})
    inv = g.add_node("test.invert")
    col = g.add_node("transform.color", {"exposure": 0.0})
    g.connect(src.id, "video", inv.id, "video")
    g.connect(inv.id, "video", col.id, "video")
    ex = Executor()
    helpers.CALLS.clear()
    a = ex.run(g, targets=[col.id]).value(col.id).frame(3)
    g.set_param(col.id, "exposure", 1.0)
    b = ex.run(g, targets=[col.id]).value(col.id).frame(3)
    assert helpers.CALLS["test.invert.frame"] == 1  # frame 3 of Invert came from the frame cache
    assert np.allclose(b, np.clip(a * 2, 0, 1))
    # a render-only executor caches no frames
    helpers.CALLS.clear()
    ex2 = Executor(frame_caching=False)
    for _ in range(2):
        ex2.run(g, targets=[col.id]).value(col.id).frame(3)
    assert helpers.CALLS["test.invert.frame"] == 2 and len(ex2.frame_cache) == 0


def test_render_is_not_redone_until_its_file_is_deleted(tmp_path):
    g = Graph(registry())
    s = g.add_node("test.gradient", {"frames": 3})
    out = tmp_path / "o.mp4"
    v = g.add_node("io.save_video", {"path": str(out)})
    g.connect(s.id, "video", v.id, "video")
    ex = Executor()
    assert ex.run(g).executed == [s.id, v.id]
    assert ex.run(g).executed == []  # nothing changed: nothing re-rendered
    out.unlink()
    assert ex.run(g).executed == [v.id]  # the render is gone: redone
    assert out.exists()


def test_output_branches_run_first():
    g = Graph(registry())
    a = g.add_node("test.const", {"value": 1})
    side = g.add_node("test.add")  # a non-output target, added first
    b = g.add_node("test.const", {"value": 2})
    out = g.add_node("io.preview")
    g.connect(a.id, "value", side.id, "a")
    g.connect(b.id, "value", out.id, "value")
    res = Executor().run(g, targets=[side.id, out.id])
    assert res.executed == [b.id, out.id, a.id, side.id]


def test_a_graph_without_torch_nodes_never_imports_torch():
    """A render worker whose graph is plain numpy/OpenCV work starts without loading torch (about
    a second per worker), and the device is still resolved for the cache signatures."""
    import subprocess
    import sys
    code = (
        "import sys\n"
        "from studio.core.graph import Graph\n"
        "from studio.engine.executor import Executor\n"
        "g = Graph()\n"
        "s = g.add_node('source.shapes', {'frames': 3, 'width': 32, 'height': 24})\n"
        "c = g.add_node('transform.color', {'saturation': 1.2})\n"
        "g.connect(s.id, 'video', c.id, 'video')\n"
        "r = Executor().run(g)\n"
        "clip = r.outputs[c.id]['video']\n"
        "assert clip.frame(2).shape == (24, 32, 3)\n"
        "print('torch' in sys.modules)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # a worker starts with the node manifest the app wrote; a cold one imports every node module once
    # (this test alone, in a fresh cache folder, would see that import and not the run's)
    warm = subprocess.run([sys.executable, "-c", "from studio.core.registry import default_registry; "
                           "default_registry()"], capture_output=True, text=True, timeout=120, cwd=root)
    assert warm.returncode == 0, warm.stderr
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root)
    assert out.returncode == 0, out.stderr
    from studio.engine.device import cpu_only_build
    import torch
    expect = "True" if (torch.cuda.is_available() or not cpu_only_build()) else "False"
    assert out.stdout.strip().splitlines()[-1] == expect


def test_torch_is_seeded_when_a_node_loads_it_late():
    """A node that imports torch only inside run() and asks for its device still gets the global
    generator seeded with its own seed: the same graph gives the same numbers."""
    import torch

    from studio.engine.context import Context, Runtime
    ctx = Context("n1", "Late", {}, 99, "cpu", Runtime())
    ctx._torch_seed = (99, "cpu")
    torch.manual_seed(1)
    assert str(ctx.device) == "cpu"  # first use seeds
    a = torch.rand(3)
    torch.manual_seed(99)
    assert torch.equal(a, torch.rand(3))
