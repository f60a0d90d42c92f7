"""One run session per run: F5 compiles the graph once (on the run's thread, signatures and the
side branches left out come back in RunStarted), a graph that cannot compile says why once, and the
session carries the run's state (targets, signatures, verdict) instead of attributes on the window."""
from __future__ import annotations

import pytest

from .test_feedback import chain


@pytest.fixture
def win(nodes_window):  # tests/ui/conftest.py: the window on the built-in and nodes/ registry
    return nodes_window


def count_compiles(win, monkeypatch) -> list:
    calls = []
    real = win.runner.executor.compile

    def compile(*a, **kw):
        calls.append(kw.get("check_only", False))
        return real(*a, **kw)
    monkeypatch.setattr(win.runner.executor, "compile", compile)
    return calls


def graph_with_side_branches(win, tmp_path):
    doc = win.doc
    a, b, c = chain(win, tmp_path)  # shapes -> color -> save
    side = doc.add_node("transform.resize", (260, 200), {"width": 16, "height": 16})
    doc.connect(a, "video", side, "video")
    lonely = doc.add_node("transform.blend", (260, 400))  # inputs not connected: cannot run
    return a, b, c, side, lonely


def run(qtbot, win, *args):
    with qtbot.waitSignal(win.run_finished, timeout=60000) as blocker:
        assert win.runs.run_graph(*args)
    return blocker.args


def test_f5_compiles_the_graph_once(qtbot, win, tmp_path, monkeypatch):
    a, b, c, side, lonely = graph_with_side_branches(win, tmp_path)
    calls = count_compiles(win, monkeypatch)
    result, error = run(qtbot, win)
    assert error is None
    assert calls == [False]  # one compile for the whole F5, side branches included, none to check
    assert side in result.executed and c in result.executed and lonely not in result.executed
    s = win.runs.session
    assert s.full and s.started and s.finished and s.verdict.startswith("✓ run finished")
    assert list(s.left_out) == [lonely] and "not connected" in s.left_out[lonely]
    assert s.signatures == result.signatures  # what RunStarted carried is what the run made
    assert "not run" in win.canvas.status_text(lonely)
    assert "not run" not in win.canvas.status_text(side)


def test_run_selected_compiles_once_and_shows_the_node(qtbot, win, tmp_path, monkeypatch):
    a, b, c, side, lonely = graph_with_side_branches(win, tmp_path)
    calls = count_compiles(win, monkeypatch)
    win.canvas.select([b])
    result, error = run(qtbot, win, [b])
    assert error is None and calls == [False]
    assert set(result.executed) <= {a, b} and b in result.executed
    assert win.runs.session.targets == [b] and not win.runs.session.full
    assert win.preview is None or win.preview.node_id == b


def test_a_graph_that_cannot_compile_says_why_once(qtbot, win, tmp_path, monkeypatch):
    save = win.doc.add_node("io.save_video", (0, 0), {"path": str(tmp_path / "x.mp4")})  # no input
    calls = count_compiles(win, monkeypatch)
    result, error = run(qtbot, win)
    assert result is None and error is not None and calls == [False]
    assert win.runs.run_label.text().strip().startswith("✗") and "video" in win.runs.run_label.text()
    assert "⚠" in win.canvas.status_text(save)
    errors = [line for line in win.log_view.toPlainText().splitlines() if "video" in line]
    assert len(errors) == 1, errors  # said once, not by the compile and again by the run
    assert win.run_action.isEnabled() and not win.stop_action.isEnabled()
