"""The window is composed of parts (no mixins), and a part that cannot be built is said, not hidden."""
from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from studio.ui.window import main_window as mw
from studio.ui.window.files import FileActions
from studio.ui.window.group_actions import GroupActions
from studio.ui.window.run_feedback import RunFeedback


def test_the_window_is_composed_not_mixed(qtbot, open_window):
    win = open_window()
    assert [c for c in type(win).__mro__ if c.__module__.startswith("studio.")] == [mw.MainWindow]
    assert issubclass(mw.MainWindow, QMainWindow)
    assert isinstance(win.files, FileActions) and win.files.win is win
    assert isinstance(win.runs, RunFeedback) and isinstance(win.group_actions, GroupActions)


def test_a_viewer_that_fails_to_build_is_logged(qtbot, open_window, monkeypatch, caplog):
    class Broken:
        def __init__(self, *a, **k):
            raise RuntimeError("no OpenGL here")
    monkeypatch.setattr(mw, "PreviewArea", Broken)
    win = open_window()
    assert win.preview is None
    assert "RuntimeError: no OpenGL here" in win.missing["viewer"]
    assert "the viewer is unavailable: RuntimeError: no OpenGL here" in win.log_view.toPlainText()
    assert any("the viewer could not be built" in r.getMessage() for r in caplog.records)
    assert "no OpenGL here" in win.viewer_dock.widget().text()
