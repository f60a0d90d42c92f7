"""The Queue dock running its jobs on a Ray cluster (issue 114): the real dock, connected off the GUI thread to a
real local Ray ('local': a Ray started in this process with one worker), a job added in the dock done on that
worker, its row saying where it ran; an address nothing answers at is said in words while the window stays
responsive, and the dock runs on this machine again."""
from __future__ import annotations

import os
import shutil
import socket
import tempfile

import pytest
from PySide6.QtCore import Qt, QTimer

ray = pytest.importorskip("ray", reason="the cluster queue needs Ray (pip install ray)")

pytestmark = pytest.mark.timeout(300)


def _graph(win, tmp_path):
    g = win.doc.graph
    solid = g.add_node("procedural.solid", {"frames": 2, "width": 16, "height": 16})
    save = g.add_node("io.save_video", {"path": str(tmp_path / "out" / "clip.mp4")})
    g.connect(solid.id, "video", save.id, "video")


def test_an_address_nothing_answers_at_is_said_in_words_while_the_window_stays_responsive(
        open_window, qtbot, tmp_path, monkeypatch):
    import studio.cluster.pool as pool
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    monkeypatch.setattr(pool, "REACH_S", 1.0)
    # a head that never answers: a listening socket whose backlog is full (Linux drops the next SYN)
    head = socket.socket()
    head.bind(("127.0.0.1", 0))
    head.listen(0)
    port = head.getsockname()[1]
    fillers = []
    for _ in range(3):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    win = open_window()
    panel = win.queue_panel
    _graph(win, tmp_path)
    ticks = []
    timer = QTimer(win)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    try:
        panel.use_cluster(f"127.0.0.1:{port}")
        assert panel.queue.paused and "connecting to the cluster at 127.0.0.1" in panel.status.toolTip() + panel.status.text()
        assert panel.place_box.currentText() == f"Run on: cluster 127.0.0.1:{port}"
        panel.add_current()  # added while connecting: it waits, nothing lost
        qtbot.waitUntil(lambda: "cannot be used" in win.log_view.toPlainText(), timeout=30000)
    finally:
        timer.stop()
        for s in fillers + [head]:
            s.close()
    log = win.log_view.toPlainText()
    assert f"connecting to the cluster at 127.0.0.1:{port}" in log
    assert f"the cluster at 127.0.0.1:{port} cannot be used: cannot reach the Ray cluster" in log, log
    assert "Traceback" not in log
    assert len(ticks) >= 10  # the GUI thread ran its timer while the connection was tried (about 1 s)
    assert panel.place_box.currentText() == "Run on: this machine" and panel.place.address == ""
    assert len(panel.queue.pending()) == 1 and panel.queue.paused  # the job waits here: Resume runs it


def test_a_job_added_in_the_dock_runs_on_a_worker_of_the_cluster(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    if ray.is_initialized():  # another module's Ray: this test's own, with a device for the worker
        ray.shutdown()
    # a Ray of its own: ray.init() joins the Ray another process runs on this machine (its temp folder says which)
    ray_tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths have a length limit
    monkeypatch.setenv("RAY_TMPDIR", ray_tmp)
    win = open_window()
    panel = win.queue_panel
    _graph(win, tmp_path)
    try:
        panel.use_cluster("local")
        qtbot.waitUntil(lambda: "worker on the cluster at local" in win.log_view.toPlainText()
                        or "cannot be used" in win.log_view.toPlainText(), timeout=120000)
        assert panel.place.address == "local", win.log_view.toPlainText()
        assert "1 worker on the cluster at local" in panel.status.text() + panel.status.toolTip()
        assert panel.place_box.currentText() == "Run on: cluster local"
        qtbot.mouseClick(panel.add_button, Qt.LeftButton)
        # its end reaches the dock through the queued signal: its row's State
        ended = lambda: panel.table.rowCount() and panel.table.item(0, 4).text().startswith(  # noqa: E731
            ("done", "failed", "cancelled"))
        qtbot.waitUntil(lambda: ended() or "error" in win.log_view.toPlainText(), timeout=120000)
        assert ended(), win.log_view.toPlainText()
        job = panel.queue.jobs()[0]
        assert job.state == "done", job.error
        assert job.worker.startswith("worker-1 on ") and os.path.isfile(job.outputs[0])
        assert panel.table.item(0, 4).text() == "done · worker-1"  # its row says where it ran
        assert panel.table.item(0, 4).toolTip().endswith(f"ran on {job.worker}")
        from studio.ui.panels.queue_cluster import read_place
        assert read_place(panel.folder) == "local"  # kept for the next session
        panel.place.use_this_machine()
        assert panel.place_box.currentText() == "Run on: this machine" and read_place(panel.folder) == ""
        assert type(panel.queue).__name__ == "JobQueue" and panel.queue.jobs()[0].state == "done"
    finally:
        win.close()
        ray.shutdown()
        shutil.rmtree(ray_tmp, ignore_errors=True)
