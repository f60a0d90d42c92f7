"""Steps the window tests share: a widget shown at a size for the test, and a node's Models… picker
opened as a user opens it."""
from __future__ import annotations

from PySide6.QtCore import Qt


def shown(qtbot, widget, width: int, height: int):
    """``widget`` at ``width`` x ``height``, shown and exposed (closed with the test): the widget."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_picker(qtbot, win, param: str = "model", node_type: str = "video_models.load"):
    """A new ``node_type`` node selected in ``win`` and its ``param``'s Models… button clicked, the
    picker exposed: (the node's id, the picker)."""
    node = win.doc.add_node(node_type, (0, 0))
    win.canvas.select([node])
    ed = win.properties.editors[param]
    qtbot.mouseClick(ed.models_button, Qt.LeftButton)
    picker = ed.picker
    qtbot.waitExposed(picker)
    return node, picker


def viewport_pos(win, scene_pt):
    """Where a point of the canvas's scene is in its view's viewport (for QTest's mouse)."""
    return win.canvas.view.mapFromScene(scene_pt)
