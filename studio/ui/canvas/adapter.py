"""NodeGraphQt adapted: its view (NodeGraphQt calls it the viewer) with Studio's connection rules
and menu, and the node graph that routes what the user does to the canvas instead of NodeGraphQt's
own model."""
from __future__ import annotations

from typing import TYPE_CHECKING

from NodeGraphQt import NodeGraph
from NodeGraphQt.qgraphics.node_base import NodeItem
from NodeGraphQt.qgraphics.port import PortItem
from NodeGraphQt.widgets.viewer import NodeViewer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi

REFUSED_WIRE = (230, 80, 70, 255)  # a dragged wire over a port that will refuse it


class CanvasView(NodeViewer):
    """The canvas view: NodeGraphQt's NodeViewer with connection rules from the Studio type system."""

    def __init__(self, canvas: CanvasApi):
        super().__init__(undo_stack=None)
        self._canvas = canvas

    def _validate_accept_connection(self, from_port, to_port):
        return self._canvas.ports_compatible(from_port, to_port)

    def _validate_reject_connection(self, from_port, to_port):
        return False

    def sceneMouseMoveEvent(self, event):  # noqa: N802 - NodeGraphQt's hook
        """While a wire is dragged over a port that will refuse it: the wire turns red and a tip
        at the cursor says why, before the release (issue 25: the refusal came only after it)."""
        super().sceneMouseMoveEvent(event)
        start = getattr(self, "_start_port", None)
        reason = None
        if self._LIVE_PIPE.isVisible() and start is not None:
            end = next((i for i in self.scene().items(event.scenePos()) if isinstance(i, PortItem)), None)
            if end is not None and end is not start:
                reason = self._canvas.refusal_reason(start, end)
        if reason != self.refusing:
            self.refusing = reason
            live = self._LIVE_PIPE
            live.set_pipe_styling(color=REFUSED_WIRE if reason else live.color, width=3, style=live.style)
            if reason:
                QToolTip.showText(QCursor.pos(), "will be refused: " + reason, self)
            else:
                QToolTip.hideText()

    refusing: str | None = None  # why the port under a dragged wire would refuse it

    def apply_live_connection(self, event):  # noqa: D401 - NodeGraphQt's hook
        """NodeGraphQt snaps a refused wire back silently: say why in the status bar and log.
        A new wire released on empty canvas opens the node search for it (``wire_search``)."""
        reason = dropped = None
        start = getattr(self, "_start_port", None)
        if self._LIVE_PIPE.isVisible() and start is not None:
            items = self.scene().items(event.scenePos())
            end = next((i for i in items if isinstance(i, PortItem)), None)
            if end is not None and end is not start and end is not getattr(self, "_detached_port", None):
                reason = self._canvas.refusal_reason(start, end)
            elif end is None and getattr(self, "_detached_port", None) is None \
                    and not any(isinstance(i, NodeItem) for i in items):
                dropped = (start.node.id, start.name, start.port_type, start.sceneBoundingRect().center(),
                           event.scenePos())
        super().apply_live_connection(event)
        if dropped is not None:
            self._canvas.wire_search.dropped(*dropped)
        if self.refusing:
            self.refusing = None
            self._LIVE_PIPE.set_pipe_styling(color=self._LIVE_PIPE.color, width=3, style=self._LIVE_PIPE.style)
            QToolTip.hideText()
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

    def __init__(self, canvas: CanvasApi):
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
