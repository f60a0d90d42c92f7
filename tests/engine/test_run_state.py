"""The run state without Qt (issue 31 item 2): each engine event applied by its own method, the
state it holds (per-node badges, outputs, signatures, written files, warnings, verdict) and what
its emitters say; a failed node's old results dropped with those after it (issue 35 item 2);
warnings kept once, the verdict brief (issue 35 item 8)."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from types import SimpleNamespace

from studio.core.errors import StudioError
from studio.engine import events as ev
from studio.engine.run_state import BRIEF_CHARS, NOT_RUN_HINT, RunState


class Graph:
    """a -> b -> c, and d alone: what RunState asks of a graph (titles, modes, downstream)."""

    def __init__(self):
        self.nodes = {n: SimpleNamespace(label=n.upper(), mode="normal", subgraph=None, raw={})
                      for n in "abcd"}
        self.edges = {"a": ["b"], "b": ["c"]}

    def downstream(self, nid):
        out, todo = [], list(self.edges.get(nid, []))
        while todo:
            n = todo.pop(0)
            out.append(n)
            todo += self.edges.get(n, [])
        return out


def recorded(state: RunState) -> dict[str, list]:
    got: dict[str, list] = {}
    for name in ("node_changed", "outputs_changed", "verdict_changed", "written_changed", "logged",
                 "run_started", "progress", "applied"):
        getattr(state, name).connect(lambda *a, _n=name: got.setdefault(_n, []).append(a))
    return got


def finished_run(state: RunState, **kw):
    state.apply(ev.RunStarted(list("abc"), "cpu", signatures={"a": "sa", "b": "sb", "c": "sc"}))
    for n in "abc":
        state.apply(ev.NodeStarted(n, n.upper()))
        state.apply(ev.NodeFinished(n, 0.5, False, {"video": f"clip-{n}"},
                                    written=[f"/out/{n}.mp4"] if n == "c" else []))
    state.apply(ev.RunFinished(1.5, True, executed=list("abc"), **kw))


def test_every_event_type_has_its_own_method():
    state = RunState()
    kinds = [c for c in vars(ev).values() if dataclasses.is_dataclass(c) and c.__module__ == ev.__name__]
    assert kinds and all(k in state._apply for k in kinds), [k for k in kinds if k not in state._apply]
    assert len({m.__name__ for m in state._apply.values()}) == len(kinds)  # one method each


def test_a_run_fills_the_state_and_tells_each_view():
    g = Graph()
    state = RunState(graph=lambda: g)
    got = recorded(state)
    state.begin(None, full=True)
    finished_run(state)
    assert state.outputs == {n: {"video": f"clip-{n}"} for n in "abc"}
    assert state.output_signatures == {"a": "sa", "b": "sb", "c": "sc"}
    assert state.written == ["/out/c.mp4"] and state.writers == {"/out/c.mp4": "C"}
    assert state.verdict.startswith("✓ run finished") and state.level == "ok"
    assert [a[0] for a in got["outputs_changed"]] == list("abc") and not any(a[1] for a in got["outputs_changed"])
    assert ("c", state.nodes["c"]) in got["node_changed"] and state.nodes["c"].badge == ("finished", 0.5, False, "")
    assert got["written_changed"][-1] == (["/out/c.mp4"],)
    assert got["run_started"] == [(list("abc"),)]
    assert ("C wrote /out/c.mp4", "ok", True) in got["logged"]
    # F5: the node it did not reach says so (d: not run yet)
    assert state.nodes["d"].state == "not_run" and state.nodes["d"].badge[1] == NOT_RUN_HINT
    assert len(got["applied"]) == 8


def test_a_failed_node_drops_its_old_results_and_those_after_it():
    g = Graph()
    state = RunState(graph=lambda: g)
    finished_run(state)
    got = recorded(state)
    state.begin(None, full=True)
    assert got["written_changed"] == [([],)]  # the last run's "wrote c.mp4" goes at once
    state.apply(ev.RunStarted(list("abc"), "cpu"))
    state.apply(ev.NodeStarted("a", "A"))
    state.apply(ev.NodeFinished("a", 0.1, True, {"video": "clip-a"}))
    state.apply(ev.NodeFailed("b", StudioError("cannot read video 'x.mp4'")))
    state.apply(ev.RunFinished(0.2, False, error=StudioError("cannot read video 'x.mp4'")))
    assert set(state.outputs) == {"a"} and set(state.output_signatures) <= {"a"}
    assert sorted(a for a in got["outputs_changed"] if a[1]) == [("b", True), ("c", True)]
    assert state.failed == ["b"] and state.level == "error" and "x.mp4" in state.verdict
    assert state.nodes["c"].badge[1] == "not run: 'B' failed"


def test_a_graph_refused_before_it_runs_drops_the_named_nodes_results():
    g = Graph()
    state = RunState(graph=lambda: g)
    finished_run(state)
    state.begin(None, full=True)
    err = StudioError("'A' (a): cannot read 'path': not found: /x.mp4")
    err.node_id = "a"
    state.apply(ev.RunFinished(0.0, False, error=err))
    assert state.outputs == {} and state.nodes["a"].state == "failed"
    assert state.verdict == f"✗ {err}"


def test_warnings_are_kept_once_and_the_verdict_quotes_the_first_briefly():
    state = RunState(graph=Graph)
    long = "about 9 min on the CPU: lower width/height/frames or use a GPU " * 3
    finished_run(state, warnings=[long, long])
    assert state.warnings == [long]
    assert "with 1 warning in" in state.verdict and "(s)" not in state.verdict
    assert len(state.verdict) < BRIEF_CHARS + 80 and state.verdict.endswith("…")
    finished_run(state, warnings=["one", "two"])
    assert "2 warnings" in state.verdict and "+1 more, see the Log" in state.verdict


def test_stop_then_the_end_says_stopped():
    state = RunState(graph=Graph)
    state.begin(["a"])
    state.apply(ev.RunStarted(["a"], "cpu"))
    state.apply(ev.NodeStarted("a", "A"))
    assert state.status_text() == " running: A "
    state.stop()
    assert state.status_text() == " stopping… (A) " and state.verdict == "stopping…"
    state.apply(ev.RunFinished(2.0, False, cancelled=True))
    state.end()
    assert state.verdict.startswith("stopped after") and state.status_text() == ""


def test_the_run_state_imports_no_qt():
    code = "import sys, studio.engine.run_state; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_clip_streamed_to_its_output_shows_both_running_in_the_status_bar():
    state = RunState(graph=lambda: Graph())
    state.begin(None, full=True)
    state.apply(ev.RunStarted(list("bc"), "cpu"))
    state.apply(ev.NodeStarted("b", "Text to Video"))
    assert state.status_text().strip() == "running: Text to Video"
    state.apply(ev.NodeStarted("c", "Save Video"))  # its windows go to Save Video as they finish
    assert state.status_text().strip() == "running: Text to Video → Save Video"
    state.apply(ev.NodeFinished("b", 3.0, False, {}))
    assert state.status_text().strip() == "running: Save Video"
