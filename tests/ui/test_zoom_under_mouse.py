"""Issue 61 item 6: the wheel zooms the canvas about the point under the mouse, as Nuke's node
graph and ComfyUI's do: the scene point under the pointer stays under it, whatever the viewport's
shape."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def wheel(view, at: QPoint, steps: int) -> None:
    vp = view.viewport()
    ev = QWheelEvent(QPointF(at), QPointF(vp.mapToGlobal(at)), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)


import pytest


@pytest.mark.parametrize("resized", [False, True])
def test_the_point_under_the_mouse_stays_under_it_while_zooming(qtbot, open_window, resized):
    win = open_window()
    win.resize(1024, 700)
    for i in range(3):
        win.doc.add_node("source.shapes", (i * 300, i * 120), {})
    canvas = win.canvas
    canvas.fit_all()
    view = canvas.view
    if resized:  # the canvas made wider after the fit: the viewport's shape is not the range's
        win.resize(1400, 700)
        qtbot.wait(50)
    for at in (QPoint(40, 30), QPoint(view.viewport().width() - 30, view.viewport().height() - 20)):
        before = view.mapToScene(at)
        scale = canvas.zoom_scale()
        wheel(view, at, 2)
        assert canvas.zoom_scale() > scale * 1.05  # it zoomed in
        after = view.mapToScene(at)
        assert abs(after.x() - before.x()) < 2 / canvas.zoom_scale() + 0.5 and abs(after.y() - before.y()) < 2 / canvas.zoom_scale() + 0.5
        wheel(view, at, -3)
        assert canvas.zoom_scale() < scale
        back = view.mapToScene(at)
        assert abs(back.x() - before.x()) < 3 / canvas.zoom_scale() + 0.5 and abs(back.y() - before.y()) < 3 / canvas.zoom_scale() + 0.5
