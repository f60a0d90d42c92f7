"""A render compiles its graph once: ``main.py render`` compiles and runs that plan; a chunked
render's parent compiles once and hands the plan to the chunk planner, the whole-clip run and the
clip it builds (the workers, other processes, compile their own slice from job.json)."""
from __future__ import annotations

import os
import sys
import traceback

import pytest

import studio.engine.executor  # noqa: F401 - it holds compile_plan too: counted there as well
import studio.engine.plan as plans
from studio.cli import main
from studio.core.fileformat import save_graph

from .helpers import decoded, motion_graph, transfer_graph

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def compiles(monkeypatch):
    """Every compile in this process, each with where it was called from, but a window's: a window an
    earlier test of this worker left open checks its graph (studio/ui/window/edit_checks.py) when Qt's
    events are next processed, which pytest-qt does as this test is set up (a failure in a full run)."""
    calls: list[str] = []
    real = plans.compile_plan

    def counting(*a, **kw):
        stack = traceback.format_stack()[:-1]
        if not any(f"studio{os.sep}ui{os.sep}" in line for line in stack):
            calls.append("".join(stack[-5:]))
        return real(*a, **kw)
    for mod in list(sys.modules.values()):
        if getattr(mod, "compile_plan", None) is real:
            monkeypatch.setattr(mod, "compile_plan", counting)
    return calls


def test_a_plain_render_compiles_once(tmp_path, compiles, capsys):
    path = str(tmp_path / "g.json")
    save_graph(motion_graph(str(tmp_path / "ignored.mp4"), frames=6), path)
    out = str(tmp_path / "plain.mp4")
    assert main(["render", path, "-o", out, "-q"]) == 0, capsys.readouterr().err
    assert os.path.getsize(out) > 0
    assert len(compiles) == 1, "\n---\n".join(compiles)


def test_a_chunked_render_compiles_once_in_the_parent(tmp_path, compiles, capsys):
    """A whole-clip node (run once in the parent) and a frame-wise node after it: analysis,
    whole-clip run, the clip's length and the collect step all read the parent's one plan."""
    path = str(tmp_path / "g.json")
    save_graph(transfer_graph(str(tmp_path), str(tmp_path / "ignored.mp4")), path)
    out = str(tmp_path / "chunked.mp4")
    assert main(["render", path, "-o", out, "--workers", "1", "--chunk", "8", "-q"]) == 0, capsys.readouterr().err
    assert len(compiles) == 1, "\n---\n".join(compiles)
    compiles.clear()
    single = str(tmp_path / "single.mp4")
    assert main(["render", path, "-o", single, "-q"]) == 0
    assert decoded(out)[0] == decoded(single)[0]  # the same frames as a render in one process


def test_a_sweep_compiles_each_combination_not_the_plan_of_the_graph_as_given(tmp_path, compiles, capsys):
    """One --sweep value is still another graph: it is compiled (once) for its combination."""
    path = str(tmp_path / "g.json")
    save_graph(motion_graph(str(tmp_path / "ignored.mp4"), frames=4), path)
    out = str(tmp_path / "out" / "clip.mp4")
    assert main(["render", path, "-o", out, "--workers", "1", "-q", "--sweep", "shapes.speed=1"]) == 0, \
        capsys.readouterr().err
    assert sorted(os.listdir(tmp_path / "out")) == ["clip_speed-1.mp4"]
    assert len(compiles) == 2, "\n---\n".join(compiles)  # the command line's check, the combination's plan
