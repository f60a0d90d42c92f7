"""Camera Path keyed by hand on the viewer (issue 75 item 4): with the node selected over its own
preview (the view through the camera above the path's sketch), a drag at a frame keys the camera
there with the picture following the mouse, Shift trucks, Ctrl rolls, the right button and the
wheel dolly, S keys the path where it is, Delete removes a key, Alt+Right moves one (the playhead
going with it); a preset becomes its keys on the first gesture; each gesture one undo step; saved
and loaded back, the run makes the same path. The real viewer widget is driven with QTest."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.core import camera_keys as ck
from studio.core.fileformat import load_graph, save_graph
from studio.core.graph import Graph
from studio.engine.executor import Executor
from studio.ui.document.document import Document
from studio.ui.window.key_marks import marks_for

from nodes.motion.camera import CameraPathNode

FRAMES = 9


@pytest.fixture
def area(make_area):
    return make_area(400, 400, auto_thumbnails=False)


def _node(area, qtbot, frame, **params):
    """A Camera Path node (9 frames) selected over its own preview, the viewer at ``frame``."""
    doc = Document(Graph())
    nid = doc.add_node("motion.camera_path", (0, 0))
    doc.set_params(nid, {"frames": FRAMES, **params})
    area.show_value(nid, "Camera Path", CameraPathNode.first_frame(dict(doc.graph.nodes[nid].params), None), "cam")
    qtbot.waitUntil(lambda: area.stack.image.image is not None)
    area.seek(frame)
    area.node_selected(nid, doc)
    assert area.mask_editor.active
    return doc, nid, area.stack.image


def at(view, u, v) -> QPoint:
    """The widget point at (u, v) of the view through the camera (the preview's top part)."""
    w, h = view.image_size()
    p = view.to_widget(u * w, v * ck.VIEW_H / ck.PREVIEW_H * h)
    return QPoint(round(p.x()), round(p.y()))


def _drag(view, a, b, button=Qt.LeftButton, mods=Qt.NoModifier):
    QTest.mousePress(view, button, mods, a)
    QTest.mouseMove(view, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseRelease(view, button, mods, b)


def _keys(doc, nid):
    return ck.parse_keys(doc.graph.nodes[nid].params["poses"])


def _middle(doc, nid, frame):
    """Where the picture's middle lands in the view at ``frame`` of the node's path (made by the node)."""
    c2w = CameraPathNode.path_of(dict(doc.graph.nodes[nid].params)).c2w[frame]
    segs, _ = ck.picture_lines(c2w)
    return segs[-1][0]


def test_a_drag_keys_the_camera_so_the_picture_follows_the_mouse_and_undo_takes_it_back(area, qtbot, tmp_path):
    doc, nid, view = _node(area, qtbot, 4, preset="Custom")
    steps = doc.undo_stack.count()
    _drag(view, at(view, 0.5, 0.5), at(view, 0.6, 0.4))  # the picture dragged right and up
    keys = _keys(doc, nid)
    assert [k[0] for k in keys] == [0, 4] and doc.undo_stack.count() == steps + 1  # the start's key too, one step
    assert np.allclose(_middle(doc, nid, 4), [0.6, 0.4], atol=0.01)  # the scene followed the mouse
    assert marks_for(doc.graph, nid) == [0, 4]  # the timeline's marks
    _drag(view, at(view, 0.5, 0.5), at(view, 0.4, 0.5), mods=Qt.ShiftModifier)  # a truck: the camera moves right
    assert _keys(doc, nid)[1][1][0] > 0.5 and np.allclose(_middle(doc, nid, 4), [0.5, 0.4], atol=0.02)
    doc.undo_stack.undo()
    assert np.allclose(_keys(doc, nid)[1][1], 0)
    doc.undo_stack.undo()
    assert doc.graph.nodes[nid].params["poses"] == "[]"
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    area.seek(8)
    _drag(view, at(view, 0.7, 0.5), at(view, 0.5, 0.7), mods=Qt.ControlModifier)  # a quarter turn clockwise
    assert _keys(doc, nid)[2][2][2] == pytest.approx(-90, abs=1)
    path = str(tmp_path / "camera.json")  # saved and loaded back: the same keys, the same path
    save_graph(doc.graph, path)
    g = load_graph(path)
    assert g.nodes[nid].params["poses"] == doc.graph.nodes[nid].params["poses"]
    cam = Executor(frame_caching=False).run(g, targets=[nid], device="cpu").value(nid)
    assert cam.label == "custom, 3 keys" and np.allclose(cam.c2w, CameraPathNode.path_of(dict(g.nodes[nid].params)).c2w)


def test_the_right_button_and_the_wheel_dolly_and_frame_0_is_the_start(area, qtbot):
    doc, nid, view = _node(area, qtbot, 0, preset="Custom")
    said = []
    area.message.connect(said.append)
    _drag(view, at(view, 0.5, 0.5), at(view, 0.6, 0.6))
    assert doc.graph.nodes[nid].params["poses"] == "[]" and "frame 0 is the start picture's camera" in said[-1]
    area.seek(3)
    _drag(view, at(view, 0.5, 0.6), at(view, 0.5, 0.4), button=Qt.RightButton)  # up: in
    z = _keys(doc, nid)[1][1][2]
    assert z == pytest.approx(0.2 * ck.DEPTH, abs=0.05)
    pos = QPointF(at(view, 0.5, 0.5))
    steps = doc.undo_stack.count()
    for _ in range(2):
        QApplication.sendEvent(view, QWheelEvent(pos, view.mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt.NoButton,
                                                 Qt.NoModifier, Qt.NoScrollPhase, False))
    assert _keys(doc, nid)[1][1][2] == pytest.approx(z + 2 * WHEEL, abs=1e-3)
    assert doc.undo_stack.count() == steps + 1  # the notches in a row: one step, as a slider's drag
    doc.undo_stack.undo()
    assert _keys(doc, nid)[1][1][2] == pytest.approx(z, abs=1e-3)


WHEEL = ck.DEPTH * 0.05


def test_a_preset_becomes_its_keys_then_delete_and_alt_arrows_edit_them(area, qtbot):
    doc, nid, view = _node(area, qtbot, 4, preset="Pan Right")
    doc.graph.nodes[nid].title = "Pan Right"  # titled by its preset, as a template makes it
    assert marks_for(doc.graph, nid) == []
    before = CameraPathNode.path_of(dict(doc.graph.nodes[nid].params)).c2w
    steps = doc.undo_stack.count()
    view.setFocus()
    QTest.keyClick(view, Qt.Key_S)  # key this frame where the preset has it: the same path, now keys
    inst = doc.graph.nodes[nid]
    assert inst.params["preset"] == "Custom" and inst.title == "Custom" and doc.undo_stack.count() == steps + 1
    assert [k[0] for k in _keys(doc, nid)] == [0, 4, 8]
    assert np.allclose(CameraPathNode.path_of(dict(inst.params)).c2w, before, atol=1e-3)  # keys to 4 decimals
    QTest.keyClick(view, Qt.Key_Right, Qt.AltModifier)  # the key to frame 5, the playhead with it
    assert [k[0] for k in _keys(doc, nid)] == [0, 5, 8] and area.timeline.current == 5
    QTest.keyClick(view, Qt.Key_Delete)
    assert [k[0] for k in _keys(doc, nid)] == [0, 8]
    for _ in range(3):
        doc.undo_stack.undo()
    assert inst.params["preset"] == "Pan Right" and inst.title == "Pan Right"


def test_what_the_gestures_do_is_said_on_selection_and_written_while_the_pointer_is_over_the_picture(area, qtbot):
    said = []
    area.message.connect(said.append)
    doc, nid, view = _node(area, qtbot, 4, preset="Custom")
    assert "drag on the picture to key the camera" in said[-1]
    cam = area.mask_editor.camera
    plain = view.grab().toImage()
    QApplication.sendEvent(view, QEvent(QEvent.Enter))
    assert cam.hover and view.grab().toImage() != plain  # the hint drawn over the picture
    QApplication.sendEvent(view, QEvent(QEvent.Leave))
    assert not cam.hover and view.grab().toImage() == plain


def test_a_keys_diamond_dragged_on_the_timeline_moves_the_key(area, qtbot):
    doc, nid, view = _node(area, qtbot, 0, preset="Custom", poses='[{"frame": 0}, {"frame": 4, "position": [1, 0, 0]}]')
    tl = area.timeline
    area.set_keyframes([0, 4])  # as the window marks them
    assert tl.keys_movable
    steps = doc.undo_stack.count()

    def x(f):
        return round(tl.x_of(f) + max(1.0, tl.pixels_per_frame()) / 2)
    y = tl.RULER_H - 3
    QTest.mousePress(tl, Qt.LeftButton, Qt.NoModifier, QPoint(x(4), y))
    assert tl.current == 4
    QTest.mouseMove(tl, QPoint(x(6), y))
    assert tl.current == 6 and tl.keyframes == (0, 6)  # shown where it goes, the playhead with it
    QTest.mouseRelease(tl, Qt.LeftButton, Qt.NoModifier, QPoint(x(6), y))
    assert [k[0] for k in _keys(doc, nid)] == [0, 6] and doc.undo_stack.count() == steps + 1
    assert np.allclose(_keys(doc, nid)[1][1], [1, 0, 0])
    QTest.mouseClick(tl, Qt.LeftButton, Qt.NoModifier, QPoint(x(2), tl.height() - 10))  # a click off a diamond
    assert tl.current == 2 and [k[0] for k in _keys(doc, nid)] == [0, 6]
