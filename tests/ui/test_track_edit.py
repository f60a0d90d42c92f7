"""Drawn Tracks' tracks made on the viewer's frame (issue 57): a click on empty ground adds a track
at the playhead's frame, a drag on its point keys it at another frame, Delete removes a key (the
track with its last), H hides it from this frame on; each gesture one undo step; the graph saved
and loaded back makes those tracks. The real viewer widget is driven with QTest."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.core.fileformat import load_graph, save_graph
from studio.core.frame_keys import format_track_keys, parse_track_keys
from studio.engine.executor import Executor

from .viewer_edit import at, node_over_clip


@pytest.fixture
def area(make_area):
    return make_area(400, 300, auto_thumbnails=False)


def _tracks_node(area, qtbot, tracks="", frame=0):
    """A Drawn Tracks node (200x100, 6 frames) selected over a 200x100 clip (2 widget px a pixel)."""
    doc, nid, view = node_over_clip(area, qtbot, "motion.drawn_tracks", {"tracks": tracks, "frames": 6, "width": 200,
                                                                         "height": 100}, frame, n=6)
    assert area.mask_editor.active
    return doc, nid, view


def _text(doc, nid):
    """The node's 'tracks', points to 2 decimals (a click lands on a widget pixel: 0.0025 of this frame)."""
    tracks = parse_track_keys(doc.graph.nodes[nid].params["tracks"])
    return format_track_keys([[(f, round(x, 2), round(y, 2), v) for f, x, y, v in t] for t in tracks])


def _drag(view, a, b):
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, a)
    QTest.mouseMove(view, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, b)


def test_a_click_adds_a_track_a_drag_keys_it_and_undo_takes_each_back(area, qtbot, tmp_path):
    doc, nid, view = _tracks_node(area, qtbot, frame=1)
    steps = doc.undo_stack.count()
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.25, 0.5))
    assert _text(doc, nid) == "1: 0.25 0.5"
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.75, 0.2))  # empty ground: a second track
    assert _text(doc, nid) == "1: 0.25 0.5; 1: 0.75 0.2"
    area.seek(5)
    _drag(view, at(view, 0.25, 0.5), at(view, 0.5, 0.8))  # the first track's point, held from frame 1
    assert _text(doc, nid) == "1: 0.25 0.5, 5: 0.5 0.8; 1: 0.75 0.2"
    assert doc.undo_stack.count() == steps + 3  # a gesture, a step
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.75, 0.2))  # a click on a point: selected only
    assert doc.undo_stack.count() == steps + 3 and area.mask_editor.tracks.selected == 1
    doc.undo_stack.undo()
    assert _text(doc, nid) == "1: 0.25 0.5; 1: 0.75 0.2"
    doc.undo_stack.redo()
    path = str(tmp_path / "tracks.json")  # saved and loaded back: the same tracks, made by the node
    save_graph(doc.graph, path)
    g = load_graph(path)
    assert g.nodes[nid].params["tracks"] == doc.graph.nodes[nid].params["tracks"]
    k = Executor(frame_caching=False).run(g, targets=[nid], device="cpu").value(nid)
    assert k.points.shape == (6, 2, 2) and k.visible.all()
    # frame 3: half way from (0.25, 0.5) at frame 1 to (0.5, 0.8) at frame 5, of a 200x100 frame
    assert np.allclose(k.points[3, 0], [75, 65], atol=0.5) and np.allclose(k.points[0, 1], [150, 20], atol=0.5)


def test_a_drag_from_empty_ground_adds_the_track_where_the_button_comes_up(area, qtbot):
    doc, nid, view = _tracks_node(area, qtbot, tracks="0: 0.1 0.1", frame=2)
    steps = doc.undo_stack.count()
    _drag(view, at(view, 0.5, 0.5), at(view, 0.6, 0.7))
    assert _text(doc, nid) == "0: 0.1 0.1; 2: 0.6 0.7" and doc.undo_stack.count() == steps + 1


def test_delete_removes_this_frames_key_then_the_track(area, qtbot):
    doc, nid, view = _tracks_node(area, qtbot, tracks="0: 0.2 0.2, 4: 0.6 0.2; 0: 0.5 0.8", frame=4)
    said = []
    area.message.connect(said.append)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.6, 0.2))  # the first track, selected
    QTest.keyClick(view, Qt.Key_Delete)
    assert _text(doc, nid) == "0: 0.2 0.2; 0: 0.5 0.8"
    QTest.keyClick(view, Qt.Key_Delete)  # held at 0.2 0.2 here, no key at frame 4, but its only key: it goes
    assert not any("no key" in m for m in said)
    assert _text(doc, nid) == "0: 0.5 0.8"
    assert area.mask_editor.tracks.selected is None
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert _text(doc, nid) == "0: 0.2 0.2, 4: 0.6 0.2; 0: 0.5 0.8"
    area.seek(2)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.4, 0.2))  # between its keys
    QTest.keyClick(view, Qt.Key_Backspace)
    assert "track 1 has no key at frame 2 (its keys: 0, 4): go to one to remove it" == said[-1]
    assert _text(doc, nid) == "0: 0.2 0.2, 4: 0.6 0.2; 0: 0.5 0.8"


def test_delete_is_the_viewers_not_the_canvas_shortcut(area, qtbot):
    _tracks_node(area, qtbot, tracks="0: 0.5 0.5")
    view = area.stack.image
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.5))
    ev = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_Delete, Qt.NoModifier)
    ev.ignore()
    QApplication.sendEvent(view, ev)
    assert ev.isAccepted()  # the key comes to the view as a key press
    ev = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_Delete, Qt.NoModifier)
    ev.ignore()
    area.mask_editor.tracks.selected = None
    QApplication.sendEvent(view, ev)
    assert not ev.isAccepted()  # nothing selected: the window's shortcut may have it


def test_h_hides_a_track_from_this_frame_on_and_shows_it_again(area, qtbot, tmp_path):
    doc, nid, view = _tracks_node(area, qtbot, tracks="0: 0.2 0.2, 4: 0.6 0.2", frame=2)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.4, 0.2))
    QTest.keyClick(view, Qt.Key_H)
    assert _text(doc, nid) == "0: 0.2 0.2, 2: 0.4 0.2 hidden, 4: 0.6 0.2"
    area.seek(3)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.2))  # a hidden track is still taken
    assert area.mask_editor.tracks.selected == 0
    _drag(view, at(view, 0.5, 0.2), at(view, 0.5, 0.6))  # a key made while hidden stays hidden
    assert _text(doc, nid) == "0: 0.2 0.2, 2: 0.4 0.2 hidden, 3: 0.5 0.6 hidden, 4: 0.6 0.2"
    QTest.keyClick(view, Qt.Key_H)  # its own key: shown again from here
    assert _text(doc, nid) == "0: 0.2 0.2, 2: 0.4 0.2 hidden, 3: 0.5 0.6, 4: 0.6 0.2"
    k = Executor(frame_caching=False).run(doc.graph, targets=[nid], device="cpu").value(nid)
    assert k.visible[:, 0].tolist() == [True, True, False, True, True, True]


def test_the_tracks_are_drawn_over_the_frame(area, qtbot):
    _tracks_node(area, qtbot, tracks="0: 0.2 0.5, 5: 0.8 0.5; 0: 0.5 0.2 hidden", frame=0)
    view = area.stack.image
    img = view.grab().toImage()

    def off(fx, fy):
        """How far from the clip's grey the 3x3 widget pixels around (fx, fy) go (a line may fall
        on the row beside)."""
        p = at(view, fx, fy)
        return max(abs(img.pixelColor(p.x() + dx, p.y() + dy).red() - 102) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    assert off(0.5, 0.9) == 0  # nothing there: the clip's 0.4 grey
    assert off(0.5, 0.5) > 100  # the first track's path, between its keys (yellow: red 255)
    assert off(0.2, 0.5) > 100 and off(0.8, 0.5) > 100  # its keys
    assert 0 < off(0.5, 0.2) < off(0.5, 0.5)  # the hidden track: there, dimmed


def test_a_click_outside_the_frame_adds_nothing(area, qtbot):
    doc, nid, view = _tracks_node(area, qtbot)
    said = []
    area.message.connect(said.append)
    p = at(view, 1.2, 0.5)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, p)
    assert _text(doc, nid) == "" and "outside the frame" in said[-1]


def test_in_the_window_the_node_shows_its_plate_and_a_click_on_it_adds_a_track(qtbot, open_window):
    import os
    walker = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "assets", "media", "walker.mp4")
    win = open_window()
    load = win.doc.add_node("io.load_video", (0, 0), {"path": walker})
    drawn = win.doc.add_node("motion.drawn_tracks", (300, 0), {"frames": 8})
    win.doc.connect(load, "video", drawn, "plate")
    win.canvas.select([drawn])
    area = win.preview
    qtbot.waitUntil(lambda: area.node_id == drawn and area.stack.image.image is not None, timeout=10000)
    view = area.stack.image
    assert view.image_size() == (256, 256) and area.title == "Drawn Tracks · plate: Load Video"
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.4))
    assert _text(win.doc, drawn) == "0: 0.5 0.4"
    win.undo_action.trigger()
    assert win.doc.graph.nodes[drawn].params["tracks"] == ""


def test_a_key_past_the_nodes_frames_is_said(area, qtbot):
    doc, nid, view = _tracks_node(area, qtbot)
    doc.set_params(nid, {"frames": 3})
    area.seek(4)
    said = []
    area.message.connect(said.append)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.5))
    assert _text(doc, nid) == "4: 0.5 0.5"
    assert said[-1] == ("frame 4 is past the node's 3 'frames' (0 to 2): set 'frames' higher, or the run refuses "
                        "this key")
