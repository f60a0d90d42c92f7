"""A graph that would write outside the allowed folders asks, once per folder (issue 23): the
artist allows it for this session or always (then it joins the settings' allowed_dirs), or
declines and is not asked again; the question is a real dialog driven by its buttons."""
from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.core import confine
from studio.core.fileformat import graph_to_dict
from studio.core.graph import Graph


def graph_file(folder, target) -> str:
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 32, "sound": False})
    o = g.add_node("io.save_video", {"path": str(target)})
    g.connect(s.id, "video", o.id, "video")
    path = os.path.join(str(folder), "graph.json")
    with open(path, "w") as f:
        json.dump(graph_to_dict(g), f)
    return path


def click_when_shown(text: str, seen: list) -> None:
    """Click the button ``text`` of the question box as soon as it is up."""
    def look():
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, look)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == text).click()
    QTimer.singleShot(0, look)


def run(qtbot, win):
    """F5 and its end: (result, error) of the run that ended last."""
    with qtbot.waitSignal(win.run_finished, timeout=30000) as blocker:
        assert win.runs.run_graph()
    return blocker.args


def test_declined_folder_is_asked_once_then_allowed_for_the_session(qtbot, open_window, place):
    shared, outside = place
    target = outside / "clip.mp4"
    win = open_window()
    assert win.files.open_path(graph_file(shared, target), ask=False)
    seen: list[str] = []
    click_when_shown("Don't allow", seen)
    result, error = run(qtbot, win)
    assert result is None and error is not None
    assert len(seen) == 1 and str(outside) in seen[0] and "Save Video" in seen[0]
    log = win.log_view.toPlainText()
    assert "outside the folders a graph may write into" in log and "Preferences" in log
    # declined: not asked again, refused again
    win.runs.consent.prompt = lambda err: pytest.fail("asked twice about one folder")
    result, error = run(qtbot, win)
    assert error is not None and not target.exists()
    # asked afresh (a new session); allowed for this session: the run goes again and writes the file
    win.runs.consent.asked.clear()
    del win.runs.consent.prompt
    click_when_shown("Allow for this session", seen)
    result, error = run(qtbot, win)
    assert error is None and target.stat().st_size > 0
    assert len(seen) == 2
    from studio.core.settings import load_settings
    assert load_settings()["allowed_dirs"] == []  # the session only


def test_always_allow_saves_the_folder_in_the_settings(qtbot, open_window, place):
    shared, outside = place
    win = open_window()
    assert win.files.open_path(graph_file(shared, outside / "a" / "clip.mp4"), ask=False)
    win.runs.consent.prompt = lambda err: "always"
    result, error = run(qtbot, win)
    assert error is None and (outside / "a" / "clip.mp4").exists()
    from studio.core.settings import load_settings
    assert load_settings()["allowed_dirs"] == [os.path.realpath(outside / "a")]
    confine.forget_session()  # a later session: the settings still allow it
    assert not confine.outside(str(outside / "a" / "x.mp4"), confine.allowed_dirs(str(shared)))
