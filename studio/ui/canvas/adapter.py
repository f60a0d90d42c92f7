"""NodeGraphQt adapted: its view (NodeGraphQt calls it the viewer) with Studio's connection rules
and menu, and the node graph that routes what the user does to the canvas instead of NodeGraphQt's
own model."""
from __future__ import annotations

from NodeGraphQt import NodeGraph
from NodeGraphQt.qgraphics.port import PortItem
from NodeGraphQt.widgets.viewer import NodeViewer
from PySide6.QtGui import QCursor


class CanvasView(NodeViewer):
    """The canvas view: NodeGraphQt's NodeViewer with connection rules from the Studio type system."""

    def __init__(self, canvas: "Canvas"):
        super().__init__(undo_stack=None)
        self._canvas = canvas

    def _validate_accept_connection(self, from_port, to_port):
        return self._canvas.ports_compatible(from_port, to_port)

    def _validate_reject_connection(self, from_port, to_port):
        return False

    def apply_live_connection(self, event):  # noqa: D401 - NodeGraphQt's hook
        """NodeGraphQt snaps a refused wire back silently: say why in the status bar and log."""
        reason = None
        start = getattr(self, "_start_port", None)
        if self._LIVE_PIPE.isVisible() and start is not None:
            end = next((i for i in self.scene().items(event.scenePos()) if isinstance(i, PortItem)), None)
            if end is not None and end is not start and end is not getattr(self, "_detached_port", None):
                reason = self._canvas.refusal_reason(start, end)
        super().apply_live_connection(event)
        if reason:
            self._canvas.message.emit("connection refused: " + reason)

    def contextMenuEvent(self, event):  # noqa: N802 - Qt's name
        """Our menu, shown with ``popup`` (never a blocking ``exec``) so tests can drive it."""
        self.RMB_state = False
        vp = self.viewport()
        if event.reason() == event.Reason.Keyboard:  # the Menu key: at the cursor, or the centre
            pos = vp.mapFromGlobal(QCursor.pos())
            if not vp.rect().contains(pos):
                pos = vp.rect().center()
        else:
            pos = event.pos()
        menu = self._canvas.menus.build(pos)
        menu.popup(vp.mapToGlobal(pos))
        event.accept()

    def mousePressEvent(self, event):  # noqa: N802
        self.COLLIDING_state = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):  # noqa: N802
        super().mouseMoveEvent(event)
        # a single node dragged over a wire it can sit in: highlight the wire (drop inserts it)
        if self.LMB_state and not self._LIVE_PIPE.isVisible() and not self._rubber_band.isActive \
                and not self.ALT_state:
            nodes, pipes = self.selected_items()
            for p in pipes:
                p.setSelected(False)
            hit = self._canvas.wires.insertion_target(nodes[0]) if len(nodes) == 1 else None
            self.COLLIDING_state = hit is not None
            if hit is not None:
                hit[0].setSelected(True)

    def mouseReleaseEvent(self, event):  # noqa: N802
        super().mouseReleaseEvent(event)
        self.COLLIDING_state = False


class CanvasNodeGraph(NodeGraph):
    """Routes what the user does on the canvas to the canvas adapter instead of NodeGraphQt's model."""

    def __init__(self, canvas: "Canvas"):
        self._canvas = canvas
        super().__init__(viewer=CanvasView(canvas))

    def _on_connection_changed(self, disconnected, connected):
        self._canvas.user_rewired(disconnected, connected)

    def _on_connection_sliced(self, ports):
        self._canvas.user_rewired(ports, [])

    def _on_nodes_moved(self, node_data):
        self._canvas.user_moved(node_data)

    def _on_insert_node(self, pipe, node_id, prev_node_pos):
        self._canvas.wires.user_inserted(node_id, prev_node_pos)

    def _on_node_backdrop_updated(self, node_id, update_property, value):
        self._canvas.annotations.user_resized(node_id, update_property, value)

    def _on_search_triggered(self, node_type, pos):
        self._canvas.user_add_ng_type(node_type, pos)

    def _on_node_data_dropped(self, mimedata, pos):
        self._canvas.user_dropped(mimedata, (pos.x(), pos.y()))

    def _on_node_name_changed(self, node_id, name):
        self._canvas.user_renamed(node_id, name)
