"""Which NodeGraphQt node shows which model node, and the wires between them: the canvas's view
index, the one place that maps the two (the canvas and its parts look views up here).

``view_created`` comes once a model node's view is made and indexed (the run badges put their
status line under it then); ``view_removed`` once it is taken out of the index."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.graph import Link


class ViewIndex(QObject):
    """Model node id <-> NodeGraphQt node, and the model's links drawn as NodeGraphQt wires."""
    view_created = Signal(str, object)   # model id, the NodeGraphQt node made for it
    view_removed = Signal(str)           # model id whose view left the index

    def __init__(self, viewer, parent: QObject | None = None):
        super().__init__(parent)
        self._viewer = viewer                 # NodeGraphQt's view: draws the wires
        self._by_model: dict[str, Any] = {}   # model id -> NodeGraphQt node
        self._by_view: dict[str, str] = {}    # NodeGraphQt node id -> model id

    # -- lookups --------------------------------------------------------------------------------
    def view_of(self, model_id: str) -> Any | None:
        """The NodeGraphQt node that shows ``model_id``, or None."""
        return self._by_model.get(model_id)

    def model_of(self, view_id: str | None) -> str | None:
        """The model id a NodeGraphQt node id (or a node item's ``id``) shows, or None."""
        return self._by_view.get(view_id) if view_id is not None else None

    def model_ids(self) -> list[str]:
        return list(self._by_model)

    def items(self) -> list[tuple[str, Any]]:
        """(model id, NodeGraphQt node) for every node shown."""
        return list(self._by_model.items())

    def __contains__(self, model_id: str) -> bool:
        return model_id in self._by_model

    # -- the index ------------------------------------------------------------------------------
    def add(self, model_id: str, ng) -> None:
        """Index the view just made for ``model_id`` and say so (``view_created``)."""
        self._by_model[model_id] = ng
        self._by_view[ng.id] = model_id
        self.view_created.emit(model_id, ng)

    def remove(self, model_id: str) -> Any | None:
        """Take ``model_id`` out of the index; its NodeGraphQt node (the caller deletes it)."""
        ng = self._by_model.pop(model_id, None)
        if ng is not None:
            self._by_view.pop(ng.id, None)
            self.view_removed.emit(model_id)
        return ng

    def clear(self) -> None:
        self._by_model.clear()
        self._by_view.clear()

    # -- links ----------------------------------------------------------------------------------
    def link_of(self, a, b) -> Link | None:
        """The model link a wire between port items ``a`` and ``b`` stands for (either order)."""
        out_p, in_p = (a, b) if a.port_type == "out" else (b, a)
        src, dst = self._by_view.get(out_p.node.id), self._by_view.get(in_p.node.id)
        if src is None or dst is None:
            return None
        return Link(src, out_p.name, dst, in_p.name)

    def wired(self) -> set[Link]:
        """The links the view's wires stand for now (in NodeGraphQt's model)."""
        have = set()
        for mid, ng in self._by_model.items():
            for pname, inp in ng.inputs().items():
                for out in inp.connected_ports():
                    src = self._by_view.get(out.node().id)
                    if src is not None:
                        have.add(Link(src, out.name(), mid, pname))
        return have

    def connect_link(self, link: Link) -> None:
        """Draw ``link`` as a wire (when both nodes and ports are shown and it is not drawn yet)."""
        a, b = self._by_model.get(link.src), self._by_model.get(link.dst)
        if a is None or b is None:
            return
        out, inp = a.outputs().get(link.src_port), b.inputs().get(link.dst_port)
        if out is None or inp is None:
            return
        if inp not in out.connected_ports():
            out.connect_to(inp, push_undo=False, emit_signal=False)  # from the output side (pitfall)
        if out.view not in inp.view.connected_ports:
            self._viewer.establish_connection(inp.view, out.view)

    def disconnect_link(self, link: Link) -> None:
        """Remove the wire drawn for ``link``."""
        a, b = self._by_model.get(link.src), self._by_model.get(link.dst)
        if a is None or b is None:
            return
        out, inp = a.outputs().get(link.src_port), b.inputs().get(link.dst_port)
        if out is not None and inp is not None and inp in out.connected_ports():
            out.disconnect_from(inp, push_undo=False, emit_signal=False)
        for pipe in list(inp.view.connected_pipes if inp is not None else []):
            if out is not None and out.view in (pipe.output_port, pipe.input_port):
                pipe.delete()
