"""The node canvas: a NodeGraphQt view of the model in a :class:`Document`.

The canvas never edits NodeGraphQt's own model as the source of truth. What the user does on it
(drag a wire, move nodes, drop a palette entry, rename, Tab search) becomes a command on the
document's undo stack; the model's events then update the view (``_on_model``). Drags between
incompatible ports are refused while dragging, by the type system (``can_connect``), per node
instance rather than per node class, so groups and placeholders are checked too.

Backdrops and notes live in ``graph.ui["backdrops"]`` / ``graph.ui["notes"]``; dragging,
resizing, renaming (double-click) and deleting them are document commands too. The right-click
menu is built per click (``context_menu``) and shown with ``popup``, never a blocking ``exec``.
A node without links dragged onto a wire it fits is inserted there (the wire lights up first).
"""
from __future__ import annotations

import json
import re
from typing import Any

from NodeGraphQt import BackdropNode, BaseNode, NodeGraph
from NodeGraphQt.qgraphics.node_abstract import AbstractNodeItem
from NodeGraphQt.qgraphics.node_backdrop import BackdropNodeItem
from NodeGraphQt.qgraphics.pipe import LivePipeItem, PipeItem
from NodeGraphQt.qgraphics.port import PortItem
from NodeGraphQt.widgets.viewer import NodeViewer
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QFontMetrics, QPainter, QPainterPathStroker, QPen
from PySide6.QtWidgets import (QApplication, QFrame, QGraphicsItem, QInputDialog, QLineEdit, QListWidget,
                               QListWidgetItem, QMenu, QVBoxLayout)

from studio.core.errors import StudioError
from studio.core.graph import Link
from studio.core.library import list_presets
from studio.core.spec import NodeSpec
from studio.core.types import can_connect, get_type

from .document import Document

NODE_MIME = "application/x-studio-node"        # palette drags: the node type id
CLIP_KEY = "studio_nodes"                     # copy/paste: a Document.snapshot as JSON text, marked
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


BACKDROP_COLOR = (5, 129, 138)
NOTE_COLOR = (150, 132, 60)
NOTE_WIDTH = 420.0
NOTE_PX = 15
HEADER_H = 26.0


class StudioBackdropItem(BackdropNodeItem):
    """A backdrop (a titled frame that carries the nodes on it when dragged) or a canvas note
    (a sticky text that moves alone). The title is ours, not NodeGraphQt's unique node name,
    so two backdrops may share one."""

    def __init__(self, name="backdrop", text="", parent=None):
        super().__init__(name, text, parent)
        self.kind = "backdrops"
        self.label = ""

    def mousePressEvent(self, event):  # noqa: N802 - Qt's name
        if self.kind == "notes":  # a note moves alone
            AbstractNodeItem.mousePressEvent(self, event)
            return
        super().mousePressEvent(event)

    def paint(self, painter, option, widget=None):
        painter.save()
        r = self.boundingRect().adjusted(1, 1, -1, -1)
        sel = self.isSelected()
        border = QColor(254, 207, 42) if sel else QColor(*self.color[:3]).lighter(120)
        if self.kind == "notes":
            painter.setPen(QPen(border, 1.2 if sel else 0.8))
            painter.setBrush(QColor(*self.color[:3], 70))
            painter.drawRoundedRect(r, 3, 3)
            painter.setFont(note_font())
            painter.setPen(QColor(235, 228, 200))
            painter.drawText(r.adjusted(8, 6, -8, -6), Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, self.label)
        else:
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor(*self.color[:3], 50))
            painter.drawRoundedRect(r, 3, 3)
            top = QRectF(r.x(), r.y(), r.width(), HEADER_H)
            painter.setBrush(QColor(*self.color[:3]))
            painter.drawRoundedRect(top, 3, 3)
            painter.drawRect(QRectF(top.x(), top.bottom() - 4, top.width(), 4))
            f = QFont()
            f.setPointSizeF(10)
            f.setBold(True)
            painter.setFont(f)
            painter.setPen(QColor(240, 240, 240))
            painter.drawText(top.adjusted(8, 0, -8, 0), Qt.AlignLeft | Qt.AlignVCenter,
                             QFontMetrics(f).elidedText(self.label, Qt.ElideRight, int(top.width() - 16)))
            painter.setBrush(Qt.NoBrush)
            painter.setPen(QPen(border, 1.2 if sel else 0.8))
            painter.drawRoundedRect(r, 3, 3)
        painter.restore()


class StudioBackdrop(BackdropNode):
    """The canvas item of one entry of ``graph.ui["backdrops"]`` or ``graph.ui["notes"]``."""
    __identifier__ = "studio"
    NODE_NAME = "Backdrop"

    def __init__(self, qgraphics_views=None):
        super().__init__(qgraphics_views or StudioBackdropItem)


def note_font() -> QFont:
    """Canvas notes: 15 px at 100 %, so still about 10 px at the smallest fit zoom (MIN_FIT_SCALE)."""
    f = QFont()
    f.setPixelSize(NOTE_PX)
    return f


def note_height(text: str, width: float = NOTE_WIDTH) -> float:
    """The height a note needs to show ``text`` at ``width`` (notes without a saved size)."""
    r = QFontMetrics(note_font()).boundingRect(QRect(0, 0, int(width - 16), 100000), Qt.AlignLeft | Qt.TextWordWrap,
                                     text or " ")
    return float(max(40, r.height() + 16))


MIN_FIT_SCALE = 0.65  # fit never zooms out further: node titles and notes stay readable
STATUS_PX = 11      # status text under a node: readable at 100 % zoom (issue 15)
STATUS_LINES = 2    # a skip reason or an error wraps to two lines, then elides (full text in the tooltip)
WARN_COLOR = QColor(230, 180, 80)
NOT_RUN_COLOR = QColor(150, 150, 150)


class StatusItem(QGraphicsItem):
    """Under a node: a progress bar while it runs, then its time, 'cached' or its error. Long
    text (a skip reason) wraps to two lines and elides; the tooltip carries it in full."""

    def __init__(self, parent):
        super().__init__(parent)
        self.text = ""
        self.color = TEXT_COLOR
        self.progress: float | None = None
        self.setZValue(parent.zValue() + 1)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setAcceptHoverEvents(True)  # for the tooltip

    @staticmethod
    def font() -> QFont:
        f = QFont()
        f.setPixelSize(STATUS_PX)
        return f

    def text_width(self) -> float:
        return max(180.0, self.parentItem().boundingRect().width() * 1.5)

    def boundingRect(self):  # noqa: N802 - Qt's name
        w = max(60.0, self.parentItem().boundingRect().width(), self.text_width())
        return QRectF(0, 0, w, 10 + STATUS_LINES * (STATUS_PX + 4))

    def lines(self) -> list[str]:
        """The text as drawn: word-wrapped to the item's width, at most two lines, the last elided."""
        if not self.text:
            return []
        fm = QFontMetrics(self.font())
        width = int(self.text_width())
        words, lines, cur = self.text.split(), [], ""
        for i, w in enumerate(words):
            trial = (cur + " " + w).strip()
            if fm.horizontalAdvance(trial) <= width or not cur:
                cur = trial
                continue
            lines.append(cur)
            cur = w
            if len(lines) == STATUS_LINES - 1:
                cur = " ".join(words[i:])
                break
        lines.append(cur)
        return [fm.elidedText(l, Qt.ElideRight, width) for l in lines[:STATUS_LINES]]

    def set(self, text: str | None = None, color: QColor | None = None, progress: float | None | str = "keep"):
        if text is not None and text != self.text:
            self.prepareGeometryChange()
            self.text = text
            self.setToolTip(text if len(text) > 30 else "")
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
            painter.setFont(self.font())
            painter.setPen(QPen(self.color))
            for line in self.lines():
                painter.drawText(QRectF(0, y, self.text_width() + 4, STATUS_PX + 4),
                                 Qt.AlignLeft | Qt.AlignVCenter, line)
                y += STATUS_PX + 3


class StudioViewer(NodeViewer):
    """NodeGraphQt's viewer with connection rules from the Studio type system."""

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
        menu = self._canvas.context_menu(pos)
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
            hit = self._canvas.insertion_target(nodes[0]) if len(nodes) == 1 else None
            self.COLLIDING_state = hit is not None
            if hit is not None:
                hit[0].setSelected(True)

    def mouseReleaseEvent(self, event):  # noqa: N802
        super().mouseReleaseEvent(event)
        self.COLLIDING_state = False


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
        self._canvas.user_inserted(node_id, prev_node_pos)

    def _on_node_backdrop_updated(self, node_id, update_property, value):
        self._canvas.user_resized_backdrop(node_id, update_property, value)

    def _on_search_triggered(self, node_type, pos):
        self._canvas.user_add_ng_type(node_type, pos)

    def _on_node_data_dropped(self, mimedata, pos):
        self._canvas.user_dropped(mimedata, (pos.x(), pos.y()))

    def _on_node_name_changed(self, node_id, name):
        self._canvas.user_renamed(node_id, name)


COMMON_CATEGORIES = ("Output", "Input")  # ties go to the nodes a pipeline starts or ends with
_USAGE: dict[str, int] | None = None


def template_usage() -> dict[str, int]:
    """How often each node type appears in the shipped templates (read once): a measure of how
    common a node is, so search ties rank Save Video (in every template) before Save Flow."""
    global _USAGE
    if _USAGE is None:
        import glob
        import os
        _USAGE = {}
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "graphs")
        for f in glob.glob(os.path.join(folder, "*.json")):
            try:
                with open(f, encoding="utf-8") as fh:
                    for n in json.load(fh).get("nodes", []):
                        t = n.get("type") if isinstance(n, dict) else None
                        if isinstance(t, str):
                            _USAGE[t] = _USAGE.get(t, 0) + 1
            except (OSError, ValueError, AttributeError):
                continue
    return _USAGE


def rank_specs(specs: list[NodeSpec], text: str) -> list[NodeSpec]:
    """Node types matching ``text``, most relevant first: a title starting with the query, then a
    title word starting with it, then the query inside the title, then in the id, category or help
    (every word must match somewhere). Among equals, output and input nodes come first, then titles
    alphabetically: "save" gives Save Video before Save Flow."""
    words = text.lower().split()
    if not words:
        return sorted(specs, key=lambda s: (s.category.lower(), s.title.lower()))
    q = " ".join(words)
    usage = template_usage()
    scored = []
    for s in specs:
        title = s.title.lower()
        hay = f"{title} {s.id} {s.category} {s.help}".lower()
        if not all(w in hay for w in words):
            continue
        twords = re.split(r"[^a-z0-9]+", title)
        if title.startswith(q):
            rank = 0
        elif all(any(t.startswith(w) for t in twords) for w in words):
            rank = 1
        elif all(w in title for w in words):
            rank = 2
        elif all(w in f"{title} {s.id} {s.category}".lower() for w in words):
            rank = 3
        else:
            rank = 4
        common = 0 if (getattr(s, "is_output", False) or s.category in COMMON_CATEGORIES) else 1
        scored.append((rank, common, -usage.get(s.id, 0), title, s))
    return [t[-1] for t in sorted(scored, key=lambda t: t[:4])]


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
        self.list.clear()
        for s in rank_specs(self.specs, text):
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
        self.graph = StudioNodeGraph(self)
        self.graph.set_acyclic(True)
        self.graph.set_pipe_collision(False)
        self.graph.register_node(StudioNode)
        self.graph.register_node(StudioBackdrop)
        self.ng_type = StudioNode.type_
        self.hooks: dict[str, Any] = {}
        self.last_menu: QMenu | None = None
        self.viewer = self.graph.viewer()
        self.widget = self.graph.widget
        self._by_model: dict[str, Any] = {}   # model id -> NG node
        self._by_view: dict[str, str] = {}    # NG node id -> model id
        self._status: dict[str, StatusItem] = {}
        self._run_state: dict[str, dict] = {}  # model id -> {"text", "color", "progress", "error"}
        self._ann: dict[str, list[Any]] = {"backdrops": [], "notes": []}   # view items by index
        self._ann_by_view: dict[str, tuple[str, int]] = {}                 # NG id -> (kind, index)
        self.graph.node_selection_changed.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.graph.node_selected.connect(lambda *_: self.selection_changed.emit(self.selected_ids()))
        self.search = NodeSearchPopup([s for s in doc.graph.registry.specs() if s.id != "studio.group"],
                                      self.viewer)
        self.search.chosen.connect(self._add_from_search)
        self.viewer.installEventFilter(self)
        doc.changed.connect(self._on_model)
        doc.positions_changed.connect(self._on_positions)
        doc.replaced.connect(self.rebuild)
        doc.annotations_changed.connect(self._sync_annotations)
        self.graph.node_double_clicked.connect(self._on_double_clicked)
        self.rebuild()

    # -- lookups ------------------------------------------------------------------------------
    def view_node(self, model_id: str):
        return self._by_model.get(model_id)

    def shown_names(self) -> dict[str, str]:
        """The names the canvas shows -> model ids. NodeGraphQt numbers nodes that share a title
        ("Colour Adjust 1"); the graph keeps the title itself."""
        return {ng.name(): mid for mid, ng in self._by_model.items() if mid in self.doc.graph.nodes}

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

    def refusal_reason(self, a, b) -> str | None:
        """Why wiring port item ``a`` to ``b`` is refused (naming nodes by title), or None."""
        if a.port_type == b.port_type:
            return f"both ends are {'inputs' if a.port_type == 'in' else 'outputs'}: drag from an output to an input"
        out_p, in_p = (a, b) if a.port_type == "out" else (b, a)
        src, dst = self._by_view.get(out_p.node.id), self._by_view.get(in_p.node.id)
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
    def rebuild(self) -> None:
        self.graph.clear_session()
        self._by_model.clear()
        self._by_view.clear()
        self._status.clear()
        self._run_state.clear()
        self._ann = {"backdrops": [], "notes": []}
        self._ann_by_view.clear()
        g = self.doc.graph
        for i, nid in enumerate(g.nodes):
            self._create_view(nid, default_pos=(i * 260.0, 0.0))
        for l in g.links:
            self._view_connect(l)
        for kind in ("backdrops", "notes"):
            self._sync_annotations(kind)

    # -- backdrops and notes (graph.ui, edited through Document commands) ---------------------
    @property
    def _backdrops(self) -> list[Any]:  # older name, kept for callers and tests
        return self._ann["backdrops"]

    @property
    def _notes(self) -> list[Any]:
        return self._ann["notes"]

    def annotations_view(self, kind: str) -> list[Any]:
        """The canvas items of the backdrops or notes, in the model's order."""
        return list(self._ann[kind])

    def annotation_of(self, ng) -> tuple[str, int] | None:
        return self._ann_by_view.get(getattr(ng, "id", None))

    @staticmethod
    def _ann_geometry(kind: str, b: dict) -> tuple[float, float, float, float, str]:
        x, y = b.get("pos") or [0.0, 0.0]
        text = str(b.get("title" if kind == "backdrops" else "text") or "")
        if b.get("size"):
            w, h = b["size"]
        elif kind == "notes":
            w, h = NOTE_WIDTH, note_height(text)
        else:
            w, h = 400.0, 200.0
        return float(x), float(y), max(40.0, float(w)), max(30.0, float(h)), text

    def _apply_annotation(self, bd, kind: str, b: dict) -> None:
        x, y, w, h, text = self._ann_geometry(kind, b)
        item = bd.view
        item.kind, item.label = kind, text
        item.minimum_size = (40, 30)
        color = tuple(b.get("color") or (NOTE_COLOR if kind == "notes" else BACKDROP_COLOR))[:3]
        if tuple(bd.color()[:3]) != color:
            bd.set_property("color", (*color, 255), push_undo=False)
        if [round(v, 3) for v in bd.pos()] != [round(x, 3), round(y, 3)]:
            bd.set_property("pos", [x, y], push_undo=False)
        if (round(item.width, 3), round(item.height, 3)) != (round(w, 3), round(h, 3)):
            # on the item and NodeGraphQt's model both: its sizer changes only the item, so
            # set_property would compare with a stale model value and do nothing
            item.width, item.height = w, h
            bd.model.width, bd.model.height = w, h
        item.setToolTip(text if kind == "notes" else f"backdrop: {text}<br><i>double-click to rename</i>")
        item.update()

    def _sync_annotations(self, kind: str) -> None:
        """Make the canvas items of ``kind`` the model's, in place when their number is unchanged."""
        model = self.doc.annotations(kind)
        items = self._ann[kind]
        if len(items) != len(model):
            for bd in items:
                self._ann_by_view.pop(bd.id, None)
                try:
                    self.graph.remove_node(bd, push_undo=False)
                except RuntimeError:
                    pass
            items = self._ann[kind] = []
            for b in model:
                try:
                    bd = self.graph.create_node(StudioBackdrop.type_, name="Note" if kind == "notes" else "Backdrop",
                                                push_undo=False, selected=False)
                except Exception as e:  # noqa: BLE001 - a malformed note must not stop a load
                    self.message.emit(f"{kind[:-1]} not shown: {e}")
                    continue
                items.append(bd)
        for i, (bd, b) in enumerate(zip(items, model)):
            self._ann_by_view[bd.id] = (kind, i)
            try:
                self._apply_annotation(bd, kind, b)
            except (TypeError, ValueError, IndexError) as e:  # a malformed entry in a file
                self.message.emit(f"{kind[:-1]} {i} not shown properly: {e}")

    def add_annotation(self, kind: str, pos=None, size=None, text: str | None = None) -> int:
        """Add a backdrop (around the selected nodes when there are some) or a note; undoable."""
        sel = [self._by_model[i].view for i in self.selected_ids()]
        if kind == "backdrops" and sel and pos is None:
            r = sel[0].sceneBoundingRect()
            for v in sel[1:]:
                r = r.united(v.sceneBoundingRect())
            r = r.adjusted(-40, -40 - HEADER_H, 40, 60)  # room for the status line under nodes
            pos, size = [r.x(), r.y()], [r.width(), r.height()]
        if pos is None:
            c = self.viewer.mapToScene(self.viewer.viewport().rect().center())
            pos = [c.x(), c.y()]
        item: dict[str, Any] = {"pos": [float(pos[0]), float(pos[1])]}
        if kind == "backdrops":
            item["title"] = "Backdrop" if text is None else text
            item["size"] = list(size or [400.0, 200.0])
        else:
            item["text"] = "Note" if text is None else text
            if size is not None:
                item["size"] = list(size)
        idx = self.doc.add_annotation(kind, item)
        self.select_annotations([(kind, idx)])
        return idx

    def select_annotations(self, keys) -> None:
        self.graph.clear_selection()
        for kind, i in keys:
            if 0 <= i < len(self._ann[kind]):
                self._ann[kind][i].set_selected(True)

    def selected_annotations(self) -> list[tuple[str, int]]:
        out = []
        for n in self.graph.selected_nodes():
            k = self._ann_by_view.get(n.id)
            if k is not None:
                out.append(k)
        return out

    def rename_annotation(self, kind: str, index: int) -> bool:
        """Ask for a backdrop's title or a note's text (one undo step)."""
        b = self.doc.annotations(kind)[index]
        key = "title" if kind == "backdrops" else "text"
        text = self.ask_text("Rename backdrop" if kind == "backdrops" else "Edit note",
                             "Title:" if kind == "backdrops" else "Text:", b.get(key, ""), kind == "notes")
        if text is None:
            return False
        return self.doc.update_annotation(kind, index, undo_text=f"rename {kind[:-1]}", **{key: text})

    def fit_backdrop(self, index: int) -> bool:
        """Resize a backdrop around the nodes it touches (one undo step)."""
        bd = self._ann["backdrops"][index]
        size = bd.view.calc_backdrop_size()
        return self.doc.update_annotation("backdrops", index, undo_text="fit backdrop", pos=size["pos"],
                                          size=[size["width"], size["height"]])

    def ask_text(self, title: str, label: str, default: str = "", multiline: bool = False) -> str | None:
        """A name or a text from the user, or None (tests replace this)."""
        parent = self.viewer.window()
        if multiline:
            text, ok = QInputDialog.getMultiLineText(parent, title, label, default)
            return text if ok else None
        text, ok = QInputDialog.getText(parent, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def user_resized_backdrop(self, ng_id: str, what: str, value: dict) -> None:
        key = self._ann_by_view.get(ng_id)
        if key is None:
            return
        kind, i = key
        pos = [float(value["pos"][0]), float(value["pos"][1])]
        size = [float(value["width"]), float(value["height"])]
        text = "fit backdrop" if what == "sizer_double_clicked" else f"resize {kind[:-1]}"
        if not self.doc.update_annotation(kind, i, undo_text=text, pos=pos, size=size):
            self._sync_annotations(kind)

    def _on_double_clicked(self, ng) -> None:
        key = self.annotation_of(ng)
        if key is not None:  # after the mouse event is done (a dialog may open)
            QTimer.singleShot(0, lambda: self.rename_annotation(*key))

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
        if getattr(ng.view, "_x_item", None) is not None:
            ng.view._x_item.text = "MUTED"  # NodeGraphQt's overlay says 'DISABLED'; Studio calls it mute
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
        """Cheap (one per frame): only the status item under the node is updated."""
        st = self._run_state.setdefault(nid, {"running": True})
        st["progress"] = (step / total) if total else None
        st["text"] = f"{step}/{total}" if total else f"step {step}"
        item = self._status.get(nid)
        if item is None or not st.get("running"):
            self._refresh_look(nid)
            return
        item.set(st["text"], None, st["progress"])

    def set_finished(self, nid: str, seconds: float, cached: bool) -> None:
        self._run_state[nid] = {"text": "cached" if cached else _fmt_seconds(seconds), "cached": cached}
        self._refresh_look(nid)

    def set_failed(self, nid: str, message: str, short: str | None = None) -> None:
        self._run_state[nid] = {"text": "⚠ " + _short(short or message, 60), "error": message}
        self._refresh_look(nid)

    def set_skipped(self, nid: str, reason: str, is_output: bool = False) -> None:
        """Skipped, with the reason in full (wrapped under the node, whole in its tooltip); amber
        when the node is an output: a file the user asked for was not made."""
        self._run_state[nid] = {"text": "skipped: " + " ".join(str(reason).split()), "reason": reason,
                                "color": WARN_COLOR if is_output else NOT_RUN_COLOR}
        self._refresh_look(nid)

    def set_cost(self, nid: str, seconds: float, frames: int) -> None:
        """The time spent pulling frames through the node's lazy clip (``NodeCost``), which
        replaces the '<1 ms' it took to build the clip."""
        st = self._run_state.get(nid)
        if st is None or st.get("error") or st.get("running"):
            return
        st["text"] = _fmt_seconds(seconds) + (f" · {frames} frames" if frames else "")
        st["cost"] = seconds
        self._refresh_look(nid)

    def set_not_run(self, nid: str, hint: str) -> None:
        """A node the run did not reach (a side branch that could not run): says how to run it."""
        if nid in self._run_state:
            return
        self._run_state[nid] = {"text": hint, "reason": hint, "color": NOT_RUN_COLOR, "not_run": True}
        self._refresh_look(nid)

    def run_state(self, nid: str) -> dict:
        return dict(self._run_state.get(nid, {}))

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
        if inst.mode == "mute" and text == "skipped: muted":
            text = ""  # "muted · skipped: muted" says it twice
        if inst.mode != "normal":
            text = ("muted" if inst.mode == "mute" else "bypassed") + (" · " + text if text else "")
        if inst.error and not st.get("error"):
            text = "⚠ " + _short(inst.error, 48)
        color = ERROR_COLOR if error else (CACHED_COLOR if st.get("cached") else st.get("color", TEXT_COLOR))
        item = self._status.get(nid)
        if item is not None:
            item.setPos(0, ng.view.boundingRect().height() + 1)
            item.set(text, color, st.get("progress") if st.get("running") else None)
        tip = f"<b>{inst.label}</b> <i>({inst.type_id}, id {nid})</i>"
        if inst.spec is not None and inst.spec.help:
            tip += "<br>" + inst.spec.help
        if error:
            tip += f"<br><span style='color:#ff6e6e'>{_html(error)}</span>"
        elif st.get("reason"):
            tip += f"<br><span style='color:#e6b450'>{_html(st['reason'])}</span>"
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

    def _moves(self, node_data: dict) -> tuple[dict, dict]:
        """What a drag moved: ({node id: (old, new)}, {kind: {index: new pos}})."""
        moves, ann = {}, {}
        for view, prev in node_data.items():
            new = [float(view.xy_pos[0]), float(view.xy_pos[1])]
            key = self._ann_by_view.get(view.id)
            if key is not None:
                ann.setdefault(key[0], {})[key[1]] = new
                continue
            mid = self._by_view.get(view.id)
            if mid is None:
                continue
            old = self.doc.position(mid)
            if old is None:
                old = [float(prev[0]), float(prev[1])]
            moves[mid] = (old, new)
        return moves, ann

    def user_moved(self, node_data: dict) -> None:
        """A drag ended: the nodes and backdrops/notes it moved, as one undo step."""
        moves, ann = self._moves(node_data)
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
    def insert_ports(self, mid: str, link: Link) -> tuple[str, str] | None:
        """The input and output of node ``mid`` that can take the place of ``link``, or None.
        Like Blender, only a node without links is inserted (so nothing else is rewired)."""
        g = self.doc.graph
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
        mid = self._by_view.get(getattr(node_item, "id", None))
        g = self.doc.graph
        inst = g.nodes.get(mid) if mid is not None else None
        if inst is None or inst.spec is None or not inst.spec.inputs or not inst.spec.outputs:
            return None
        if any(mid in (l.src, l.dst) for l in g.links):
            return None
        rect = node_item.sceneBoundingRect()
        stroker = QPainterPathStroker()
        stroker.setWidth(4.0)
        for link in g.links:
            ng = self._by_model.get(link.dst)
            port = ng.inputs().get(link.dst_port) if ng is not None else None
            if port is None:
                continue
            for pipe in port.view.connected_pipes:
                if not pipe.isVisible() or not pipe.sceneBoundingRect().intersects(rect):
                    continue
                if self._link_of(pipe.output_port, pipe.input_port) != link:
                    continue
                if not pipe.mapToScene(stroker.createStroke(pipe.path())).intersects(rect):
                    continue
                ports = self.insert_ports(mid, link)
                if ports is not None:
                    return pipe, link, ports
        return None

    def user_inserted(self, ng_id: str, node_data: dict) -> None:
        ng = self.graph.get_node_by_id(ng_id)
        hit = self.insertion_target(ng.view) if ng is not None else None
        if hit is None or not node_data:
            self.user_moved(node_data)
            return
        _, link, (in_p, out_p) = hit
        moves, _ = self._moves(node_data)
        mid = self._by_view[ng_id]
        try:
            self.doc.insert_on_link(mid, link, in_p, out_p, moves)
        except StudioError as e:
            self.message.emit(f"cannot insert '{self.doc.graph.nodes[mid].label}' there: {e}")
            self.user_moved(node_data)
            return
        self.resync_links()
        self.info.emit(f"inserted {self.doc.graph.nodes[mid].label} between {link.src} and {link.dst}")

    def user_add_ng_type(self, ng_type: str, pos) -> None:
        if ng_type in (BackdropNode.type_, StudioBackdrop.type_):
            self.add_annotation("backdrops", pos=list(pos))

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

    def add_node_on_link(self, type_id: str, pos, link: Link) -> str | None:
        """A palette entry dropped on a wire: the new node goes in the middle of it when it has a
        fitting input and output (adding and inserting are one undo step), else it is just added."""
        stack = self.doc.undo_stack
        stack.beginMacro(f"add {type_id} on a wire")
        try:
            nid = self.add_node_at(type_id, pos)
            ports = self.insert_ports(nid, link) if nid is not None else None
            if ports is not None:
                try:
                    self.doc.insert_on_link(nid, link, *ports)
                except StudioError as e:
                    self.message.emit(f"added, but not inserted: {e}")
        finally:
            stack.endMacro()
        return nid

    def user_dropped(self, mime, pos) -> None:
        if mime.hasFormat(NODE_MIME):
            type_id = bytes(mime.data(NODE_MIME).data()).decode()
            what, link = self.item_at(QPointF(*pos))
            if what == "link" and not type_id.startswith(LIBRARY_PREFIX):
                self.add_node_on_link(type_id, pos, link)
            else:
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
        if not self._try_set_title(mid, None if name == default else name):
            self.view_node(mid).set_name(inst.label)  # the canvas shows the title kept

    def _add_from_search(self, type_id: str, p: QPointF) -> None:
        self.add_node_at(type_id, (p.x(), p.y()))
        self.focus()

    def focus(self) -> None:
        """Keyboard focus back on the canvas (after Tab-adding a node), so Delete/M/B act on it."""
        self.viewer.setFocus(Qt.OtherFocusReason)

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
        """Fit the graph in view, but never below a readable zoom (MIN_FIT_SCALE): a big template
        in a small window opens at its left edge at a zoom where titles and notes can be read (and
        NodeGraphQt does not draw the nodes as blank proxy boxes), rather than all of it tiny."""
        items = [n.view for n in self.graph.all_nodes()]
        if not items:
            return
        self.viewer.zoom_to_nodes(items)
        if self.zoom_scale() < MIN_FIT_SCALE:
            rect = QRectF()
            for it in items:
                rect = rect.united(it.sceneBoundingRect())
            # a graph reads from the top left: its sources and the template's note in view
            vw = self.viewer.viewport().width() / MIN_FIT_SCALE
            vh = self.viewer.viewport().height() / MIN_FIT_SCALE
            cy = rect.center().y() if rect.height() + 40 <= vh else rect.top() - 20 + vh / 2
            cx = rect.center().x() if rect.width() + 40 <= vw else rect.left() - 20 + vw / 2
            self.set_zoom_scale(MIN_FIT_SCALE, QPointF(cx, cy))

    def zoom_scale(self) -> float:
        return float(self.viewer.transform().m11())

    def set_zoom_scale(self, scale: float, centre: QPointF) -> None:
        """Show the scene at ``scale`` (1 = 100 %) centred on ``centre`` (NodeGraphQt's view is
        fitted to its scene range, so the range sets the zoom)."""
        vp = self.viewer.viewport().rect()
        w, h = max(1, vp.width()) / scale, max(1, vp.height()) / scale
        for _ in range(2):  # fitInView keeps a small margin: correct for it once
            self.viewer._scene_range = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
            self.viewer._update_scene()
            k = self.zoom_scale() / scale
            w, h = w * k, h * k

    # -- edit actions ---------------------------------------------------------------------------
    def delete_selected(self) -> None:
        """Delete the selected nodes, backdrops and notes (one undo step)."""
        ids = self.selected_ids()
        ann: dict[str, list[int]] = {}
        for kind, i in self.selected_annotations():
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

    def copy(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            return False
        # Plain text, not a QMimeData made in Python: PySide6 6.12 lets such an object be freed
        # twice when the application exits (a segfault at exit, reproduced after one copy).
        text = json.dumps({CLIP_KEY: 1, **self.doc.snapshot(ids)})
        QApplication.clipboard().setText(text)
        return True

    def paste(self, at=None) -> list[str]:
        """Paste the clipboard's nodes (offset from where they were copied, or with their top-left
        corner at the scene point ``at``); one undo step."""
        try:
            data = json.loads(QApplication.clipboard().text())
        except ValueError:
            return []
        if not isinstance(data, dict) or not data.pop(CLIP_KEY, None) or "nodes" not in data:
            return []
        offset = (40.0, 40.0)
        ps = [n["pos"] for n in data["nodes"] if isinstance(n, dict) and n.get("pos")]
        if at is not None and ps:
            offset = (float(at[0]) - min(p[0] for p in ps), float(at[1]) - min(p[1] for p in ps))
        ids = self.doc.paste(data, offset)
        self.select(ids)
        return ids

    def can_paste(self) -> bool:
        return f'"{CLIP_KEY}"' in QApplication.clipboard().text()[:64]

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

    def add_backdrop(self, pos=None) -> int:
        """Edit > Add Backdrop (Ctrl+G): around the selected nodes, or at the view's centre."""
        return self.add_annotation("backdrops", pos=pos)

    def add_note(self, pos=None) -> int:
        """Edit > Add Note: a sticky text on the canvas (double-click to edit it)."""
        return self.add_annotation("notes", pos=pos)

    def backdrops_to_ui(self) -> list[dict]:
        """The backdrops as saved (the model keeps them: ``graph.ui["backdrops"]``)."""
        return self.doc.annotations("backdrops")

    # -- context menu ---------------------------------------------------------------------------
    def item_at(self, scene_pt: QPointF) -> tuple[str | None, Any]:
        """What is under a scene point: ("node", id), ("link", Link), ("backdrops"|"notes", index)
        or (None, None) for empty canvas. Nodes and wires win over the backdrops under them."""
        r = 5.0 / max(1e-6, self.viewer.transform().m11())
        found_ann = None
        for it in self.viewer.scene().items(QRectF(scene_pt.x() - r, scene_pt.y() - r, 2 * r, 2 * r)):
            if isinstance(it, PipeItem):
                if isinstance(it, LivePipeItem) or it.input_port is None or it.output_port is None:
                    continue
                link = self._link_of(it.output_port, it.input_port)
                if link is not None and link in self.doc.graph.links:
                    return "link", link
                continue
            top = it
            while top.parentItem() is not None:
                top = top.parentItem()
            nid = getattr(top, "id", None)
            if nid in self._by_view:
                return "node", self._by_view[nid]
            if nid in self._ann_by_view and found_ann is None:
                found_ann = self._ann_by_view[nid]
        if found_ann is not None:
            return found_ann
        return None, None

    def context_menu(self, view_pos: QPoint) -> QMenu:
        """The right-click menu for what is under ``view_pos`` (viewport coordinates). Built
        fresh each time; the viewer shows it with ``popup`` (non-blocking), tests trigger its
        actions (``last_menu``)."""
        scene = self.viewer.mapToScene(view_pos)
        pos = (scene.x(), scene.y())
        what, key = self.item_at(scene)
        menu = QMenu(self.viewer)
        menu.setObjectName("CanvasContextMenu")
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)

        def act(m: QMenu, text: str, slot, tip: str = "", enabled: bool = True, checked: bool | None = None):
            a = m.addAction(text)
            a.triggered.connect(lambda *_: slot())
            a.setEnabled(enabled)
            if tip:
                a.setToolTip(tip)
            if checked is not None:
                a.setCheckable(True)
                a.setChecked(checked)
            return a

        if what == "node":
            if key not in self.selected_ids():
                self.select([key])
            inst = self.doc.graph.nodes[key]
            ids = self.selected_ids()
            many = f" ({len(ids)} nodes)" if len(ids) > 1 else ""
            hooks = self.hooks
            if "run_to" in hooks:
                act(menu, "Run to Here", lambda: hooks["run_to"](key),
                    tip="run this node and what it needs, then show its result")
            menu.addSeparator()
            all_mode = lambda m: all(self.doc.graph.nodes[i].mode == m for i in ids)  # noqa: E731
            act(menu, "Mute" + many, lambda: self.toggle_mode("mute"), "M: the node and what needs it do not run",
                checked=all_mode("mute"))
            act(menu, "Bypass" + many, lambda: self.toggle_mode("bypass"), "B: the node passes its input through",
                checked=all_mode("bypass"))
            menu.addSeparator()
            act(menu, "Rename…", lambda: self.rename_node(key), enabled=len(ids) == 1)
            act(menu, "Duplicate" + many, self.duplicate)
            act(menu, "Copy" + many, self.copy)
            act(menu, "Delete" + many, self.delete_selected)
            menu.addSeparator()
            if "group" in hooks:
                act(menu, "Group Selection…", hooks["group"], "make the selected nodes one group node")
            if inst.subgraph is not None:
                if "edit_group" in hooks:
                    act(menu, "Edit Group…", lambda: hooks["edit_group"](key), "edit inside the group")
                if "ungroup" in hooks:
                    act(menu, "Ungroup", hooks["ungroup"], "put the group's nodes back in its place")
                if "save_group" in hooks:
                    act(menu, "Save Group to Library…", hooks["save_group"])
            elif inst.spec is not None and inst.spec.params:
                pm = menu.addMenu("Presets")
                names = sorted(list_presets(inst.type_id), key=str.lower)
                for name in names:
                    act(pm, name, lambda n=name: self.apply_preset(key, n), "apply (one undo step)")
                if not names:
                    pm.addAction("(no presets)").setEnabled(False)
                pm.addSeparator()
                act(pm, "Save Preset…", lambda: self.save_preset(key), "keep this node's parameters")
        elif what == "link":
            act(menu, "Delete Link", lambda: self.doc.disconnect(key.dst, key.dst_port),
                tip=f"{key.src}.{key.src_port} → {key.dst}.{key.dst_port}")
        elif what in ("backdrops", "notes"):
            self.select_annotations([(what, key)])
            if what == "backdrops":
                act(menu, "Rename Backdrop…", lambda: self.rename_annotation(what, key))
                act(menu, "Fit to Nodes", lambda: self.fit_backdrop(key), "resize around the nodes it touches")
                act(menu, "Delete Backdrop", lambda: self.doc.remove_annotations(what, [key]),
                    "delete the backdrop only: its nodes stay")
            else:
                act(menu, "Edit Note…", lambda: self.rename_annotation(what, key))
                act(menu, "Delete Note", lambda: self.doc.remove_annotations(what, [key]))
        else:
            view_pt = QPoint(view_pos)
            act(menu, "Add Node…", lambda: self.search.open_at(view_pt, scene), "search node types (Tab)")
            add = menu.addMenu("Add")
            cats: dict[str, QMenu] = {}
            for spec in sorted(self.search.specs, key=lambda s: (s.category.lower(), s.title.lower())):
                cm = cats.get(spec.category) or cats.setdefault(spec.category, add.addMenu(spec.category))
                act(cm, spec.title, lambda t=spec.id: self.add_node_at(t, pos), spec.help)
            act(menu, "Paste", lambda: self.paste(at=pos), "paste the copied nodes here", enabled=self.can_paste())
            menu.addSeparator()
            act(menu, "Add Backdrop", lambda: self.add_annotation("backdrops", pos=list(pos)))
            act(menu, "Add Note", lambda: self.add_annotation("notes", pos=list(pos)))
            menu.addSeparator()
            act(menu, "Fit Graph", self.fit_all)
        menu.triggered.connect(lambda *_: menu.close())
        self.last_menu = menu
        return menu

    def rename_node(self, nid: str) -> bool:
        inst = self.doc.graph.nodes[nid]
        name = self.ask_text("Rename node", "Title:", inst.label)
        if name is None:
            return False
        default = inst.spec.title if inst.spec else inst.type_id
        return self._try_set_title(nid, None if name == default else name)

    def _try_set_title(self, nid: str, title: str | None) -> bool:
        try:
            self.doc.set_title(nid, title)
        except StudioError as e:
            self.message.emit(f"rename refused: {e}")
            return False
        return True

    def apply_preset(self, nid: str, name: str) -> bool:
        try:
            self.doc.apply_preset(nid, name)
        except StudioError as e:
            self.message.emit(str(e))
            return False
        self.info.emit(f"applied preset '{name}' to {self.doc.graph.nodes[nid].label}")
        return True

    def save_preset(self, nid: str) -> str | None:
        name = self.ask_text("Save preset", "Preset name:", "my preset")
        if not name:
            return None
        try:
            self.doc.save_preset(nid, name)
        except StudioError as e:
            self.message.emit(str(e))
            return None
        self.info.emit(f"saved preset '{name}' for {self.doc.graph.nodes[nid].label}")
        return name


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
