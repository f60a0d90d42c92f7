"""Issue 116, item 4: the queue keeps its word. The Queue dock's Size is the queue's own (kept with the queue from
session to session, not following the toolbar's Preview); a job that cannot run on this machine is refused when it
is added, in words, not when its turn comes."""
from __future__ import annotations

from PySide6.QtCore import Qt

from .test_queue_panel import _graph
from .test_walk104_visible import TEMPLATE


def test_the_size_picked_is_kept_across_a_relaunch_and_never_follows_the_toolbar(open_window, nodes_registry, qtbot,
                                                                               tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window(nodes_registry)
    panel = win.queue_panel
    assert panel.size_box.currentText() == "Size: Final"  # before any pick: the size main.py render makes
    panel.size_box.activated.emit(0)  # the artist picks Preview
    assert panel.size_box.currentText() == "Size: Preview" and panel.size() == "Preview"
    win.close()
    again = open_window(nodes_registry)  # a relaunch on the same data folder: the same queue
    assert again.queue_panel.size() == "Preview" and again.queue_panel.size_box.currentText() == "Size: Preview"
    assert again.files.open_path(TEMPLATE, ask=False)
    gen = next(n for n in again.doc.graph.nodes.values() if n.spec.param("preview_size") is not None)
    gen.params["preview_size"] = "always"
    again.preview_toggle.sync()
    assert again.preview_toggle.previews()
    again.preview_toggle.click()  # the toolbar at full size: the queue's size does not follow it
    assert not again.preview_toggle.previews()
    again.queue_panel.refresh()
    assert again.queue_panel.size() == "Preview" and again.queue_panel.size_box.currentText() == "Size: Preview"


def test_a_job_that_cannot_run_here_is_refused_when_added_in_words(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    from studio.queue import admit
    win = open_window()
    panel = win.queue_panel
    solid, _ = _graph(win, tmp_path)
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    monkeypatch.setattr(admit, "machine_memory", lambda: 64 << 20)  # a machine of 64 MB
    win.doc.graph.set_param(solid.id, "width", 1920)
    win.doc.graph.set_param(solid.id, "height", 1080)  # 2 frames of 1920x1080 RGB float32: 47 MB, fits
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert len(panel.queue.jobs()) == 1
    win.doc.graph.set_param(solid.id, "frames", 30)  # 30 frames: 712 MB, more than the machine has
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert len(panel.queue.jobs()) == 1  # not queued
    log = win.log_view.toPlainText()
    assert "not queued" in log and "cannot run on this machine" in log and "1920x1080 x 30 frame(s)" in log
    g = win.doc.graph  # a missing input file: refused when added too, naming it
    src = g.add_node("io.load_video", {"path": str(tmp_path / "gone.mp4")})
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.connect(src.id, "video", save.id, "video")
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert len(panel.queue.jobs()) == 1 and "gone.mp4" in win.log_view.toPlainText().splitlines()[-1]


def test_a_job_loading_its_model_says_so_in_its_row_and_the_status(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    from studio.engine.events import NodeFinished, NodeNote
    win = open_window()
    panel = win.queue_panel
    _graph(win, tmp_path)
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    job = panel.queue.jobs()[0]
    job.state = "running"  # as the queue's thread marks it, then tells what its nodes do
    monkeypatch.setattr(type(panel.queue), "running", property(lambda q: job))
    panel._bridge.heard.emit("event", job, NodeNote("load", "loading Wan 2.1 (2 of 5 files)", logged=False))
    qtbot.waitUntil(lambda: panel.table.item(0, 4).text() == "loading Wan 2.1 (2 of 5 files)", timeout=2000)
    assert "loading Wan 2.1 (2 of 5 files)" in panel.status.toolTip()  # the whole line, cut at the dock's width
    panel._bridge.heard.emit("event", job, NodeFinished("load", 1.0, False))
    qtbot.waitUntil(lambda: panel.table.item(0, 4).text() == "running", timeout=2000)
