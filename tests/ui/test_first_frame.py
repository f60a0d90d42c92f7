"""Issue 48, item 9: Load Video, Load Image Sequence and Load Image show their file's first frame
in the viewer as soon as the path is set, before any run (like Nuke's Read); the file is read off
the GUI thread, and a bad file is said in the viewer, naming the node."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.assets import ASSETS_DIR
from studio.engine import events as ev
from studio.engine import sequence as S
from studio.engine.media import VideoFileClip

MEDIA = os.path.join(str(ASSETS_DIR), "media")


def choose(qtbot, win, nid, path):
    """Pick ``path`` with the node's path field's '…' button, as an artist does."""
    win.canvas.select([nid])
    editor = win.properties.editors["path"]
    editor.ask_path = lambda p, start: path
    editor.button.click()


@pytest.mark.parametrize("type_id, path, expected", [
    ("io.load_video", os.path.join(MEDIA, "shapes.mp4"), lambda p: VideoFileClip(p).frame(0)),
    ("footage.load_sequence", os.path.join(MEDIA, "plate", "plate.####.exr"),
     lambda p: S.read_frame(S.find_sequence(p).files[0])[0]),
])
def test_a_loader_shows_its_first_frame_before_any_run(qtbot, nodes_window, type_id, path, expected):
    win = nodes_window
    nid = win.doc.add_node(type_id, (0, 0))
    win.canvas.select([nid])
    area = win.preview
    assert "no file chosen" in area.title_label.summary or area.value is None
    choose(qtbot, win, nid, path)
    # asked for, not read on this thread: the viewer says it reads until the fetcher answers
    assert area.node_id == nid and area.value is None
    assert "reading" in area.title_label.summary
    qtbot.waitUntil(lambda: area.value is not None, timeout=10_000)
    want = expected(path)
    np.testing.assert_array_equal(area.value, want)
    assert area.stack.image.image is not None and area.stack.image.raw is not None
    assert area.title_label.summary.startswith("first frame · not run yet")
    assert f"{want.shape[1]}x{want.shape[0]}" in area.title_label.summary
    assert not win.runs.outputs  # nothing ran


def test_a_bad_file_is_said_in_the_viewer_and_the_app_goes_on(qtbot, nodes_window, tmp_path):
    win = nodes_window
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all")
    nid = win.doc.add_node("io.load_video", (0, 0))
    choose(qtbot, win, nid, str(bad))
    area = win.preview
    qtbot.waitUntil(lambda: "cannot" in area.title_label.summary, timeout=10_000)
    assert area.value is None and "broken.mp4" in area.stack.image.placeholder
    log = win.log_view.toPlainText()
    assert "Load Video: " in log and "broken.mp4" in log  # the node named, the cause said
    # another file: shown, the error gone
    choose(qtbot, win, nid, os.path.join(MEDIA, "shapes.mp4"))
    qtbot.waitUntil(lambda: area.value is not None, timeout=10_000)
    assert area.title_label.summary.startswith("first frame")


def test_reselecting_a_loader_shows_its_frame_again_and_a_result_wins(qtbot, nodes_window):
    win = nodes_window
    nid = win.doc.add_node("io.load_image", (0, 0))
    other = win.doc.add_node("io.text", (0, 300))
    choose(qtbot, win, nid, os.path.join(MEDIA, "still.png"))
    area = win.preview
    qtbot.waitUntil(lambda: area.value is not None, timeout=10_000)
    win.canvas.select([other])
    win.canvas.select([nid])
    assert area.value is None  # asked again (a file may have changed on disk)
    qtbot.waitUntil(lambda: area.value is not None and area.node_id == nid, timeout=10_000)
    # once it has run, its result is what selecting it shows
    result = np.full((4, 6, 3), 0.25, np.float32)
    send = win.runs.on_engine_event
    send(ev.RunStarted([nid], "cpu", {nid: "s1"}))
    send(ev.NodeFinished(nid, 0.1, False, {"image": result, "alpha": np.ones((4, 6, 1), np.float32)}))
    send(ev.RunFinished(0.1, True))
    win.canvas.select([other])
    win.canvas.select([nid])
    assert area.value is result and "first frame" not in area.title_label.summary

