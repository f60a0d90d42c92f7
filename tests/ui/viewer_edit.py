"""The set-up the viewer's on-frame editing tests share (Segment's clicks, Control Mask's shapes and
polygons, Drawn Tracks): a node selected over a grey 200x100 clip fitted in a 400x300 viewer (2 widget
px a pixel), and a point of the frame in widget coordinates."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint

from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.ui.document.document import Document


def show_clip(area, qtbot, n=5):
    """A grey 200x100 clip of ``n`` frames in the viewer: its image view."""
    clip = ArrayClip(np.full((n, 100, 200, 3), 0.4, np.float32), 24.0)  # fitted: 2 widget px a pixel
    area.show_value("clip", "Clip", clip, "clip:video")
    qtbot.waitUntil(lambda: area.stack.image.image is not None)
    return area.stack.image


def node_over_clip(area, qtbot, node_type, params=None, frame=None, n=5):
    """A new document's ``node_type`` node (with ``params``) selected over the grey clip (the viewer
    at ``frame`` first, when given): (the document, the node's id, the image view)."""
    doc = Document(Graph())
    nid = doc.add_node(node_type, (0, 0))
    if params:
        doc.set_params(nid, params)
    view = show_clip(area, qtbot, n)
    if frame is not None:
        area.seek(frame)
    area.node_selected(nid, doc)
    return doc, nid, view


def at(view, fx, fy) -> QPoint:
    """The widget point at (fx, fy) of the frame, in fractions of its width and height."""
    w, h = view.image_size()
    p = view.to_widget(fx * w, fy * h)
    return QPoint(round(p.x()), round(p.y()))
