"""Issue 57 friction: a plate scrubbed before any run. With a Load Video wired into Drawn Tracks'
'plate' (or Control Mask's 'video'), selecting the node before a run gives a timeline of the
node's 'frames' (Drawn Tracks) or of the plate's length (Control Mask); the playhead moved on the
timeline shows that frame of the plate (decoded off the GUI thread), and a drag there keys the
node at that frame. A plate no loader can open lazily is its first frame, and the viewer says a
run is needed to scrub it; one made by another node says so in the status bar, once."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.core.assets import ASSETS_DIR
from studio.core.frame_keys import parse_shape_keys, parse_track_keys
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, write_video

from .viewer_edit import at

N = 8  # the plate's frames


@pytest.fixture
def plate(tmp_path):
    """An 8-frame 64x48 clip, frame i a flat grey of 0.1 + 0.1 i (each frame told by its pixels)."""
    frames = np.stack([np.full((48, 64, 3), 0.1 + 0.1 * i, np.float32) for i in range(N)])
    path = str(tmp_path / "plate.mp4")
    write_video(path, ArrayClip(frames, 24.0), preset="ultrafast")
    return path


def _scrub(qtbot, area, frame):
    """A click on the timeline at ``frame``; waits for that frame on screen."""
    t = area.timeline
    QTest.mouseClick(t, Qt.LeftButton, Qt.NoModifier,
                     QPoint(round(t.x_of(frame + 0.5)), t.height() // 2))
    assert t.current == frame
    qtbot.waitUntil(lambda: area.shown_frame == frame, timeout=10_000)


def _drag(view, a, b):
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, a)
    QTest.mouseMove(view, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, b)


def _selected(qtbot, win, nid):
    win.canvas.select([nid])
    area = win.preview
    assert area.node_id == nid and area.value is None  # asked for, read on the fetcher's thread
    qtbot.waitUntil(lambda: area.value is not None and area.stack.image.image is not None, timeout=10_000)
    return area, area.stack.image


def _on_plate(qtbot, win, plate, node_type, params, port):
    """A ``node_type`` node fed the plate on ``port`` in ``win``, selected and its plate shown: (the
    window, the node's id, the preview area, its image view)."""
    load = win.doc.add_node("io.load_video", (0, 0), {"path": plate})
    nid = win.doc.add_node(node_type, (300, 0), params)
    win.doc.connect(load, "video", nid, port)
    return (win, nid) + _selected(qtbot, win, nid)


def test_drawn_tracks_scrub_their_plate_and_key_at_any_frame_before_a_run(qtbot, open_window, plate):
    win, nid, area, view = _on_plate(qtbot, open_window(), plate, "motion.drawn_tracks", {"frames": 12}, "plate")
    assert area.timeline.n_frames == 12  # the node's frames, not "frame 0 / 0"
    assert area.title_label.summary.startswith("plate · not run yet · 64x48 · 12 frames")
    assert view.image_size() == (64, 48)
    src = VideoFileClip(plate)
    _scrub(qtbot, area, 5)
    np.testing.assert_array_equal(view.raw, src.frame(5))  # that frame of the plate
    assert abs(float(view.raw.mean()) - 0.6) < 0.05
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.25, 0.5))  # a track at frame 5
    _scrub(qtbot, area, 10)  # past the plate's 8 frames: its last held, as under a run's points
    np.testing.assert_array_equal(view.raw, src.frame(N - 1))
    _drag(view, at(view, 0.25, 0.5), at(view, 0.5, 0.75))  # keys the track at frame 10
    (track,) = parse_track_keys(win.doc.graph.nodes[nid].params["tracks"])
    assert [(f, round(x, 2), round(y, 2)) for f, x, y, _v in track] == [(5, 0.25, 0.5), (10, 0.5, 0.75)]
    assert not win.runs.outputs  # nothing ran
    k = Executor(frame_caching=False).run(win.doc.graph, targets=[nid], device="cpu").value(nid)
    assert k.points.shape == (12, 1, 2) and (k.width, k.height) == (64, 48)
    # 'frames' changed while it is selected: the plate spans the new length
    win.doc.set_params(nid, {"frames": 20})
    qtbot.waitUntil(lambda: area.value is not None and area.timeline.n_frames == 20, timeout=10_000)


def test_control_mask_scrubs_its_plate_and_keys_a_shape_at_that_frame(qtbot, open_window, plate):
    win, nid, area, view = _on_plate(qtbot, open_window(), plate, "control.mask", {"source": "rectangle"}, "video")
    assert area.timeline.n_frames == N  # a mask is as long as its plate
    _scrub(qtbot, area, 3)
    np.testing.assert_array_equal(view.raw, VideoFileClip(plate).frame(3))
    _drag(view, at(view, 0.2, 0.2), at(view, 0.6, 0.8))
    keys = dict(parse_shape_keys(win.doc.graph.nodes[nid].params["shape_keys"]))
    assert sorted(keys) == [0, 3]  # its default key at 0, the one drawn at 3
    assert np.allclose(keys[3], (0.4, 0.5, 0.4, 0.6), atol=0.03)


def test_a_polygon_point_goes_at_the_frame_scrubbed_to(qtbot, open_window, plate):
    win, nid, area, view = _on_plate(qtbot, open_window(), plate, "control.mask", {"source": "polygon"}, "video")
    _scrub(qtbot, area, 6)
    for fx, fy in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.8)):
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, fx, fy))
    QTest.keyClick(view, Qt.Key_Return)  # closed: the key of frame 6
    text = win.doc.graph.nodes[nid].params["polygon_keys"]
    assert text.startswith("6:") and ";" not in text, text


def test_a_plate_that_needs_a_run_says_so(qtbot, open_window):
    win = open_window()
    seq = win.doc.add_node("footage.load_sequence", (0, 0),
                           {"path": os.path.join(str(ASSETS_DIR), "media", "plate", "plate.####.exr")})
    nid = win.doc.add_node("motion.drawn_tracks", (300, 0), {"frames": 12})
    win.doc.connect(seq, "video", nid, "plate")
    area, view = _selected(qtbot, win, nid)  # no lazy clip from this loader: its first frame
    assert area.title_label.summary.endswith("run to scrub the plate")
    # a plate made by another node (not a loader): the status bar says a run is needed, once
    resize = win.doc.add_node("transform.resize", (150, 0))
    win.doc.connect(seq, "video", resize, "video")
    win.doc.connect(resize, "video", nid, "plate")
    other = win.doc.add_node("io.text", (0, 300))
    win.canvas.select([other])
    win.canvas.select([nid])
    said = win.statusBar().currentMessage()
    assert "run to scrub the plate" in said and "Resize" in said
    win.statusBar().clearMessage()
    win.canvas.select([other])
    win.canvas.select([nid])
    assert win.statusBar().currentMessage() == ""
