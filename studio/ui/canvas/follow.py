"""The canvas follows the model: one handler per kind of the document's events (typed events of
studio.core.model_events), each updating only the view items it concerns."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


class ModelFollower(QObject):
    """Subscribes the canvas to the kinds it shows: nodes, links, titles, positions, backdrops and
    notes, and the parameter and mode edits that make results stale."""

    def __init__(self, canvas: CanvasApi):
        super().__init__(canvas)
        self.canvas = canvas
        ev = canvas.doc.events
        ev.node_added.connect(self.node_added)
        ev.node_removed.connect(self.node_removed)
        ev.link_added.connect(self.link_added)
        ev.link_removed.connect(self.link_removed)
        ev.param_changed.connect(self.stale)
        ev.mode_changed.connect(self.stale)
        ev.title_changed.connect(self.title_changed)
        ev.positions_changed.connect(self.positions_changed)
        ev.annotations_changed.connect(self.annotations_changed)
        ev.reset.connect(self.reset)

    def node_added(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        cv = self.canvas
        if e.node_id not in cv.index:
            c = cv.view.mapToScene(cv.view.viewport().rect().center())
            cv.create_view(e.node_id, default_pos=(c.x(), c.y()))

    def node_removed(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        cv = self.canvas
        ng = cv.index.remove(e.node_id)  # the badges forget it
        if ng is not None:
            cv.node_graph.remove_node(ng, push_undo=False)
        cv.selection_changed.emit(cv.selected_ids())

    def link_added(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        self.canvas.index.connect_link(e.link)

    def link_removed(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        self.canvas.index.disconnect_link(e.link)

    def stale(self, e) -> None:
        """A parameter or the mode changed: the node's result and those downstream are stale."""
        self.canvas.badges.mark_stale(e.node_id)

    def title_changed(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        cv = self.canvas
        ng = cv.index.view_of(e.node_id)
        if ng is not None:
            label = cv.doc.graph.nodes[e.node_id].label
            if ng.name() != label:
                ng.set_property("name", label, push_undo=False)

    def positions_changed(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        for nid, p in e.positions.items():
            ng = self.canvas.index.view_of(nid)
            if ng is not None and [round(v, 3) for v in ng.pos()] != [round(v, 3) for v in p]:
                ng.set_property("pos", [float(p[0]), float(p[1])], push_undo=False)

    def annotations_changed(self, e) -> None:
        self.canvas.finish_build()  # a graph being drawn in turns: made whole first
        self.canvas.annotations.sync(e.kind)

    def reset(self, e) -> None:
        self.canvas.rebuild()
