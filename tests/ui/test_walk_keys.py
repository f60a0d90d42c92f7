"""Issue 35, item 1: the transport keys are window-wide. With the node canvas focused (the
artist's loop: select a node, step through frames) Space plays and Right/Shift+Right/Home/End/I/O
move the timeline; a text field keeps its keys."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit



@pytest.fixture
def win(nodes_window):
    return nodes_window


def shown_clip(qtbot, win, frames=24):
    a = win.doc.add_node("source.shapes", (0, 0), {"frames": frames, "width": 32, "height": 24, "sound": False})
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()
    win.canvas.select([a])
    tl = win.preview.timeline
    qtbot.waitUntil(lambda: tl.n_frames == frames)
    return a, tl


def test_space_and_right_move_the_frame_with_the_canvas_focused(qtbot, win):
    _, tl = shown_clip(qtbot, win)
    view = win.canvas.view
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    tl.set_current(0)
    qtbot.keyClick(view, Qt.Key_Right)
    assert tl.current == 1
    qtbot.keyClick(view, Qt.Key_Right, Qt.ShiftModifier)
    assert tl.current == 11
    qtbot.keyClick(view, Qt.Key_Left)
    assert tl.current == 10
    qtbot.keyClick(view, Qt.Key_I)
    qtbot.keyClick(view, Qt.Key_End)
    assert tl.current == 23
    qtbot.keyClick(view, Qt.Key_O)
    assert win.preview.in_out() == (10, 24)
    qtbot.keyClick(view, Qt.Key_Home)
    assert tl.current == 0 and QApplication.focusWidget() is view  # the canvas keeps the focus
    qtbot.keyClick(view, Qt.Key_Space)  # play: the frame moves on its own
    assert win.preview.player.playing
    qtbot.waitUntil(lambda: tl.current > 0, timeout=5000)
    qtbot.keyClick(view, Qt.Key_Space)
    assert not win.preview.player.playing


def test_a_text_field_keeps_its_keys(qtbot, win):
    _, tl = shown_clip(qtbot, win, frames=12)
    tl.set_current(5)
    field = win.properties.findChild(QLineEdit)
    assert field is not None
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    field.setText("abc")
    field.setCursorPosition(0)
    for k in (Qt.Key_Right, Qt.Key_Space, Qt.Key_L, Qt.Key_End):
        qtbot.keyClick(field, k)
    assert tl.current == 5 and not win.preview.player.playing
    assert " " in field.text() and "l" in field.text()


def test_mute_on_the_canvas_is_still_its_own_key(qtbot, win):
    a, tl = shown_clip(qtbot, win, frames=6)
    win.canvas.view.setFocus()
    qtbot.keyClick(win.canvas.view, Qt.Key_M)
    assert win.doc.graph.nodes[a].mode == "mute"


# -- item 5: the A/B wipe belongs to the document -----------------------------------------------
def test_file_new_clears_the_ab_wipe(qtbot, win):
    doc = win.doc
    a = doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    b = doc.add_node("source.shapes", (0, 200), {"frames": 4, "width": 32, "height": 24, "sound": False,
                                                 "shape": "square"})
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()
    pv = win.preview
    win.canvas.select([a])
    qtbot.waitUntil(lambda: pv.node_id == a)
    qtbot.mouseClick(pv.compare_button, Qt.LeftButton)  # B = this output
    assert pv.compare is not None and pv.compare[0] == a
    win.canvas.select([b])
    qtbot.waitUntil(lambda: pv.stack.image._b_img is not None)
    win.files.new_graph()
    assert pv.compare is None and not pv.compare_button.isChecked() and pv.stack.image._b_img is None
    c = win.doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()
    win.canvas.select([c])
    qtbot.waitUntil(lambda: pv.node_id == c and pv.shown_frame is not None)
    assert pv.stack.image._b_img is None  # no B side from the closed graph


def test_deleting_the_b_node_ends_the_wipe(qtbot, win):
    a, _ = shown_clip(qtbot, win, frames=4)
    pv = win.preview
    qtbot.mouseClick(pv.compare_button, Qt.LeftButton)
    assert pv.compare is not None
    win.doc.remove_nodes([a])
    assert pv.compare is None and not pv.compare_button.isChecked()


# -- item 10: a node dropped on a wire does not land on the downstream node ----------------------
def test_a_node_inserted_on_a_short_wire_pushes_the_downstream_nodes_right(qtbot, win):
    from PySide6.QtCore import QPointF
    d, cv = win.doc, win.canvas
    a = d.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    b = d.add_node("transform.color", (260, 0))
    c = d.add_node("io.preview", (520, 0))
    d.connect(a, "video", b, "video")
    d.connect(b, "video", c, "value")
    r = d.add_node("transform.resize", (300, 400))
    cv.fit_all()
    d.undo_stack.clear()
    wire_mid = (cv.port_scene_center(b, "video", "out") + cv.port_scene_center(c, "value", "in")) / 2
    rv = cv.view_node(r).view
    centre = rv.sceneBoundingRect().center()
    grab = QPointF(centre.x(), rv.sceneBoundingRect().top() + 8)
    vp = cv.view.viewport()
    pa, pb = cv.view.mapFromScene(grab), cv.view.mapFromScene(wire_mid + (grab - centre))
    qtbot.mousePress(vp, Qt.LeftButton, pos=pa)
    for k in range(1, 7):
        qtbot.mouseMove(vp, pa + (pb - pa) * (k / 6))
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=pb)
    assert (r, "video", c, "value") in {tuple(l) for l in d.graph.links}
    assert not cv.view_node(r).view.sceneBoundingRect().intersects(cv.view_node(c).view.sceneBoundingRect())
    assert d.position(c)[0] > 520 and d.undo_stack.count() == 1  # the push is part of the one step
    win.undo_action.trigger()
    assert d.position(c) == [520.0, 0.0]
