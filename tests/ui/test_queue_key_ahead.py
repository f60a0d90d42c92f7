"""The queue's seal key is made as the Queue dock opens, on a thread of its own (studio.queue.seal.key_ahead):
made at the first job added, its fsync held the window 150-310 ms (a new user's first job, Xvfb walk)."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt


def test_the_key_is_ready_before_the_first_job_and_not_made_on_the_gui_thread(open_window, qtbot, tmp_path,
                                                                               monkeypatch):
    import threading

    from studio.core.settings import config_dir
    from studio.queue import seal
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    made_on: list[str] = []
    plain = seal._make_key
    monkeypatch.setattr(seal, "_keys", {})  # a new user: no key read or made yet in this process
    monkeypatch.setattr(seal, "_make_key", lambda path: made_on.append(threading.current_thread().name) or plain(path))
    win = open_window()
    panel = win.queue_panel
    panel.key_thread.join(10)
    key = os.path.join(config_dir(), seal.KEY_FILE)
    assert os.path.isfile(key) and made_on == ["studio-queue-key"]  # made as the dock opened, off the GUI thread
    g = win.doc.graph
    solid = g.add_node("procedural.solid", {"frames": 2, "width": 16, "height": 16})
    save = g.add_node("io.save_video", {"path": str(tmp_path / "out" / "clip.mp4")})
    g.connect(solid.id, "video", save.id, "video")
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # paused: the job waits
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    job = panel.queue.pending()[0]
    assert made_on == ["studio-queue-key"] and job.seal == seal.seal(job)  # sealed with the key made ahead
