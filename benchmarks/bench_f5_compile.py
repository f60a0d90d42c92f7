"""F5's work on the GUI thread, before and after the run session (issue 24), on the same graph in
the same run (run on demand: `.venv/bin/python benchmarks/bench_f5_compile.py [N_CHAIN] [N_SIDE]`).

A graph of a source, a chain of N_CHAIN colour nodes to a Save Video, and N_SIDE side branches
(one node each off the source), one of which cannot run. Before: the window compiled each side
branch on its own to see whether it could run, then the whole plan for the signatures (2 + one per
side branch compiles, all on the GUI thread), and the engine compiled it again on the run's
thread. Now: the window lists the targets (no compile) and the engine compiles once on the run's
thread, leaving out the branch that cannot run. Printed: compiles per F5 and the GUI thread's time.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.confine import allow_for_session  # noqa: E402
from studio.core.errors import StudioError  # noqa: E402
from studio.core.graph import Graph  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402
from studio.ui.window.run_feedback import f5_targets  # noqa: E402


OUT_DIR = tempfile.mkdtemp(prefix="bench-f5-")
allow_for_session(OUT_DIR)  # the render's folder (confinement refuses others since wave 3); nothing is written


def graph(n_chain: int, n_side: int) -> tuple[Graph, list[str], list[str]]:
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 4, "width": 32, "height": 24, "sound": False}).id
    prev = src
    for _ in range(n_chain):
        n = g.add_node("transform.color", {}).id
        g.connect(prev, "video", n, "video")
        prev = n
    out = g.add_node("io.save_video", {"path": os.path.join(OUT_DIR, "bench-f5.mp4")}).id
    g.connect(prev, "video", out, "video")
    sides = []
    for _ in range(n_side - 1):
        s = g.add_node("transform.resize", {"width": 16, "height": 16}).id
        g.connect(src, "video", s, "video")
        sides.append(s)
    sides.append(g.add_node("transform.blend", {}).id)  # its inputs are not connected: cannot run
    return g, [out], sides


class Counting(Executor):
    def __init__(self):
        super().__init__()
        self.compiles = 0

    def compile(self, *a, **kw):
        self.compiles += 1
        return super().compile(*a, **kw)


def before(ex: Counting, g: Graph, outs: list[str], sides: list[str]) -> float:
    """What the window did on the GUI thread for F5 before (default_targets, then the plan)."""
    t0 = time.perf_counter()
    ok = []
    for nid in sides:
        try:
            ex.compile(g, [nid], check_only=True)
            ok.append(nid)
        except StudioError:
            pass
    ex.compile(g.copy(), outs + ok)
    g.copy()  # RunController.start's snapshot
    gui = time.perf_counter() - t0
    ex.compile(g.copy(), outs + ok)  # the engine's own compile on the run's thread
    return gui


def after(ex: Counting, g: Graph, outs: list[str], sides: list[str]) -> float:
    """Now: the window lists targets and copies the graph; the engine compiles once."""
    t0 = time.perf_counter()
    listed, leaves = f5_targets(g)  # what RunFeedback.run_graph does before handing the run over
    snapshot = g.copy()             # RunController.start's snapshot
    gui = time.perf_counter() - t0
    plan = ex.compile(snapshot, listed, side_targets=leaves)
    assert set(plan.left_out) == {sides[-1]}, plan.left_out
    return gui


def main() -> int:
    n_chain = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    n_side = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    g, outs, sides = graph(n_chain, n_side)
    Executor().compile(g, outs)  # warm: node modules imported
    rows = {}
    for name, fn in (("before", before), ("after", after)):
        times, ex = [], Counting()
        for _ in range(5):
            ex.compiles = 0
            times.append(fn(ex, g, outs, sides))
        rows[name] = (statistics.median(times), ex.compiles)
    print(f"graph: {len(g.nodes)} nodes ({n_chain} in the chain, {n_side} side branches, one cannot run)")
    for name, (t, c) in rows.items():
        print(f"{name:6s}: {c} compiles per F5, GUI thread {t * 1000:8.2f} ms (median of 5)")
    print(f"GUI thread ratio after/before: {rows['after'][0] / rows['before'][0]:.3f}x")
    os.rmdir(OUT_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
