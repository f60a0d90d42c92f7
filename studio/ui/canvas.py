"""The node canvas: a NodeGraphQt view of the model in a :class:`Document`.

The canvas never edits NodeGraphQt's own model as the source of truth. What the user does on it
(drag a wire, move nodes, drop a palette entry, rename, Tab search) becomes a command on the
document's undo stack; the model's events then update the view (``_on_model``). Drags between
incompatible ports are refused while dragging, by the type system (``can_connect``), per node
instance rather than per node class, so groups and placeholders are checked too.
"""
from __future__ import annotations

import json
import re
from typing import Any

from NodeGraphQt import BackdropNode, BaseNode, NodeGraph
from NodeGraphQt.widgets.viewer import NodeViewer
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QApplication, QFrame, QGraphicsItem, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout)

from studio.core.errors import StudioError
from studio.core.graph import Link
from studio.core.spec import NodeSpec
from studio.core.types import can_connect, get_type

from .document import Document

NODE_MIME = "application/x-studio-node"        # palette drags: the node type id
CLIP_MIME = "application/x-studio-nodes"       # copy/paste: a Document.snapshot as JSON
LIBRARY_PREFIX = "library:"                    # palette entries of saved sub-graphs: library:<path>
GROUP_COLOR = (78, 58, 112)                    # group nodes stand out from single nodes
DEFAULT_BORDER = (74, 84, 85, 255)
ERROR_BORDER = (230, 60, 60, 255)
RUN_BORDER = (90, 170, 255, 255)
BYPASS_BORDER = (230, 150, 40, 255)
CACHED_COLOR = QColor(120, 200, 140)
TEXT_COLOR = QColor(190, 190, 190)
ERROR_COLOR = QColor(255, 110, 110)


def _ng_type_name(spec_id: str) -> str:
    return "N_" + re.sub(r"[^A-Za-z0-9]", "_", spec_id)


class StudioNode(BaseNode):
    """The canvas node of every Studio node type (ports are added per instance from its spec)."""
    __identifier__ = "studio"
    NODE_NAME = "Node"


class StatusItem(QGraphicsItem):
    """Under a node: a progress bar while it runs, then its time, 'cached' or its error."""

    def __init__(self, parent):
        super().__init__(parent)
        self.text = ""
        self.color = TEXT_COLOR
        self.progress: float | None = None
        self.setZValue(parent.zValue() + 1)
        self.setAcceptedMouseButtons(Qt.NoButton)

    def boundingRect(self):  # noqa: N802 - Qt's name
        w = max(60.0, self.parentItem().boundingRect().width())
        return QRectF(0, 0, w, 30)

    def set(self, text: str | None = None, color: QColor | None = None, progress: float | None | str = "keep"):
        if text is not None:
            self.text = text
        if color is not None:
            self.color = color
        if progress != "keep":
            self.progress = progress
        self.update()

    def paint(self, painter: QPainter, option, widget=None):
        r = self.boundingRect()
        y = 2.0
        if self.progress is not None:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(QColor(40, 40, 40, 220)))
            painter.drawRoundedRect(QRectF(0, y, r.width(), 6), 2, 2)
            painter.setBrush(QBrush(QColor(90, 170, 255)))
            painter.drawRoundedRect(QRectF(0, y, r.width() * max(0.0, min(1.0, self.progress)), 6), 2, 2)
            y += 8
        if self.text:
            f = QFont()
            f.setPointSizeF(7.5)
            painter.setFont(f)
            painter.setPen(QPen(self.color))
            painter.drawText(QRectF(0, y, r.width() * 2, 16), Qt.AlignLeft | Qt.AlignVCenter, self.text)


class StudioViewer(NodeViewer):
    """NodeGraphQt's viewer with connection rules from the Studio type system."""

    def __init__(self, canvas: "Canvas"):
        super().__init__(undo_stack=None)
        self._canvas = canvas

    def _validate_accept_connection(self, from_port, to_port):
        return self._canvas.ports_compatible(from_port, to_port)

    def _validate_reject_connection(self, from_port, to_port):
        return False


class StudioNodeGraph(NodeGraph):
    """Routes what the user does on the canvas to the canvas adapter instead of NodeGraphQt's model."""

    def __init__(self, canvas: "Canvas"):
        self._canvas = canvas
        super().__init__(viewer=StudioViewer(canvas))

    def _on_connection_changed(self, disconnected, connected):
        self._canvas.user_rewired(disconnected, connected)

    def _on_connection_sliced(self, ports):
        self._canvas.user_rewired(ports, [])

    def _on_nodes_moved(self, node_data):
        self._canvas.user_moved(node_data)

    def _on_insert_node(self, pipe, node_id, prev_node_pos):
        self._canvas.user_moved(prev_node_pos)

    def _on_search_triggered(self, node_type, pos):
        self._canvas.user_add_ng_type(node_type, pos)

    def _on_node_data_dropped(self, mimedata, pos):
        self._canvas.user_dropped(mimedata, (pos.x(), pos.y()))

    def _on_node_name_changed(self, node_id, name):
        self._canvas.user_renamed(node_id, name)


class NodeSearchPopup(QFrame):
    """Tab: a search field and a list of node types; Enter adds the first (or chosen) match."""
    chosen = Signal(str, QPointF)

    def __init__(self, specs: list[NodeSpec], parent):
        super().__init__(parent)
        self.setObjectName("NodeSearchPopup")
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self.specs = specs
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("search nodes…")
        self.list = QListWidget(self)
        lay.addWidget(self.field)
        lay.addWidget(self.list)
        self.resize(260, 300)
        self.field.textChanged.connect(self._filter)
        self.field.returnPressed.connect(self._accept)
        self.list.itemActivated.connect(lambda _: self._accept())
        self.field.installEventFilter(self)
        self.scene_pos = QPointF()
        self.hide()

    def open_at(self, view_pos: QPoint, scene_pos: QPointF) -> None:
        self.scene_pos = scene_pos
        p = self.parentWidget()
        x = max(0, min(view_pos.x(), p.width() - self.width()))
        y = max(0, min(view_pos.y(), p.height() - self.height()))
        self.move(x, y)
        self.field.clear()
        self._filter("")
        self.show()
        self.raise_()
        self.field.setFocus()

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        for s in self.specs:
            hay = f"{s.title} {s.id} {s.category}".lower()
            if all(w in hay for w in words):
                it = QListWidgetItem(f"{s.title}  ·  {s.category}")
                it.setData(Qt.UserRole, s.id)
                it.setToolTip(s.help)
                self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _accept(self) -> None:
        it = self.list.currentItem()
        self.hide()
        if it is not None:
            self.chosen.emit(it.data(Qt.UserRole), self.scene_pos)

    def eventFilter(self, obj, ev):  # noqa: N802
        if ev.type() == QEvent.KeyPress:
            if ev.key() == Qt.Key_Escape:
                self.hide()
                return True
            if ev.key() in (Qt.Key_Down, Qt.Key_Up):
                row = self.list.currentRow() + (1 if ev.key() == Qt.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
        return super().eventFilter(obj, ev)


class Canvas(QObject):
    selection_changed = Signal(list)      # selected model node ids
    message = Signal(str)                 # refusals and problems, for the log
    files_dropped = Signal(list)          # paths dropped on the canvas

    def __init__(self, doc: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.graph = StudioNodeGraph(self)
        self.graph.set_acyclic(True)
        self.graph.set_pipe_collision(False)
        self.graph.register_node(StudioNode)
        self.ng_type = StudioNode.type_
        self.viewer = self.graph.viewer()
        self.widget = self.graph.widget
        self._by_model: dict[str, Any] = {}   # model id -> NG node
        self._by_view: dict[str, str] = {}    # NG node id -> model id
        self._status: dict[str, StatusItem] = {}
        self._run_state: dict[str, dict] = {}  # model id -> {"text", "color", "progress", "error"}
        self._backdrops: list[Any] = []
        self._notes: list[Any] = []
        self.graph.node_selection_changed.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.graph.node_selected.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.search = NodeSearchPopup([s for s in doc.graph.registry.specs() if s.id != "studio.group"],
                                      self.viewer)
        self.search.chosen.connect(lambda t, p: self.add_node_at(t, (p.x(), p.y())))
        self.viewer.installEventFilter(self)
        doc.changed.connect(self._on_model)
        doc.positions_changed.connect(self._on_positions)
        doc.replaced.connect(self.rebuild)
        self.rebuild()

    # -- lookups ------------------------------------------------------------------------------
    def view_node(self, model_id: str):
        return self._by_model.get(model_id)

    def model_id(self, ng_node) -> str | None:
        return self._by_view.get(ng_node.id) if ng_node is not None else None

    def selected_ids(self) -> list[str]:
        out = []
        for n in self.graph.selected_nodes():
            mid = self._by_view.get(n.id)
            if mid is not None and mid in self.doc.graph.nodes:
                out.append(mid)
        return out

    def select(self, ids) -> None:
        self.graph.clear_selection()
        for i in ids:
            n = self._by_model.get(i)
            if n is not None:
                n.set_selected(True)
        self.selection_changed.emit(self.selected_ids())

    def port_item(self, model_id: str, port: str, side: str):
        n = self._by_model[model_id]
        ports = n.inputs() if side == "in" else n.outputs()
        return ports[port].view

    def port_scene_center(self, model_id: str, port: str, side: str) -> QPointF:
        item = self.port_item(model_id, port, side)
        return item.sceneBoundingRect().center()

    def _port_type(self, port_item) -> str | None:
        mid = self._by_view.get(port_item.node.id)
        if mid is None or mid not in self.doc.graph.nodes:
            return None
        spec = self.doc.graph.nodes[mid].spec
        if spec is None:
            return None
        p = spec.input(port_item.name) if port_item.port_type == "in" else spec.output(port_item.name)
        return p.type if p is not None else None

    def ports_compatible(self, a, b) -> bool:
        if a.port_type == b.port_type:
            return False
        out_p, in_p = (a, b) if a.port_type == "out" else (b, a)
        to, ti = self._port_type(out_p), self._port_type(in_p)
        if to is None or ti is None:
            return True  # a placeholder: the model decides
        return can_connect(to, ti)

    # -- building the view ----------------------------------------------------------------------
    def rebuild(self) -> None:
        self.graph.clear_session()
        self._by_model.clear()
        self._by_view.clear()
        self._status.clear()
        self._run_state.clear()
        self._backdrops = []
        self._notes = []
        g = self.doc.graph
        for i, nid in enumerate(g.nodes):
            self._create_view(nid, default_pos=(i * 260.0, 0.0))
        for l in g.links:
            self._view_connect(l)
        for b in g.ui.get("backdrops", []) or []:
            self._make_backdrop(b)
        for note in g.ui.get("notes", []) or []:  # read-only notes of the file, kept as they are
            if isinstance(note, dict):
                self._make_backdrop({"title": note.get("text", ""), "pos": note.get("pos", [0, 0]),
                                     "size": [500, 100]}, note=True)

    def _make_backdrop(self, b: dict, note: bool = False) -> None:
        try:
            bd = self.graph.create_node(BackdropNode.type_, name="Note", push_undo=False, selected=False)
            bd.set_property("backdrop_text", str(b.get("title", "")), push_undo=False)
            x, y = b.get("pos", [0, 0])
            bd.set_property("pos", [float(x), float(y)], push_undo=False)
            w, h = b.get("size", [400, 200])
            bd.set_size(float(w), float(h))
            (self._notes if note else self._backdrops).append(bd)
        except Exception as e:  # noqa: BLE001 - a malformed note must not stop a load
            self.message.emit(f"note not shown: {e}")

    def _create_view(self, nid: str, default_pos=(0.0, 0.0)):
        inst = self.doc.graph.nodes[nid]
        pos = self.doc.position(nid) or list(default_pos)
        ng = self.graph.create_node(self.ng_type, name=inst.label, pos=pos, push_undo=False, selected=False)
        if inst.subgraph is not None:
            ng.set_property("color", (*GROUP_COLOR, 255), push_undo=False)
        spec = inst.spec
        if spec is not None:
            for p in spec.inputs:
                ng.add_input(p.name, color=get_type(p.type).color, multi_input=False)
            for p in spec.outputs:
                ng.add_output(p.name, color=get_type(p.type).color, multi_output=True)
        else:  # placeholder: the ports its links use
            for p in sorted({l.dst_port for l in self.doc.graph.links if l.dst == nid}):
                ng.add_input(p, color=(160, 60, 60))
            for p in sorted({l.src_port for l in self.doc.graph.links if l.src == nid}):
                ng.add_output(p, color=(160, 60, 60))
        ng.view.draw_node()
        self._by_model[nid] = ng
        self._by_view[ng.id] = nid
        st = StatusItem(ng.view)
        st.setPos(0, ng.view.boundingRect().height() + 1)
        self._status[nid] = st
        self._port_tooltips(nid)
        self._refresh_look(nid)
        return ng

    def _port_tooltips(self, nid: str) -> None:
        inst = self.doc.graph.nodes[nid]
        ng = self._by_model[nid]
        tip = f"<b>{inst.label}</b> <i>({inst.type_id}, id {nid})</i>"
        if inst.spec is not None and inst.spec.help:
            tip += "<br>" + inst.spec.help
        ng.view.setToolTip(tip)
        if inst.spec is None:
            return
        for p in inst.spec.inputs:
            ng.inputs()[p.name].view.setToolTip(f"{p.name}: {p.type}{' (optional)' if p.optional else ''}"
                                                f"{' — ' + p.help if p.help else ''}")
        for p in inst.spec.outputs:
            ng.outputs()[p.name].view.setToolTip(f"{p.name}: {p.type}{' — ' + p.help if p.help else ''}")

    def _view_connect(self, l: Link) -> None:
        a, b = self._by_model.get(l.src), self._by_model.get(l.dst)
        if a is None or b is None:
            return
        out, inp = a.outputs().get(l.src_port), b.inputs().get(l.dst_port)
        if out is None or inp is None:
            return
        if inp not in out.connected_ports():
            out.connect_to(inp, push_undo=False, emit_signal=False)  # from the output side (pitfall)
        if out.view not in inp.view.connected_ports:
            self.viewer.establish_connection(inp.view, out.view)

    def _view_disconnect(self, l: Link) -> None:
        a, b = self._by_model.get(l.src), self._by_model.get(l.dst)
        if a is None or b is None:
            return
        out, inp = a.outputs().get(l.src_port), b.inputs().get(l.dst_port)
        if out is not None and inp is not None and inp in out.connected_ports():
            out.disconnect_from(inp, push_undo=False, emit_signal=False)
        for pipe in list(inp.view.connected_pipes if inp is not None else []):
            if out is not None and out.view in (pipe.output_port, pipe.input_port):
                pipe.delete()

    def resync_links(self) -> None:
        """Make the view's wires exactly the model's (after a refused or partial drag)."""
        want = set(self.doc.graph.links)
        have = set()
        for mid, ng in self._by_model.items():
            for pname, inp in ng.inputs().items():
                for out in inp.connected_ports():
                    src = self._by_view.get(out.node().id)
                    if src is not None:
                        have.add(Link(src, out.name(), mid, pname))
                # wires the viewer dropped while dragging
                for out_v in list(inp.view.connected_ports):
                    src = self._by_view.get(out_v.node.id)
                    if src is not None and Link(src, out_v.name, mid, pname) not in want:
                        for pipe in list(inp.view.connected_pipes):
                            if pipe.output_port is out_v:
                                pipe.delete()
        for l in have - want:
            self._view_disconnect(l)
        for l in want:
            self._view_connect(l)

    # -- model -> view ------------------------------------------------------------------------
    def _on_model(self, event: str, payload: dict) -> None:
        if event == "node_added":
            nid = payload["node_id"]
            if nid not in self._by_model:
                c = self.viewer.mapToScene(self.viewer.viewport().rect().center())
                self._create_view(nid, default_pos=(c.x(), c.y()))
        elif event == "node_removed":
            ng = self._by_model.pop(payload["node_id"], None)
            self._status.pop(payload["node_id"], None)
            self._run_state.pop(payload["node_id"], None)
            if ng is not None:
                self._by_view.pop(ng.id, None)
                self.graph.remove_node(ng, push_undo=False)
            self.selection_changed.emit(self.selected_ids())
        elif event == "link_added":
            self._view_connect(payload["link"])
        elif event == "link_removed":
            self._view_disconnect(payload["link"])
        elif event in ("mode_changed", "param_changed"):
            nid = payload["node_id"]
            for m in {nid} | self.doc.graph.downstream(nid):
                st = self._run_state.get(m)
                if st and not st.get("error"):
                    st["text"] = (st.get("text") or "").replace(" · stale", "") + " · stale"
            for m in {nid} | self.doc.graph.downstream(nid):
                self._refresh_look(m)
        elif event == "title_changed":
            nid = payload["node_id"]
            ng = self._by_model.get(nid)
            if ng is not None:
                label = self.doc.graph.nodes[nid].label
                if ng.name() != label:
                    ng.set_property("name", label, push_undo=False)
        elif event == "reset":
            self.rebuild()

    def _on_positions(self, positions: dict) -> None:
        for nid, p in positions.items():
            ng = self._by_model.get(nid)
            if ng is not None and [round(v, 3) for v in ng.pos()] != [round(v, 3) for v in p]:
                ng.set_property("pos", [float(p[0]), float(p[1])], push_undo=False)

    # -- run state on nodes --------------------------------------------------------------------
    def clear_run_state(self) -> None:
        self._run_state.clear()
        for nid in self._by_model:
            self._refresh_look(nid)

    def set_running(self, nid: str) -> None:
        self._run_state[nid] = {"text": "running…", "progress": 0.0, "running": True}
        self._refresh_look(nid)

    def set_progress(self, nid: str, step: int, total: int | None) -> None:
        st = self._run_state.setdefault(nid, {"running": True})
        st["progress"] = (step / total) if total else None
        st["text"] = f"{step}/{total}" if total else f"step {step}"
        self._refresh_look(nid)

    def set_finished(self, nid: str, seconds: float, cached: bool) -> None:
        self._run_state[nid] = {"text": "cached" if cached else _fmt_seconds(seconds), "cached": cached}
        self._refresh_look(nid)

    def set_failed(self, nid: str, message: str, short: str | None = None) -> None:
        self._run_state[nid] = {"text": "⚠ " + _short(short or message, 60), "error": message}
        self._refresh_look(nid)

    def set_skipped(self, nid: str, reason: str) -> None:
        self._run_state[nid] = {"text": "skipped: " + _short(reason, 40)}
        self._refresh_look(nid)

    def stop_running(self) -> None:
        for nid, st in list(self._run_state.items()):
            if st.get("running"):
                self._run_state[nid] = {"text": "stopped"}
                self._refresh_look(nid)

    def status_text(self, nid: str) -> str:
        st = self._status.get(nid)
        return st.text if st is not None else ""

    def _refresh_look(self, nid: str) -> None:
        ng = self._by_model.get(nid)
        inst = self.doc.graph.nodes.get(nid)
        if ng is None or inst is None:
            return
        st = self._run_state.get(nid, {})
        error = st.get("error") or inst.error
        border = DEFAULT_BORDER
        if error:
            border = ERROR_BORDER
        elif st.get("running"):
            border = RUN_BORDER
        elif inst.mode == "bypass":
            border = BYPASS_BORDER
        ng.set_property("border_color", border, push_undo=False)
        disabled = inst.mode == "mute"
        if ng.disabled() != disabled:
            ng.set_property("disabled", disabled, push_undo=False)
        text = st.get("text", "")
        if inst.mode != "normal":
            text = ("muted" if inst.mode == "mute" else "bypassed") + (" · " + text if text else "")
        if inst.error and not st.get("error"):
            text = "⚠ " + _short(inst.error, 48)
        color = ERROR_COLOR if error else (CACHED_COLOR if st.get("cached") else TEXT_COLOR)
        item = self._status.get(nid)
        if item is not None:
            item.setPos(0, ng.view.boundingRect().height() + 1)
            item.set(text, color, st.get("progress") if st.get("running") else None)
        tip = f"<b>{inst.label}</b> <i>({inst.type_id}, id {nid})</i>"
        if inst.spec is not None and inst.spec.help:
            tip += "<br>" + inst.spec.help
        if error:
            tip += f"<br><span style='color:#ff6e6e'>{_html(error)}</span>"
        ng.view.setToolTip(tip)
        ng.view.update()

    # -- view -> model (user intents) ----------------------------------------------------------
    def _link_of(self, a, b) -> Link | None:
        out_p, in_p = (a, b) if a.port_type == "out" else (b, a)
        src, dst = self._by_view.get(out_p.node.id), self._by_view.get(in_p.node.id)
        if src is None or dst is None:
            return None
        return Link(src, out_p.name, dst, in_p.name)

    def user_rewired(self, disconnected, connected) -> None:
        g = self.doc.graph
        ops: list[tuple[str, Link]] = []
        for a, b in disconnected:
            l = self._link_of(a, b)
            if l is not None and g.input_link(l.dst, l.dst_port) == l:
                ops.append(("disconnect", l))
        refused = None
        for a, b in connected:
            l = self._link_of(a, b)
            if l is None:
                continue
            try:
                g.check_link(*l)
            except StudioError as e:
                refused = str(e)
                break
            ops.append(("connect", l))
        if refused:
            self.message.emit("connection refused: " + refused)
            ops = []
        if ops:
            stack = self.doc.undo_stack
            if len(ops) > 1:
                stack.beginMacro("rewire")
            try:
                for op, l in ops:
                    if op == "disconnect":
                        self.doc.disconnect(l.dst, l.dst_port)
                    else:
                        self.doc.connect(*l)
            except StudioError as e:
                self.message.emit("connection refused: " + str(e))
            finally:
                if len(ops) > 1:
                    stack.endMacro()
        self.resync_links()

    def user_moved(self, node_data: dict) -> None:
        moves = {}
        for view, prev in node_data.items():
            mid = self._by_view.get(view.id)
            if mid is None:
                continue
            old = self.doc.position(mid)
            if old is None:
                old = [float(prev[0]), float(prev[1])]
            new = [float(view.xy_pos[0]), float(view.xy_pos[1])]
            moves[mid] = (old, new)
        self.doc.move(moves)

    def user_add_ng_type(self, ng_type: str, pos) -> None:
        if ng_type == BackdropNode.type_:
            self._make_backdrop({"title": "", "pos": list(pos)})

    def add_node_at(self, type_id: str, pos) -> str | None:
        """Add a node type, or a library sub-graph (``library:<path>``), at ``pos`` (undoable)."""
        try:
            if type_id.startswith(LIBRARY_PREFIX):
                nid = self.doc.place_subgraph(type_id[len(LIBRARY_PREFIX):], pos)
            else:
                nid = self.doc.add_node(type_id, pos)
        except StudioError as e:
            self.message.emit(str(e))
            return None
        self.select([nid])
        return nid

    def user_dropped(self, mime, pos) -> None:
        if mime.hasFormat(NODE_MIME):
            type_id = bytes(mime.data(NODE_MIME).data()).decode()
            self.add_node_at(type_id, pos)
        elif mime.hasUrls():
            paths = [u.toLocalFile() for u in mime.urls() if u.toLocalFile()]
            if paths:
                self.files_dropped.emit(paths)
        elif mime.hasText() and mime.text().startswith("studio-node:"):
            self.add_node_at(mime.text().split(":", 1)[1], pos)

    def user_renamed(self, ng_id: str, name: str) -> None:
        mid = self._by_view.get(ng_id)
        if mid is None:
            return
        inst = self.doc.graph.nodes[mid]
        default = inst.spec.title if inst.spec else inst.type_id
        self.doc.set_title(mid, None if name == default else name)

    def open_search(self) -> None:
        vp = self.viewer.mapFromGlobal(QCursor.pos())
        if not self.viewer.rect().contains(vp):
            vp = self.viewer.rect().center()
        self.search.open_at(vp, self.viewer.mapToScene(vp))

    def eventFilter(self, obj, ev):  # noqa: N802
        if obj is self.viewer and ev.type() in (QEvent.KeyPress, QEvent.ShortcutOverride) \
                and ev.key() == Qt.Key_Tab and not self.search.isVisible():
            if ev.type() == QEvent.KeyPress:
                self.open_search()
            ev.accept()
            return True
        return super().eventFilter(obj, ev)

    def fit_all(self) -> None:
        items = [n.view for n in self.graph.all_nodes()]
        if items:
            self.viewer.zoom_to_nodes(items)

    # -- edit actions ---------------------------------------------------------------------------
    def delete_selected(self) -> None:
        self.doc.remove_nodes(self.selected_ids())
        for bd in [b for b in self._backdrops if b.selected()]:
            self._backdrops.remove(bd)
            self.graph.remove_node(bd, push_undo=False)

    def copy(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        from PySide6.QtCore import QMimeData
        data = QMimeData()
        text = json.dumps(self.doc.snapshot(ids))
        data.setData(CLIP_MIME, text.encode())
        data.setText(text)
        QApplication.clipboard().setMimeData(data)
        return True

    def paste(self) -> list[str]:
        md = QApplication.clipboard().mimeData()
        if md is None:
            return []
        try:
            raw = bytes(md.data(CLIP_MIME).data()).decode() if md.hasFormat(CLIP_MIME) else md.text()
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return []
        if not isinstance(data, dict) or "nodes" not in data:
            return []
        ids = self.doc.paste(data)
        self.select(ids)
        return ids

    def duplicate(self) -> list[str]:
        ids = self.selected_ids()
        if not ids:
            return []
        new = self.doc.paste(self.doc.snapshot(ids))
        self.select(new)
        return new

    def toggle_mode(self, mode: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        g = self.doc.graph
        target = "normal" if all(g.nodes[i].mode == mode for i in ids) else mode
        self.doc.set_mode(ids, target)

    def add_backdrop(self) -> None:
        sel = [self._by_model[i] for i in self.selected_ids()]
        bd = self.graph.create_node(BackdropNode.type_, name="Backdrop", push_undo=False, selected=False)
        if sel:
            bd.wrap_nodes(sel)
        else:
            c = self.viewer.mapToScene(self.viewer.viewport().rect().center())
            bd.set_property("pos", [c.x(), c.y()], push_undo=False)
        self._backdrops.append(bd)

    def backdrops_to_ui(self) -> list[dict]:
        out = []
        for bd in self._backdrops:
            try:
                w, h = bd.size()
                out.append({"title": bd.get_property("backdrop_text"), "pos": list(bd.pos()), "size": [w, h]})
            except RuntimeError:
                continue
        return out


def _fmt_seconds(s: float) -> str:
    if s < 1e-3:
        return "<1 ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.2f} s"
    return f"{int(s // 60)} min {s % 60:.0f} s"


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _html(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
