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


def test_the_window_and_its_canvas_keep_their_declared_doors(qtbot, open_window):
    """MainWindow is a WindowApi and its Canvas a CanvasApi (every member the parts may use is
    there); the canvas's view index says when a node's view is made and removed, and maps both ways."""
    from studio.ui.canvas.api import CanvasApi
    from studio.ui.window.api import WindowApi
    win = open_window()
    assert isinstance(win, WindowApi) and isinstance(win.canvas, CanvasApi)
    cv = win.canvas
    made, gone = [], []
    cv.index.view_created.connect(lambda nid, ng: made.append((nid, ng)))
    cv.index.view_removed.connect(gone.append)
    a = win.doc.add_node("source.shapes", (0, 0))
    b = win.doc.add_node("transform.color", (300, 0))
    assert [m[0] for m in made] == [a, b]
    ng = cv.index.view_of(a)
    assert made[0][1] is ng and cv.index.model_of(ng.id) == a and cv.model_id(ng) == a
    assert cv.status_text(a) == cv.badges.status_text(a)  # the badges attached on view_created
    win.doc.connect(a, "video", b, "video")
    assert cv.index.wired() == set(win.doc.graph.links)
    win.doc.remove_nodes([a])
    assert gone == [a] and cv.index.view_of(a) is None and a not in cv.index
    assert cv.index.wired() == set()
