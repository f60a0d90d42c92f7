"""The node canvas: a NodeGraphQt view of the model in a :class:`Document`.

The canvas never edits NodeGraphQt's own model as the source of truth. What the user does on it
(drag a wire, move nodes, drop a palette entry, rename, Tab search) becomes a command on the
document's undo stack; the model's events then update the view (``ModelFollower``). Drags between
incompatible ports are refused while dragging, by the type system (``can_connect``), per node
instance rather than per node class, so groups and placeholders are checked too.

Backdrops and notes live in ``graph.ui["backdrops"]`` / ``graph.ui["notes"]``; dragging,
resizing, renaming (double-click) and deleting them are document commands too. The right-click
menu is built per click (``menus.build``) and shown with ``popup``, never a blocking ``exec``.
A node without links dragged onto a wire it fits is inserted there (the wire lights up first).

The canvas is composed of parts, each in its own module: ``badges`` (run state under each node),
``annotations`` (backdrops and notes), ``menus`` (right-click menu, renames, presets), ``wires``
(dropping a node on a wire), ``wire_search`` (a wire dropped on empty canvas), ``clipboard`` (copy, paste, duplicate) and ``search`` (Tab). The
parts use the canvas only through :class:`~studio.ui.canvas.api.CanvasApi`, and find views
through ``index`` (:class:`~studio.ui.canvas.view_index.ViewIndex`, which emits ``view_created``).
"""
from __future__ import annotations

from typing import Any

from NodeGraphQt import BackdropNode
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QFontInfo
from PySide6.QtWidgets import QInputDialog, QMenu

from studio.core.errors import StudioError
from studio.core.graph import Link
from studio.core.types import can_connect, get_type
from studio.ui.canvas.adapter import CanvasNodeGraph
from studio.ui.canvas.annotations import Annotations
from studio.ui.canvas.badges import RunBadges
from studio.ui.canvas.build_turns import AT_ONCE, TurnBuilder
from studio.ui.canvas.clipboard import Clipboard
from studio.ui.canvas.context_menu import ContextMenu
from studio.ui.canvas.follow import ModelFollower
from studio.ui.canvas.items import (CLIP_KEY, GROUP_COLOR, LIBRARY_PREFIX, MAX_FIT_SCALE, MIN_FIT_SCALE, READABLE_TITLE_PX,  # noqa: F401
                                    NODE_MIME, PROXY_PX, StatusItem,
                                    AnnotationNode, StudioNode)
from studio.ui.canvas.search import NodeSearchPopup
from studio.ui.canvas.view_index import ViewIndex
from studio.ui.canvas.wire_drop import WireDrop
from studio.ui.canvas.wire_search import WireSearch
from studio.ui.document.document import Document



def _drawn_later(*_args, **_kwargs) -> None:
    """Stands in for a node item's post_init while its ports are added (Canvas.create_view draws it once)."""

class Canvas(QObject):
    """The canvas adapter. ``hooks`` are the window's actions the context menu offers (each
    optional): ``run_to(node_id)``, ``group()``, ``ungroup()``, ``edit_group(node_id)``,
    ``save_group()``. ``ask_text`` asks for a name or a note's text (tests replace it)."""
    selection_changed = Signal(list)      # selected model node ids
    message = Signal(str)                 # refusals and problems, for the log
    info = Signal(str)                    # confirmations, for the log
    files_dropped = Signal(list)          # paths dropped on the canvas

    def __init__(self, doc: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.node_graph = CanvasNodeGraph(self)
        self.node_graph.set_acyclic(True)
        self.node_graph.set_pipe_collision(False)
        self.node_graph.register_node(StudioNode)
        self.node_graph.register_node(AnnotationNode)
        self.ng_type = StudioNode.type_
        self.hooks: dict[str, Any] = {}
        self.last_menu: QMenu | None = None
        self.view = self.node_graph.viewer()
        self.widget = self.node_graph.widget
        self.index = ViewIndex(self.view, self)  # model id <-> NodeGraphQt node; emits view_created
        self.badges = RunBadges(self)            # run state under each node
        self.annotations = Annotations(self)     # backdrops and notes
        self.menus = ContextMenu(self)           # the right-click menu, renames, presets
        self.wires = WireDrop(self)              # a node dropped on a wire goes into it
        self.clipboard = Clipboard(self)         # copy, paste, duplicate
        self.wire_search = WireSearch(self)      # a wire dropped on empty canvas: search, add, wire
        self.node_graph.node_selection_changed.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.node_graph.node_selected.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.search = NodeSearchPopup([s for s in doc.graph.registry.specs() if s.id != "studio.group"],
                                      self.view)
        self.search.chosen.connect(self._add_from_search)
        self.view.installEventFilter(self)
        self.follow = ModelFollower(self)         # the model's events -> the view, per kind
        self.turns = TurnBuilder(self)           # a large graph opened drawn a few nodes a turn
        doc.replaced.connect(lambda: self.rebuild(in_turns=doc.in_turns))
        self.node_graph.node_double_clicked.connect(self.annotations.on_double_clicked)
        self.rebuild()

    # -- lookups ------------------------------------------------------------------------------
    def view_node(self, model_id: str):
        self.finish_build()
        return self.index.view_of(model_id)

    def shown_names(self) -> dict[str, str]:
        """The names the canvas shows -> model ids. NodeGraphQt numbers nodes that share a title
        ("Colour Adjust 1"); the graph keeps the title itself."""
        return {ng.name(): mid for mid, ng in self.index.items() if mid in self.doc.graph.nodes}

    def model_id(self, ng_node) -> str | None:
        return self.index.model_of(ng_node.id) if ng_node is not None else None

    def selected_ids(self) -> list[str]:
        out = []
        for n in self.node_graph.selected_nodes():
            mid = self.index.model_of(n.id)
            if mid is not None and mid in self.doc.graph.nodes:
                out.append(mid)
        return out

    def select(self, ids) -> None:
        self.finish_build()
        self.node_graph.clear_selection()
        for i in ids:
            n = self.index.view_of(i)
            if n is not None:
                n.set_selected(True)
        self.selection_changed.emit(self.selected_ids())

    def port_item(self, model_id: str, port: str, side: str):
        n = self.index.view_of(model_id)
        if n is None:
            raise KeyError(model_id)
        ports = n.inputs() if side == "in" else n.outputs()
        return ports[port].view

    def port_scene_center(self, model_id: str, port: str, side: str) -> QPointF:
        item = self.port_item(model_id, port, side)
        return item.sceneBoundingRect().center()

    def _port_type(self, port_item) -> str | None:
        mid = self.index.model_of(port_item.node.id)
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

    def refusal_reason(self, a, b) -> str | None:
        """Why wiring port item ``a`` to ``b`` is refused (naming nodes by title), or None."""
        if a.port_type == b.port_type:
            return f"both ends are {'inputs' if a.port_type == 'in' else 'outputs'}: drag from an output to an input"
        out_p, in_p = (a, b) if a.port_type == "out" else (b, a)
        src, dst = self.index.model_of(out_p.node.id), self.index.model_of(in_p.node.id)
        g = self.doc.graph
        if src is None or dst is None or src not in g.nodes or dst not in g.nodes:
            return None
        st, dt = g.nodes[src].label, g.nodes[dst].label
        if src == dst:
            return f"'{st}' cannot feed itself"
        to, ti = self._port_type(out_p), self._port_type(in_p)
        if to is not None and ti is not None and not can_connect(to, ti):
            return f"'{st}' {out_p.name} gives {to}, but '{dt}' {in_p.name} takes {ti}"
        if src in g.downstream(dst):
            return f"it would make a loop: '{st}' already depends on '{dt}'"
        return None

    # -- building the view ----------------------------------------------------------------------
    def rebuild(self, in_turns: bool = False) -> None:
        """The view made again from the model. ``in_turns`` (a large graph opened): a few nodes per turn of the
        event loop (build_turns.py); ``turns.building`` until done, ``finish_build()`` makes the rest at once."""
        self.turns.stop()
        self.node_graph.clear_session()
        self.index.clear()
        self.badges.reset()
        self.annotations.reset()
        ids = list(self.doc.graph.nodes)
        if in_turns and len(ids) > AT_ONCE:
            self.turns.start(ids)
            return
        for i, nid in enumerate(ids):
            self.create_view(nid, default_pos=(i * 260.0, 0.0))
        self.finish_links()

    def finish_links(self) -> None:
        """The wires, backdrops and notes, once every node's view is made."""
        for l in self.doc.graph.links:
            self.index.connect_link(l)
        for kind in ("backdrops", "notes"):
            self.annotations.sync(kind)

    def finish_build(self) -> None:
        """The rest of a graph being drawn in turns made now: what follows sees the whole view."""
        self.turns.finish()

    # -- backdrops and notes (graph.ui, edited through Document commands) ---------------------
    def ask_text(self, title: str, label: str, default: str = "", multiline: bool = False) -> str | None:
        """A name or a text from the user, or None (tests replace this)."""
        parent = self.view.window()
        if multiline:
            text, ok = QInputDialog.getMultiLineText(parent, title, label, default)
            return text if ok else None
        text, ok = QInputDialog.getText(parent, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def create_view(self, nid: str, default_pos=(0.0, 0.0)):
        """Make the view of model node ``nid`` and index it (``index.view_created`` follows)."""
        inst = self.doc.graph.nodes[nid]
        pos = self.doc.position(nid) or list(default_pos)
        ng = self.node_graph.create_node(self.ng_type, name=inst.label, pos=pos, push_undo=False, selected=False)
        ng.view._proxy_mode_threshold = PROXY_PX  # titles and ports drawn down to a fitted overview's zoom
        if inst.subgraph is not None:
            ng.set_property("color", (*GROUP_COLOR, 255), push_undo=False)
        # NodeGraphQt redraws the whole node for each port added (post_init): drawn once, below (issue 116: opening
        # a converted workflow spent half its time on the GUI thread redrawing nodes)
        ng.view.post_init = _drawn_later
        try:
            self._add_ports(nid, ng)
        finally:
            del ng.view.post_init
        if getattr(ng.view, "_x_item", None) is not None:
            ng.view._x_item.text = "MUTED"  # NodeGraphQt's overlay says 'DISABLED'; Studio calls it mute
        ng.view.draw_node()
        self._port_tooltips(nid, ng)
        self.index.add(nid, ng)  # the badges put the status line under it
        return ng

    def _add_ports(self, nid: str, ng) -> None:
        spec = self.doc.graph.nodes[nid].spec
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

    def _port_tooltips(self, nid: str, ng) -> None:
        inst = self.doc.graph.nodes[nid]
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

    def resync_links(self) -> None:
        """Make the view's wires exactly the model's (after a refused or partial drag)."""
        want = set(self.doc.graph.links)
        have = self.index.wired()
        for mid, ng in self.index.items():
            for pname, inp in ng.inputs().items():
                # wires the view dropped while dragging
                for out_v in list(inp.view.connected_ports):
                    src = self.index.model_of(out_v.node.id)
                    if src is not None and Link(src, out_v.name, mid, pname) not in want:
                        for pipe in list(inp.view.connected_pipes):
                            if pipe.output_port is out_v:
                                pipe.delete()
        for l in have - want:
            self.index.disconnect_link(l)
        for l in want:
            self.index.connect_link(l)

    # -- view -> model (user intents) ----------------------------------------------------------
    def user_rewired(self, disconnected, connected) -> None:
        g = self.doc.graph
        ops: list[tuple[str, Link]] = []
        for a, b in disconnected:
            l = self.index.link_of(a, b)
            if l is not None and g.input_link(l.dst, l.dst_port) == l:
                ops.append(("disconnect", l))
        refused = None
        for a, b in connected:
            l = self.index.link_of(a, b)
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

    def moves(self, node_data: dict) -> tuple[dict, dict]:
        """What a drag moved: ({node id: (old, new)}, {kind: {index: new pos}})."""
        moves, ann = {}, {}
        for view, prev in node_data.items():
            new = [float(view.xy_pos[0]), float(view.xy_pos[1])]
            key = self.annotations.key_of(view.id)
            if key is not None:
                ann.setdefault(key[0], {})[key[1]] = new
                continue
            mid = self.index.model_of(view.id)
            if mid is None:
                continue
            old = self.doc.position(mid)
            if old is None:
                old = [float(prev[0]), float(prev[1])]
            moves[mid] = (old, new)
        return moves, ann

    def user_moved(self, node_data: dict) -> None:
        """A drag ended: the nodes and backdrops/notes it moved, as one undo step."""
        moves, ann = self.moves(node_data)
        moves = {k: v for k, v in moves.items() if k in self.doc.graph.nodes and v[0] != v[1]}
        lists = {}
        for kind, new in ann.items():
            items = self.doc.annotations(kind)
            for i, p in new.items():
                if 0 <= i < len(items):
                    items[i]["pos"] = p
            if items != self.doc.annotations(kind):
                lists[kind] = items
        n = (1 if moves else 0) + len(lists)
        if n == 0:
            return
        stack = self.doc.undo_stack
        if n > 1:
            stack.beginMacro(f"move {len(moves) + sum(len(ann[k]) for k in lists)} item(s)")
        try:
            self.doc.move(moves)
            for kind, items in lists.items():
                self.doc.set_annotations(kind, items, f"move {kind[:-1]}")
        finally:
            if n > 1:
                stack.endMacro()

    # -- drop a node on a wire -----------------------------------------------------------------
    def user_add_ng_type(self, ng_type: str, pos) -> None:
        if ng_type in (BackdropNode.type_, AnnotationNode.type_):
            self.annotations.add("backdrops", pos=list(pos))

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
            what, link = self.menus.item_at(QPointF(*pos))
            if what == "link" and not type_id.startswith(LIBRARY_PREFIX):
                self.wires.add_node_on_link(type_id, pos, link)
            else:
                self.add_node_at(type_id, pos)
        elif mime.hasUrls():
            paths = [u.toLocalFile() for u in mime.urls() if u.toLocalFile()]
            if paths:
                self.files_dropped.emit(paths)
        elif mime.hasText() and mime.text().startswith("studio-node:"):
            self.add_node_at(mime.text().split(":", 1)[1], pos)

    def user_renamed(self, ng_id: str, name: str) -> None:
        mid = self.index.model_of(ng_id)
        if mid is None:
            return
        inst = self.doc.graph.nodes[mid]
        default = inst.spec.title if inst.spec else inst.type_id
        if not self.menus.set_title(mid, None if name == default else name):
            self.view_node(mid).set_name(inst.label)  # the canvas shows the title kept

    def _add_from_search(self, type_id: str, p: QPointF) -> None:
        wire = self.wire_search.take()
        if wire is not None:
            self.wire_search.add_wired(type_id, p, wire)
        else:
            self.add_node_at(type_id, (p.x(), p.y()))
        self.focus()

    def focus(self) -> None:
        """Keyboard focus back on the canvas (after Tab-adding a node), so Delete/M/B act on it."""
        self.view.setFocus(Qt.OtherFocusReason)

    def open_search(self) -> None:
        self.wire_search.take()  # Tab: a plain search, whatever a dropped wire opened before
        vp = self.view.mapFromGlobal(QCursor.pos())
        if not self.view.rect().contains(vp):
            vp = self.view.rect().center()
        self.search.open_at(vp, self.view.mapToScene(vp))

    def eventFilter(self, obj, ev):  # noqa: N802
        if obj is self.view and ev.type() in (QEvent.FocusOut, QEvent.Leave, QEvent.WindowDeactivate):
            hint = getattr(self.view, "_cursor_text", None)  # NodeGraphQt's "CTRL: Deselect Nodes"
            if hint is not None and hint.isVisible():  # its key release went to a dialog (Ctrl+S...)
                hint.setVisible(False)
                self.view.CTRL_state = self.view.SHIFT_state = self.view.ALT_state = False
        if obj is self.view and ev.type() in (QEvent.KeyPress, QEvent.ShortcutOverride) \
                and ev.key() == Qt.Key_Tab and not self.search.isVisible():
            if ev.type() == QEvent.KeyPress:
                self.open_search()
            ev.accept()
            return True
        return super().eventFilter(obj, ev)

    def graph_rect(self) -> QRectF:
        """The scene rectangle of everything on the canvas: nodes with their status lines, notes
        and backdrops (a template's note above its nodes is part of what Fit must show)."""
        rect = QRectF()
        for n in self.node_graph.all_nodes():
            rect = rect.united(n.view.sceneBoundingRect())
            for ch in n.view.childItems():  # the status line under the node
                if isinstance(ch, StatusItem) and ch.text:
                    rect = rect.united(ch.sceneBoundingRect())
        for kind in ("notes", "backdrops"):
            for bd in self.annotations.view(kind):
                rect = rect.united(bd.view.sceneBoundingRect())
        return rect

    def fit_all(self, readable: bool = False) -> bool:
        """Fit the whole graph in view (View > Fit Graph, F), with a margin, at up to 100 %. A big
        graph in a small window is shown whole, small (issue 25: F must bring all of it in).
        ``readable`` (a graph or template just opened, issue 61 item 6: a template fitted into
        1024x700 had 5 px titles): never smaller than titles of READABLE_TITLE_PX on screen, the
        nodes' top left corner (where the pipeline starts) in view. True when the graph is cut."""
        rect = self.graph_rect()
        if rect.isNull():
            return False
        vp = self.view.viewport().rect()
        margin = 24.0
        scale = min((vp.width() - 2 * margin) / max(1.0, rect.width()),
                    (vp.height() - 2 * margin) / max(1.0, rect.height()))
        floor = self.readable_scale() if readable else MIN_FIT_SCALE
        if scale >= floor:
            self.set_zoom_scale(min(MAX_FIT_SCALE, scale), rect.center())
            return False
        w, h = vp.width() / floor, vp.height() / floor  # the scene the view shows at the floor
        nodes = QRectF()  # from the nodes' corner: a template's long note above them is read on the node
        boxes = [n.view.sceneBoundingRect() for n in self.node_graph.all_nodes()
                 if not isinstance(n, AnnotationNode)]  # notes and backdrops are NodeGraphQt nodes too
        for box in boxes:
            nodes = nodes.united(box)
        if not nodes.isNull():  # the top of the nodes in the columns shown: a loader high on the far right
            shown = [b.top() for b in boxes if b.left() < nodes.left() + w]  # left half the view empty (walk 75)
            rect = QRectF(nodes.left(), min(shown), nodes.width(), nodes.bottom() - min(shown))
        # the corner at the view's top left (not centred on a side that fits: the docks laid out
        # after the opening shrink the canvas from its right and bottom, seen under Xvfb)
        cx, cy = rect.left() + w / 2 - margin / floor, rect.top() + h / 2 - margin / floor
        self.set_zoom_scale(floor, QPointF(cx, cy))
        return True

    @staticmethod
    def readable_scale() -> float:
        """The zoom at which node titles (the application's font) are READABLE_TITLE_PX high."""
        return min(MAX_FIT_SCALE, READABLE_TITLE_PX / max(1, QFontInfo(QFont()).pixelSize()))

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the view shows now."""
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()

    def zoom_scale(self) -> float:
        return float(self.view.transform().m11())

    def set_zoom_scale(self, scale: float, centre: QPointF) -> None:
        """Show the scene at ``scale`` (1 = 100 %) centred on ``centre`` (NodeGraphQt's view is
        fitted to its scene range, so the range sets the zoom)."""
        vp = self.view.viewport().rect()
        w, h = max(1, vp.width()) / scale, max(1, vp.height()) / scale
        for _ in range(2):  # fitInView keeps a small margin: correct for it once
            self.view._scene_range = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
            self.view._update_scene()
            k = self.zoom_scale() / scale
            w, h = w * k, h * k

    # -- edit actions ---------------------------------------------------------------------------
    def delete_selected(self) -> None:
        """Delete the selected nodes, backdrops and notes (one undo step)."""
        ids = self.selected_ids()
        ann: dict[str, list[int]] = {}
        for kind, i in self.annotations.selected():
            ann.setdefault(kind, []).append(i)
        n = (1 if ids else 0) + len(ann)
        if n == 0:
            return
        stack = self.doc.undo_stack
        if n > 1:
            stack.beginMacro("delete selection")
        try:
            self.doc.remove_nodes(ids)
            for kind, idx in ann.items():
                self.doc.remove_annotations(kind, idx)
        finally:
            if n > 1:
                stack.endMacro()

    def toggle_mode(self, mode: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        g = self.doc.graph
        target = "normal" if all(g.nodes[i].mode == mode for i in ids) else mode
        self.doc.set_mode(ids, target)

    def status_text(self, nid: str) -> str:
        """The status line under a node (see :class:`RunBadges`)."""
        return self.badges.status_text(nid)
