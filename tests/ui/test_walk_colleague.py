"""Issue 35, item 6: a colleague's graph. Opening it says it writes outside its folder and which
inputs are missing; a run lists every problem at once, missing inputs before any write question;
"Don't allow" stays visible in the status bar with a link that asks again from the refusal."""
from __future__ import annotations

import json
import os

import pytest

from studio.core.fileformat import graph_to_dict
from studio.core.graph import Graph
from tests.ui.test_allow_folder import click_when_shown


def colleague_graph(registry, folder, outside, missing_inputs=True) -> str:
    g = Graph(registry)
    for i in range(2):
        if missing_inputs:
            src = g.add_node("io.load_video", {"path": f"/nowhere/colleague/take{i}.mp4"})
        else:
            src = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 32, "sound": False})
        o = g.add_node("io.save_video", {"path": str(outside / f"out{i}.mp4")})
        g.connect(src.id, "video", o.id, "video")
    path = os.path.join(str(folder), "colleague.json")
    with open(path, "w") as f:
        json.dump(graph_to_dict(g), f)
    return path


def run(qtbot, win):
    with qtbot.waitSignal(win.run_finished, timeout=30000) as blocker:
        assert win.runs.run_graph()
    return blocker.args


def test_every_problem_at_once_missing_inputs_before_write_questions(qtbot, open_window, nodes_registry, place):
    shared, outside = place
    win = open_window(nodes_registry)
    assert win.files.open_path(colleague_graph(nodes_registry, shared, outside), ask=False)
    log = win.log_view.toPlainText()
    assert "this graph writes outside its folder: Save Video into " + str(outside) in log
    assert "reads 2 file(s) not found here" in log and "take0.mp4" in log
    win.runs.consent.prompt = lambda err: pytest.fail("asked about a folder before the missing inputs")
    result, error = run(qtbot, win)
    assert result is None and error is not None
    log = win.log_view.toPlainText()
    assert "the run was refused: 4 problems (fix the first 2; then you are asked about the folders outside)" in log
    lines = [ln for ln in log.splitlines() if " 1. " in ln or " 2. " in ln or " 3. " in ln or " 4. " in ln]
    assert len(lines) == 4 and "take0.mp4" in lines[0] and "take1.mp4" in lines[1]
    assert "out0.mp4" in lines[2] and "out1.mp4" in lines[3]  # every one listed, none "more problems" only
    failed = [n for n in win.doc.graph.nodes if "error" in win.canvas.badges.state(n)]
    assert len(failed) == 4  # each node with a problem is marked


def test_dont_allow_is_visible_and_undone_from_the_refusal(qtbot, open_window, nodes_registry, place):
    shared, outside = place
    win = open_window(nodes_registry)
    assert win.files.open_path(colleague_graph(nodes_registry, shared, outside, missing_inputs=False), ask=False)
    seen: list[str] = []
    click_when_shown("Don't allow", seen)
    result, error = run(qtbot, win)
    assert error is not None and len(seen) == 1  # one folder: asked once for both outputs
    note = win.runs.consent.declined_label
    assert note is not None and note.isVisible() and "not allowed: outside" in note.text() and "ask again" in note.text()
    assert str(outside) in note.toolTip()
    # a later run: not asked, refused, and it says why and how to change it
    win.runs.consent.prompt = lambda err: pytest.fail("asked again without 'ask again'")
    result, error = run(qtbot, win)
    assert error is not None and not (outside / "out0.mp4").exists()
    assert "click 'ask again' in the status bar" in win.log_view.toPlainText()
    # the link on the refusal: asked afresh, allowed, the run goes again and writes
    del win.runs.consent.prompt
    click_when_shown("Allow for this session", seen)
    with qtbot.waitSignal(win.run_finished, timeout=30000) as blocker:
        note.linkActivated.emit("ask")
    assert blocker.args[1] is None and (outside / "out0.mp4").exists() and (outside / "out1.mp4").exists()
    assert len(seen) == 2 and not note.isVisible()
