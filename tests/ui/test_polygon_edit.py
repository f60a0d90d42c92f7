"""Control Mask's polygon made on the viewer's frame (issue 46, 3): clicked point by point and
closed on its first point, by a double-click or by Enter; its points dragged at another frame (a
key there); each gesture one undo step; the graph saved and loaded back renders that polygon as
the mask. The real viewer widget is driven with QTest."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.core.fileformat import load_graph, save_graph
from studio.core.frame_keys import parse_polygon_keys
from studio.engine.executor import Executor

from .viewer_edit import at, node_over_clip

TRIANGLE = ((0.2, 0.2), (0.8, 0.2), (0.5, 0.8))


@pytest.fixture
def area(make_area):
    return make_area(400, 300, auto_thumbnails=False)


def _mask_node(area, qtbot, keys="", frame=0):
    """A Control Mask (polygon, 200x100, 6 frames) selected over a 200x100 clip (2 widget px a pixel)."""
    doc, nid, view = node_over_clip(area, qtbot, "control.mask", {"source": "polygon", "polygon_keys": keys,
                                    "frames": 6, "width": 200, "height": 100}, frame, n=6)
    assert area.mask_editor.active
    return doc, nid, view


def _keys(doc, nid):
    return dict(parse_polygon_keys(doc.graph.nodes[nid].params["polygon_keys"]))


def _close(a, b, tol=0.011):
    return len(a) == len(b) and all(abs(x - u) < tol and abs(y - v) < tol for (x, y), (u, v) in zip(a, b))


def _drag(view, a, b):
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, a)
    QTest.mouseMove(view, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, b)


def _render(doc, nid, tmp_path):
    """The node's mask, from the graph saved to a file and loaded back."""
    path = str(tmp_path / "mask.json")
    save_graph(doc.graph, path)
    g = load_graph(path)
    return g, Executor(frame_caching=False).run(g, targets=[nid], device="cpu").value(nid)


def test_a_polygon_clicked_on_the_frame_is_saved_and_rendered(area, qtbot, tmp_path):
    doc, nid, view = _mask_node(area, qtbot, frame=2)
    steps = doc.undo_stack.count()
    said = []
    area.message.connect(said.append)
    for x, y in TRIANGLE:
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, x, y))
    assert doc.graph.nodes[nid].params["polygon_keys"] == ""  # nothing written while drawing
    assert "click the first point again" in said[0]
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, *TRIANGLE[0]))  # on the first: closed
    keys = _keys(doc, nid)
    assert list(keys) == [2] and _close(keys[2], TRIANGLE)
    assert doc.undo_stack.count() == steps + 1  # the whole polygon is one step
    g, mask = _render(doc, nid, tmp_path)
    assert g.nodes[nid].params["polygon_keys"] == doc.graph.nodes[nid].params["polygon_keys"]
    m = mask.frame(4)[..., 0]  # one key: held on every frame
    assert m.shape == (100, 200) and m[40, 100] == 1 and m[15, 100] == 0 and m[70, 40] == 0 and m[70, 160] == 0
    assert m[25, 45] == 1 and m[25, 155] == 1 and m[75, 100] == 1  # near the corners, inside
    assert 0.18 * 200 * 100 * 0.95 < m.sum() < 0.18 * 200 * 100 * 1.05  # the triangle: 0.6 x 0.6 / 2 of the frame
    doc.undo_stack.undo()
    assert doc.graph.nodes[nid].params["polygon_keys"] == ""


@pytest.mark.parametrize("how", ["double-click", "click, double-click", "enter"])
def test_a_double_click_or_enter_closes_the_polygon(area, qtbot, how):
    doc, nid, view = _mask_node(area, qtbot)
    square = ((0.1, 0.1), (0.6, 0.1), (0.6, 0.7), (0.1, 0.7))
    for x, y in square[:-1]:
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, x, y))
    if how == "enter":
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, *square[-1]))
        QTest.keyClick(view, Qt.Key_Return)
    else:  # a double-click's first press may come as a press (a window system) or not (QTest)
        if how.startswith("click"):
            QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, *square[-1]))
        QTest.mouseDClick(view, Qt.LeftButton, Qt.NoModifier, at(view, *square[-1]))
    assert _close(_keys(doc, nid)[0], square)  # four points: the double-click's place once
    assert view.fit  # the double-click closed the polygon: the view did not take it


def test_too_few_points_backspace_and_escape(area, qtbot):
    doc, nid, view = _mask_node(area, qtbot)
    said = []
    area.message.connect(said.append)
    for x, y in ((0.2, 0.2), (0.8, 0.2), (0.9, 0.9)):
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, x, y))
    QTest.keyClick(view, Qt.Key_Backspace)  # the last point taken back
    QTest.keyClick(view, Qt.Key_Return)
    assert "needs 3 points or more: 2 so far" in said[-1] and doc.graph.nodes[nid].params["polygon_keys"] == ""
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.8))
    QTest.keyClick(view, Qt.Key_Escape)  # dropped
    QTest.keyClick(view, Qt.Key_Return)
    assert said[-1] == "polygon dropped" and doc.graph.nodes[nid].params["polygon_keys"] == ""
    for x, y in TRIANGLE:
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, x, y))
    QTest.keyClick(view, Qt.Key_Enter)
    assert _close(_keys(doc, nid)[0], TRIANGLE)  # Backspace took back (0.9, 0.9), Esc the rest


def test_dragging_a_point_keys_this_frame_and_the_mask_moves_between_keys(area, qtbot, tmp_path):
    doc, nid, view = _mask_node(area, qtbot, keys="0: 0.2 0.2, 0.8 0.2, 0.5 0.8", frame=4)
    steps = doc.undo_stack.count()
    _drag(view, at(view, 0.5, 0.8), at(view, 0.5, 0.4))  # the third point, up
    keys = _keys(doc, nid)
    assert list(keys) == [0, 4] and keys[0] == TRIANGLE
    assert _close(keys[4], ((0.2, 0.2), (0.8, 0.2), (0.5, 0.4)))
    _drag(view, at(view, 0.5, 0.3), at(view, 0.6, 0.5))  # inside: the whole polygon moves
    moved = _keys(doc, nid)[4]
    assert _close(moved, ((0.3, 0.4), (0.9, 0.4), (0.6, 0.6)))
    assert doc.undo_stack.count() == steps + 2  # a drag, a step
    doc.undo_stack.undo()
    assert _keys(doc, nid)[4] == keys[4]
    _, mask = _render(doc, nid, tmp_path)
    # the third point from y 0.8 (frame 0) to 0.4 (frame 4): at frame 2 it is at 0.6
    col = mask.frame(2)[:, 100, 0]
    assert col[55] == 1 and col[65] == 0 and mask.frame(0)[75, 100, 0] == 1 and mask.frame(4)[45, 100, 0] == 0


def test_a_polygon_of_another_count_replaces_the_keys_and_says_so(area, qtbot):
    doc, nid, view = _mask_node(area, qtbot, keys="0: 0.2 0.2, 0.4 0.2, 0.3 0.4; 3: 0.3 0.2, 0.5 0.2, 0.4 0.4",
                                frame=5)
    said = []
    area.message.connect(said.append)
    square = ((0.6, 0.5), (0.9, 0.5), (0.9, 0.9), (0.6, 0.9))  # on empty ground: a new polygon
    for x, y in square + square[:1]:
        QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, x, y))
    keys = _keys(doc, nid)
    assert list(keys) == [5] and _close(keys[5], square)
    assert "keys at frame(s) 0, 3 had 3: they are replaced" in said[-1]
    doc.undo_stack.undo()
    assert list(_keys(doc, nid)) == [0, 3]
