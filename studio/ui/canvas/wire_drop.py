"""Dropping a node on a wire inserts it there."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QPainterPathStroker

from studio.core.errors import StudioError
from studio.core.graph import Link
from studio.core.types import can_connect

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


class WireDrop:
    """A node dropped on a wire goes in the middle of it (Blender's rule: only a node without
    links, with a fitting input and output)."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas

    def insert_ports(self, mid: str, link: Link) -> tuple[str, str] | None:
        """The input and output of node ``mid`` that can take the place of ``link``, or None.
        Like Blender, only a node without links is inserted (so nothing else is rewired)."""
        g = self.canvas.doc.graph
        inst = g.nodes.get(mid)
        if inst is None or inst.spec is None or mid in (link.src, link.dst):
            return None
        if any(mid in (l.src, l.dst) for l in g.links):
            return None
        src, dst = g.nodes.get(link.src), g.nodes.get(link.dst)
        if src is None or dst is None or src.spec is None or dst.spec is None:
            return None
        o, i = src.spec.output(link.src_port), dst.spec.input(link.dst_port)
        if o is None or i is None:
            return None
        ins = sorted(inst.spec.inputs, key=lambda p: p.optional)  # required inputs first
        in_p = next((p.name for p in ins if can_connect(o.type, p.type)), None)
        out_p = next((p.name for p in inst.spec.outputs if can_connect(p.type, i.type)), None)
        if in_p is None or out_p is None:
            return None
        return in_p, out_p

    def insertion_target(self, node_item) -> tuple[Any, Link, tuple[str, str]] | None:
        """The wire under a dragged node where dropping it would insert it: (pipe, link, ports).
        Runs on every mouse move of a drag, so the model rules come first and the geometry is
        ours (bounding boxes, then a stroked path for the few wires near the node): NodeGraphQt's
        ``collidingItems`` took ~7 ms on a 400-node graph (see benchmarks/bench_canvas_polish.py)."""
        mid = self.canvas.index.model_of(getattr(node_item, "id", None))
        g = self.canvas.doc.graph
        inst = g.nodes.get(mid) if mid is not None else None
        if inst is None or inst.spec is None or not inst.spec.inputs or not inst.spec.outputs:
            return None
        if any(mid in (l.src, l.dst) for l in g.links):
            return None
        rect = node_item.sceneBoundingRect()
        stroker = QPainterPathStroker()
        stroker.setWidth(4.0)
        for link in g.links:
            ng = self.canvas.index.view_of(link.dst)
            port = ng.inputs().get(link.dst_port) if ng is not None else None
            if port is None:
                continue
            for pipe in port.view.connected_pipes:
                if not pipe.isVisible() or not pipe.sceneBoundingRect().intersects(rect):
                    continue
                if self.canvas.index.link_of(pipe.output_port, pipe.input_port) != link:
                    continue
                if not pipe.mapToScene(stroker.createStroke(pipe.path())).intersects(rect):
                    continue
                ports = self.insert_ports(mid, link)
                if ports is not None:
                    return pipe, link, ports
        return None

    def user_inserted(self, ng_id: str, node_data: dict) -> None:
        ng = self.canvas.node_graph.get_node_by_id(ng_id)
        hit = self.insertion_target(ng.view) if ng is not None else None
        if hit is None or not node_data:
            self.canvas.user_moved(node_data)
            return
        _, link, (in_p, out_p) = hit
        moves, _ = self.canvas.moves(node_data)
        mid = self.canvas.index.model_of(ng_id)
        moves.update(self.make_room(ng.view.sceneBoundingRect(), link.dst, moves))
        try:
            self.canvas.doc.insert_on_link(mid, link, in_p, out_p, moves)
        except StudioError as e:
            self.canvas.message.emit(f"cannot insert '{self.canvas.doc.graph.nodes[mid].label}' there: {e}")
            self.canvas.user_moved(node_data)
            return
        self.canvas.resync_links()
        self.canvas.info.emit(f"inserted {self.canvas.doc.graph.nodes[mid].label} between {link.src} and {link.dst}")

    def make_room(self, rect, dst: str, moves: dict) -> dict:
        """Moves that push ``dst`` (and what follows it) right, clear of a node inserted at
        ``rect`` (issue 35: it landed on top of the downstream node). {} when there is room."""
        view = self.canvas.index.view_of(dst)
        if view is None:
            return {}
        other = view.view.sceneBoundingRect()
        if not other.intersects(rect):
            return {}
        dx = rect.right() + 40 - other.left()
        g = self.canvas.doc.graph
        out = {}
        for nid in {dst} | set(g.downstream(dst)):
            if nid in moves:
                continue
            old = self.canvas.doc.position(nid)
            if old is not None:
                out[nid] = (list(old), [old[0] + dx, old[1]])
        return out

    def add_node_on_link(self, type_id: str, pos, link: Link) -> str | None:
        """A palette entry dropped on a wire: the new node goes in the middle of it when it has a
        fitting input and output (adding and inserting are one undo step), else it is just added."""
        stack = self.canvas.doc.undo_stack
        stack.beginMacro(f"add {type_id} on a wire")
        try:
            nid = self.canvas.add_node_at(type_id, pos)
            ports = self.insert_ports(nid, link) if nid is not None else None
            if ports is not None:
                try:
                    self.canvas.doc.insert_on_link(nid, link, *ports)
                except StudioError as e:
                    self.canvas.message.emit(f"added, but not inserted: {e}")
        finally:
            stack.endMacro()
        return nid
