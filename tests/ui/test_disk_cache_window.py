"""A restart reuses what the disk cache kept (issue 48, item 5; issue 61, item 13): opening the saved
graph in a new window reads Track Keypoints' tracks back from the disk, and the node says so under it."""
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_DISK_CACHE_GB", "1")
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))


def _read_back(qtbot, win):
    """Wait for the look in the disk cache that opening a graph starts (no run_finished: no run)."""
    assert win.runs.peeking is not None
    qtbot.waitUntil(lambda: win.runs.peeking is None and not win.runner.running, timeout=60000)


def _run(qtbot, win):
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()


def _tracked_and_saved(qtbot, w1, tmp_path):
    """Track Keypoints on the driving clip, saved as g.json and run in ``w1``: (the window, the track
    node, the file, the keypoints made)."""
    src = w1.doc.add_node("io.load_video", (0, 0), {"path": os.path.join(ROOT, "assets", "media", "driving.mp4")})
    track = w1.doc.add_node("motion.track_keypoints", (260, 0), {"max_points": 8})
    w1.doc.connect(src, "video", track, "video")
    path = str(tmp_path / "g.json")
    assert w1.files.save_to(path)
    _run(qtbot, w1)
    return w1, track, path, w1.runs.state.outputs[track]["keypoints"]


def test_f5_after_a_restart_reads_the_tracks_from_the_disk(qtbot, open_window, nodes_registry, cached, tmp_path):
    w1, track, path, first = _tracked_and_saved(qtbot, open_window(nodes_registry), tmp_path)
    assert "from disk" not in w1.canvas.badges.state(track)["text"]
    w1.close()
    w2 = open_window(nodes_registry)  # a new window: a new engine, its memory caches empty
    assert w2.files.open_path(path, ask=False)  # opening reads the cache back (issue 61)
    _read_back(qtbot, w2)
    badge = w2.canvas.badges.state(track)["text"]
    assert badge.startswith("cached · from disk"), badge
    assert "Track Keypoints: cached (disk)" in w2.log_view.toPlainText()
    again = w2.runs.state.outputs[track]["keypoints"]
    assert np.array_equal(again.points, first.points) and np.array_equal(again.visible, first.visible)
    _run(qtbot, w2)  # F5 then: the tracks kept, not made again
    assert w2.canvas.badges.state(track)["text"].startswith("cached"), w2.canvas.badges.state(track)


def test_a_reopened_graph_shows_its_cached_result_without_f5(qtbot, open_window, nodes_registry, cached, tmp_path):
    """Issue 61, item 13: opening a saved graph reads the disk cache's results back (nothing is
    made again) and the viewer shows the selected node's, before any F5."""
    w1, track, path, first = _tracked_and_saved(qtbot, open_window(nodes_registry), tmp_path)
    w1.close()
    w2 = open_window(nodes_registry)
    assert w2.files.open_path(path, ask=False)
    w2.canvas.select([track])
    _read_back(qtbot, w2)
    result = w2.runs.last_result
    assert result is not None and track in result.outputs
    assert track not in result.executed  # read back, not tracked again
    assert w2.canvas.badges.state(track)["text"].startswith("cached · from disk")
    assert "read back from the disk cache: 1 node" in w2.log_view.toPlainText()
    assert w2.preview.node_id == track  # the viewer shows it with no F5
    again = w2.runs.state.outputs[track]["keypoints"]
    assert np.array_equal(again.points, first.points)
    # F5 pressed while the cache is read back runs once that has ended
    w3 = open_window(nodes_registry)
    assert w3.files.open_path(path, ask=False)
    assert w3.runs.peeking is not None
    with qtbot.waitSignal(w3.run_finished, timeout=60000) as second:  # the F5, not the read-back
        assert w3.runs.run_graph()
    assert second.args[1] is None and second.args[0] is not None


def test_a_graph_with_nothing_cached_starts_no_look(qtbot, open_window, nodes_registry, cached, tmp_path):
    w = open_window(nodes_registry)
    w.doc.add_node("io.load_video", (0, 0), {"path": os.path.join(ROOT, "assets", "media", "driving.mp4")})
    path = str(tmp_path / "plain.json")
    assert w.files.save_to(path)
    assert w.files.open_path(path, ask=False)
    assert not w.runner.running and w.runs.peeking is None  # no node kept on disk: nothing started


def test_clear_cache_empties_the_disk_cache_too_and_says_so(qtbot, open_window, nodes_registry, cached):
    """Issue 116: Run > Clear Cache left the disk cache ('cached · from disk' on the next F5)."""
    from PySide6.QtGui import QAction

    from studio.engine.disk_cache import DiskCache
    disk = DiskCache.from_settings()
    nbytes, _why = disk.put("k" * 64, {"value": np.zeros((4, 4), np.float32)})
    assert nbytes and disk.get("k" * 64)[0] is not None
    win = open_window(nodes_registry)
    action = next(a for a in win.findChildren(QAction) if a.text().replace("&", "") == "Clear Cache")
    action.trigger()
    assert disk.size() == 0 and disk.get("k" * 64)[0] is None
    assert "the disk cache emptied" in win.log_view.toPlainText()
