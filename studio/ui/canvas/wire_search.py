"""A wire dropped on empty canvas: the node search opens there, listing only the node types with
a port that fits the wire, and the node chosen is added at the drop point and wired to it
(ComfyUI's habit, issue 48 item 8). Adding and wiring are one undo step; Escape adds nothing."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from studio.core.errors import StudioError
from studio.core.spec import NodeSpec
from studio.core.types import can_connect

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi

LEFT_OF_INPUT = 200.0  # scene px: where a node made for a wire from an input goes, left of the drop
MIN_DRAG = 24.0  # scene px from the port: a shorter drag is a click, not a wire dropped


def fitting_port(spec: NodeSpec, wire_type: str, side: str) -> str | None:
    """The port of ``spec`` a wire of ``wire_type`` from an ``side`` port ("out" or "in") goes
    to: its first input that takes the type (required inputs first) for a wire from an output,
    its first output of a type the input takes for a wire from an input; None when none fits."""
    if side == "out":
        ins = sorted(spec.inputs, key=lambda p: p.optional)
        return next((p.name for p in ins if can_connect(wire_type, p.type)), None)
    return next((p.name for p in spec.outputs if can_connect(p.type, wire_type)), None)


class WireSearch:
    """The search for a dropped wire; ``pending`` is the wire's end (node, port, side, type)
    while the search it opened is up."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas
        self.pending: tuple[str, str, str, str] | None = None

    def dropped(self, node_ng_id: str, port: str, side: str, origin: QPointF, scene_pos: QPointF) -> bool:
        """A wire dragged from port ``port`` (``side``: "out" or "in") of the view node
        ``node_ng_id`` was released on empty canvas at ``scene_pos``: open the search there,
        filtered to the types that fit. False when it does not open (a click, an unknown node)."""
        cv = self.canvas
        if (scene_pos - origin).manhattanLength() < MIN_DRAG:
            return False
        mid = cv.index.model_of(node_ng_id)
        inst = cv.doc.graph.nodes.get(mid) if mid is not None else None
        if inst is None or inst.spec is None:
            return False
        p = inst.spec.output(port) if side == "out" else inst.spec.input(port)
        if p is None:
            return False
        specs = [s for s in cv.search.specs if fitting_port(s, p.type, side) is not None]
        if not specs:
            cv.message.emit(f"no node takes '{inst.label}' {port} ({p.type})")
            return False
        self.pending = (mid, port, side, p.type)
        hint = f"nodes that take {p.type}…" if side == "out" else f"nodes that give {p.type}…"
        cv.search.open_at(cv.view.mapFromScene(scene_pos), scene_pos, specs, hint)
        return True

    def take(self) -> tuple[str, str, str, str] | None:
        """The dropped wire the search was opened for, forgotten (a later Tab opens a plain one)."""
        wire, self.pending = self.pending, None
        return wire

    def add_wired(self, type_id: str, pos: QPointF, wire: tuple[str, str, str, str]) -> str | None:
        """Add a ``type_id`` node at ``pos`` and wire it to ``wire``'s port (one undo step)."""
        cv = self.canvas
        src, port, side, wire_type = wire
        stack = cv.doc.undo_stack
        stack.beginMacro(f"add {type_id} on a wire")
        try:  # a wire from an input: the new node left of the drop point, its output there
            nid = cv.add_node_at(type_id, (pos.x() - (LEFT_OF_INPUT if side == "in" else 0.0), pos.y()))
            spec = cv.doc.graph.nodes[nid].spec if nid is not None else None
            other = fitting_port(spec, wire_type, side) if spec is not None else None
            if nid is not None and other is not None and src in cv.doc.graph.nodes:
                try:
                    if side == "out":
                        cv.doc.connect(src, port, nid, other)
                    else:
                        cv.doc.connect(nid, other, src, port)
                except StudioError as e:
                    cv.message.emit(f"added, but not wired: {e}")
        finally:
            stack.endMacro()
        return nid
