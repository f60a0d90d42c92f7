"""Masks made in the viewer: with a Segment node selected a click on the frame adds a click at the
playhead's frame (Shift: leave out; on a dot: remove it); with Control Mask selected a drag draws
or moves the shape at that frame. The real viewer widget is driven with QTest; each gesture is one
undo step of the document."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.core.frame_keys import parse_prompts, parse_shape_keys

from .viewer_edit import at, node_over_clip


@pytest.fixture
def area(make_area):
    return make_area(400, 300, auto_thumbnails=False)


def test_clicks_on_the_frame_edit_segment_and_undo_restores(area, qtbot):
    doc, nid, view = node_over_clip(area, qtbot, "preprocess.segment", frame=3)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.25, 0.5))
    QTest.mouseClick(view, Qt.LeftButton, Qt.ShiftModifier, at(view, 0.75, 0.25))
    got = parse_prompts(doc.graph.nodes[nid].params["prompts"])
    assert list(got) == [3]
    (x0, y0, p0), (x1, y1, p1) = got[3].points
    assert (p0, p1) == (True, False)
    assert abs(x0 - 0.25) < 0.01 and abs(y0 - 0.5) < 0.01 and abs(x1 - 0.75) < 0.01 and abs(y1 - 0.25) < 0.01
    QTest.mouseClick(view, Qt.RightButton, Qt.NoModifier, at(view, 0.5, 0.9))  # right: leave out
    assert parse_prompts(doc.graph.nodes[nid].params["prompts"])[3].points[2][2] is False
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.25, 0.5))  # on a dot: removed
    assert len(parse_prompts(doc.graph.nodes[nid].params["prompts"])[3].points) == 2
    doc.undo_stack.undo()  # one gesture, one step: the dot is back
    assert len(parse_prompts(doc.graph.nodes[nid].params["prompts"])[3].points) == 3
    for _ in range(3):
        doc.undo_stack.undo()
    assert doc.graph.nodes[nid].params["prompts"] == ""


def test_a_click_outside_the_picture_is_refused(area, qtbot):
    doc, nid, view = node_over_clip(area, qtbot, "preprocess.segment")
    said = []
    area.message.connect(said.append)
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, QPoint(200, 5))  # above the fitted frame
    assert doc.graph.nodes[nid].params["prompts"] == "" and "outside the frame" in said[-1]


def test_control_mask_shapes_are_drawn_and_moved_at_the_frame(area, qtbot):
    doc, nid, view = node_over_clip(area, qtbot, "control.mask", {"shape_keys": "0: 0.5 0.5 0.2 0.2"}, 4)
    steps = doc.undo_stack.count()
    # drag on empty ground: a new shape keyed at frame 4
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.05, 0.1))
    QTest.mouseMove(view, at(view, 0.2, 0.3))
    QTest.mouseMove(view, at(view, 0.25, 0.5))
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.25, 0.5))
    keys = dict(parse_shape_keys(doc.graph.nodes[nid].params["shape_keys"]))
    assert set(keys) == {0, 4} and keys[0] == (0.5, 0.5, 0.2, 0.2)
    cx, cy, w, h = keys[4]
    assert abs(cx - 0.15) < 0.01 and abs(cy - 0.3) < 0.01 and abs(w - 0.2) < 0.01 and abs(h - 0.4) < 0.01
    assert doc.undo_stack.count() == steps + 1  # the whole drag is one step
    # drag inside it: moved by the drag
    QTest.mousePress(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.15, 0.3))
    QTest.mouseMove(view, at(view, 0.3, 0.3))
    QTest.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.45, 0.4))
    cx2, cy2, w2, h2 = dict(parse_shape_keys(doc.graph.nodes[nid].params["shape_keys"]))[4]
    assert abs(cx2 - 0.45) < 0.01 and abs(cy2 - 0.4) < 0.01 and (w2, h2) == (w, h)
    doc.undo_stack.undo()
    assert dict(parse_shape_keys(doc.graph.nodes[nid].params["shape_keys"]))[4] == keys[4]
    doc.undo_stack.undo()
    assert doc.graph.nodes[nid].params["shape_keys"] == "0: 0.5 0.5 0.2 0.2"


def test_other_nodes_leave_the_viewer_panning(area, qtbot):
    doc, nid, view = node_over_clip(area, qtbot, "source.shapes")
    assert not area.mask_editor.active
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.5))
    assert doc.undo_stack.count() == 1  # only the node's addition
