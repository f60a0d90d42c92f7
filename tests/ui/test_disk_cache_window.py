"""A restart reuses what the disk cache kept (issue 48, item 5): F5 in a new window on the saved
graph reads Track Keypoints' tracks back from the disk, and the node says so under it."""
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_DISK_CACHE_GB", "1")
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))


def _run(qtbot, win):
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()


def test_f5_after_a_restart_reads_the_tracks_from_the_disk(qtbot, open_window, nodes_registry, cached, tmp_path):
    w1 = open_window(nodes_registry)
    src = w1.doc.add_node("io.load_video", (0, 0), {"path": os.path.join(ROOT, "assets", "media", "driving.mp4")})
    track = w1.doc.add_node("motion.track_keypoints", (260, 0), {"max_points": 8})
    w1.doc.connect(src, "video", track, "video")
    path = str(tmp_path / "g.json")
    assert w1.files.save_to(path)
    _run(qtbot, w1)
    first = w1.runs.state.outputs[track]["keypoints"]
    assert "from disk" not in w1.canvas.badges.state(track)["text"]
    w1.close()
    w2 = open_window(nodes_registry)  # a new window: a new engine, its memory caches empty
    assert w2.files.open_path(path, ask=False)
    _run(qtbot, w2)
    badge = w2.canvas.badges.state(track)["text"]
    assert badge.startswith("cached · from disk"), badge
    assert "Track Keypoints: cached (disk)" in w2.log_view.toPlainText()
    again = w2.runs.state.outputs[track]["keypoints"]
    assert np.array_equal(again.points, first.points) and np.array_equal(again.visible, first.visible)
