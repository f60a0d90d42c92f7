"""The Queue dock driven through its widgets: the graph queued as it is now and as seed variations,
a queued job moved and cancelled, the queue paused and resumed, a finished job's outputs and graph
opened; the jobs kept for the next window, paused."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt


def _graph(win, tmp_path):
    g = win.doc.graph
    solid = g.add_node("procedural.solid", {"frames": 2, "width": 16, "height": 16})
    save = g.add_node("io.save_video", {"path": str(tmp_path / "out" / "clip.mp4")})
    g.connect(solid.id, "video", save.id, "video")
    return solid, save


def test_the_queue_dock_queues_moves_cancels_pauses_and_opens_results(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window()
    panel = win.queue_panel
    solid, _ = _graph(win, tmp_path)
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # paused: jobs wait while they are arranged
    assert panel.queue.paused
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    win.doc.graph.set_param(solid.id, "frames", 9)  # an edit after queueing does not change the job
    panel.variations.setText("3-4")
    qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    assert panel.table.rowCount() == 3 and panel.table.item(2, 2).text() == "4"
    assert [panel.table.item(r, 0).text() for r in range(3)] == ["1", "2", "3"]
    panel.table.selectRow(2)
    qtbot.mouseClick(panel.up_button, Qt.LeftButton)  # seed 4 before seed 3
    assert [j.title.split()[-1] for j in panel.queue.pending()][-2:] == ["4", "3"]
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)  # still selected: seed 4
    assert panel.table.item(1, 4).text() == "cancelled"
    followed = []
    win.preview.on_progress = followed.append  # the viewer and timeline follow the running job
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # resume: the two left run
    # each job's end reaches the window through the queued signal: its line in the Log
    qtbot.waitUntil(lambda: win.log_view.toPlainText().count("queue: ") == 2, timeout=60000)
    first, seed4, seed3 = panel.queue.jobs()
    assert (first.state, seed4.state, seed3.state) == ("done", "cancelled", "done"), first.error or seed3.error
    assert os.path.basename(seed3.outputs[0]) == "clip_seed3.mp4" and os.path.isfile(first.outputs[0])
    assert followed and {e.node_id for e in followed} <= set(win.doc.graph.nodes)
    opened = []
    panel.open_url = opened.append
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.outputs_button, Qt.LeftButton)
    assert opened == first.outputs
    qtbot.mouseClick(panel.graph_button, Qt.LeftButton)
    node = next(n for n in win.doc.graph.nodes.values() if n.type_id == "procedural.solid")
    assert node.params["frames"] == 2  # the graph as the job ran it
    assert panel.table.item(0, 4).text() == "done" and panel.table.item(0, 5).text() == "100%"


def test_jobs_left_waiting_come_back_paused(open_window, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window()
    _graph(win, tmp_path)
    win.queue_panel.queue.set_paused(True)
    win.queue_panel.add_current()
    win.close()
    again = open_window()
    assert again.queue_panel.queue.paused and len(again.queue_panel.queue.pending()) == 1
    assert again.queue_panel.pause_button.isChecked() and "1 waiting" in again.queue_panel.status.text()


def test_at_1024x700_the_queue_table_shows_four_jobs(open_window, qtbot, tmp_path, monkeypatch):
    """Issue 75's walk: at 1024x700 the Queue dock (in the Log's tab height) showed one row at a time."""
    from PySide6.QtCore import QEventLoop, QTimer
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window()
    win.resize(1024, 700)
    panel = win.queue_panel
    _graph(win, tmp_path)
    assert win.files.save_to(str(tmp_path / "sh010_finish.json"))
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # the jobs wait: only the list is looked at
    panel.variations.setText("seeds 1-6")
    qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    win.queue_dock.raise_()
    loop = QEventLoop()
    QTimer.singleShot(150, loop.quit)
    loop.exec()
    table = panel.table
    assert table.rowCount() == 6 and win.width() == 1024
    shown = [r for r in range(6) if table.visualRect(table.model().index(r, 1)).bottom() <= table.viewport().height()]
    assert len(shown) >= 4, (table.viewport().height(), table.rowHeight(0))
    assert not table.horizontalScrollBar().isVisible()  # every column in view, no bar over the rows
    assert table.item(0, 1).text() == "sh010_finish"  # named by its file, where every job was 'graph'
    assert table.item(0, 2).text() == "1"  # the seed in its own column only (issue 104's walk: both said it)
    assert "queued 6 jobs" in win.log_view.toPlainText()
    # the walk: '1 waiting · running …' under the table widened the window past the screen
    panel.status.setText("5 waiting · running sh010_finish_with_a_rather_long_name_for_the_client · seed 1 " * 2)
    loop = QEventLoop()
    QTimer.singleShot(100, loop.quit)
    loop.exec()
    assert win.minimumSizeHint().width() <= 1024 and win.width() == 1024
    assert panel.status.toolTip().startswith("5 waiting")
    assert panel.status.toolTip().startswith("5 waiting")


def test_run_waits_for_the_queues_job_which_shares_its_models(open_window, qtbot, tmp_path, monkeypatch):
    """The window's runs and the queue's jobs read one model cache (queue_dock.py): while a queued job
    renders, F5 starts nothing and says why, as the queue starts no job while the window runs."""
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window()
    _graph(win, tmp_path)
    assert win.runner.executor.models is win.queue_panel.queue._factory().models

    class Running:
        title = "clip seed 3"
    monkeypatch.setattr(type(win.queue_panel.queue), "running", property(lambda q: Running()))
    assert win.runs.run_graph() is False and not win.runner.running
    assert "the queue is rendering 'clip seed 3': run when it ends" in win.log_view.toPlainText()
    monkeypatch.undo()
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    assert win.runs.run_graph() is True
    qtbot.waitUntil(lambda: not win.runner.running, timeout=30000)
