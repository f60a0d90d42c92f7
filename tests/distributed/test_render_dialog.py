"""The Render dialog drives a real chunked render: progress, per-chunk state, cancel."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from .helpers import motion_graph

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def dialog(qtbot, tmp_path):
    from studio.ui.dialogs.render import RenderDialog
    made = []

    def make(frames=8):
        d = RenderDialog(motion_graph(str(tmp_path / "g.mp4"), frames=frames), output=str(tmp_path / "r.mp4"))
        qtbot.addWidget(d)
        d.show()
        made.append(d)
        return d

    yield make
    for d in made:
        if d.running:
            with qtbot.waitSignal(d.finished_render, timeout=60000):
                d.cancel()


def test_render_dialog_renders_and_shows_every_chunk(qtbot, dialog, tmp_path):
    d = dialog()
    d.workers_spin.setValue(2)
    d.chunk_spin.setValue(8)
    assert d.engine_combo.currentText() == "local" and not d.address_edit.isEnabled()
    d.engine_combo.setCurrentText("ray")
    assert d.address_edit.isEnabled()
    d.engine_combo.setCurrentText("local")
    with qtbot.waitSignal(d.finished_render, timeout=120000) as sig:
        qtbot.mouseClick(d.render_button, Qt.LeftButton)
        assert not d.render_button.isEnabled() and d.cancel_button.isEnabled()
        assert not d.workers_spin.isEnabled()  # settings are fixed while it runs
    result, error = sig.args
    assert error is None, error
    assert os.path.exists(tmp_path / "r.mp4")
    assert d.progress.value() == d.progress.maximum() == 15
    assert d.table.rowCount() == 2
    assert [d.table.item(r, 2).text() for r in range(2)] == ["done", "done"]
    assert [d.table.item(r, 1).text() for r in range(2)] == ["0–7", "8–14"]
    assert [d.table.item(r, 0).text() for r in range(2)] == ["r.mp4", "r.mp4"]  # the file, not the job hash
    assert d.status.text().startswith("rendered")
    assert d.render_button.isEnabled() and not d.cancel_button.isEnabled() and d.workers_spin.isEnabled()


def test_render_dialog_cancel_stops_the_workers(qtbot, dialog, tmp_path):
    from studio.core.errors import Cancelled
    d = dialog(frames=40)
    d.workers_spin.setValue(1)
    d.chunk_spin.setValue(4)
    with qtbot.waitSignal(d.finished_render, timeout=120000) as sig:
        d.start()
        qtbot.waitUntil(lambda: d.table.rowCount() > 0, timeout=60000)
        qtbot.mouseClick(d.cancel_button, Qt.LeftButton)
    _result, error = sig.args
    assert isinstance(error, Cancelled)
    assert d.status.text().startswith("cancelled")
    assert not os.path.exists(tmp_path / "r.mp4")
    states = [d.table.item(r, 2).text() for r in range(d.table.rowCount())]
    assert len(states) == 20 and states.count("done") < 20


def test_the_run_menu_opens_the_render_dialog_on_the_windows_graph(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from studio.ui.window.main_window import MainWindow
    from studio.ui.dialogs.render import RenderDialog
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), data_dir=str(tmp_path / "d"))
    w.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(w)
    action = next(a for a in w.findChildren(type(w.run_action)) if a.text() == "Render in &Chunks…")
    action.trigger()
    dlg = w.findChild(RenderDialog)
    assert dlg is not None and dlg.isVisible()
    assert dlg.graph is w.doc.graph and not dlg.running
    dlg.close()
    w.close()


def test_a_sweep_may_name_a_node_as_the_canvas_shows_it(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from studio.ui.window.main_window import MainWindow
    from studio.ui.dialogs.render import open_render_dialog
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), data_dir=str(tmp_path / "d"))
    w.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(w)
    a = w.canvas.add_node_at("transform.color", (0, 0))
    b = w.canvas.add_node_at("transform.color", (0, 200))
    assert w.canvas.view_node(b).name() == "Colour Adjust 1"  # numbered on the canvas only
    assert w.doc.graph.nodes[b].label == "Colour Adjust"
    dlg = open_render_dialog(w)
    qtbot.keyClicks(dlg.sweep_edit, "Colour Adjust 1.exposure=0,0.5; Colour Adjust.gamma=1,2; n99.x=1")
    assert dlg.sweeps() == [f"{b}.exposure=0,0.5", f"{a}.gamma=1,2", "n99.x=1"]
    dlg.close()
    w.close()


def test_a_relative_output_lands_next_to_the_graph_or_in_the_project_folder(qtbot, tmp_path, monkeypatch):
    from studio.ui.dialogs.render import RenderDialog
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    g = motion_graph("out/g.mp4", frames=4)
    d = RenderDialog(g)
    qtbot.addWidget(d)
    assert d.output_edit.text() == str(tmp_path / "project" / "out" / "g.mp4")  # unsaved: the project folder
    g.base_dir = str(tmp_path / "shot")
    d2 = RenderDialog(g)
    qtbot.addWidget(d2)
    assert d2.output_edit.text() == str(tmp_path / "shot" / "out" / "g.mp4")  # saved: next to the graph
