"""The node palette: node types by category with a search field. Drag an entry onto the canvas
(or double-click it) to add that node. The "Library" category lists the sub-graphs the user saved
(``studio.core.library``); their entries carry ``library:<path>`` instead of a node type id."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (QLineEdit, QStyledItemDelegate, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from studio.core.errors import StudioError
from studio.core.library import list_subgraphs, read_subgraph
from studio.core.registry import Registry

from studio.ui.canvas.items import LIBRARY_PREFIX, NODE_MIME
from studio.ui.canvas.search import rank_specs

TYPE_ROLE = Qt.UserRole + 1
KEYWORDS_ROLE = Qt.UserRole + 2  # the node type's keywords (NodeSpec.keywords): found by the filter
LIBRARY = "Library"


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their name wrapped at words in the dock's width (Qt's tree views do not
    measure wrapped text by themselves)."""

    def sizeHint(self, option, index):  # noqa: N802 - Qt's name
        tree, depth, p = self.parent(), 1, index.parent()
        while p.isValid():
            depth, p = depth + 1, p.parent()
        width = max(40, tree.viewport().width() - tree.indentation() * depth - 8)
        fm = option.fontMetrics
        text = fm.boundingRect(QRect(0, 0, width, 10_000), Qt.TextWordWrap, str(index.data() or ""))
        return QSize(width, max(text.height(), fm.height()) + 2)


class _Tree(QTreeWidget):
    def resizeEvent(self, e):  # noqa: N802 - Qt's name: wrapped rows change height with the width
        super().resizeEvent(e)
        self.doItemsLayout()

    def mimeTypes(self):  # noqa: N802 - Qt's name
        return [NODE_MIME, "text/plain"]

    def mimeData(self, items):  # noqa: N802
        type_ids = [it.data(0, TYPE_ROLE) for it in items if it.data(0, TYPE_ROLE)]
        md = QMimeData()
        if type_ids:
            md.setData(NODE_MIME, type_ids[0].encode())
            md.setText("studio-node:" + type_ids[0])
        return md


class NodePalette(QWidget):
    activated = Signal(str)  # a node type id (double-click / Enter)

    def __init__(self, registry: Registry, parent=None):
        super().__init__(parent)
        self.registry = registry
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("search nodes…")
        self.search.setClearButtonEnabled(True)
        self.tree = _Tree(self)
        self.tree.setHeaderHidden(True)
        # names read whole in a narrow dock (issue 48: "Keypoints t…" at 1024x700): a small indent,
        # and a name longer than the dock's width wraps at a word instead of being cut
        self.tree.setIndentation(12)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.ElideNone)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QTreeWidget.DragOnly)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        self.items: dict[str, QTreeWidgetItem] = {}
        for cat, specs in registry.categories().items():
            if cat == "Groups":
                continue
            top = QTreeWidgetItem(self.tree, [cat])
            top.setFlags(top.flags() & ~Qt.ItemIsDragEnabled)
            for s in specs:
                it = QTreeWidgetItem(top, [s.title])
                it.setData(0, TYPE_ROLE, s.id)
                it.setData(0, KEYWORDS_ROLE, " ".join(s.keywords))
                it.setToolTip(0, f"<b>{s.title}</b> <i>{s.id}</i><br>{s.help}")
                self.items[s.id] = it
            top.setExpanded(True)
        self.library_item = QTreeWidgetItem(self.tree, [LIBRARY])
        self.library_item.setFlags(self.library_item.flags() & ~Qt.ItemIsDragEnabled)
        self.library_item.setToolTip(0, "your saved groups (Edit > Save Group to Library)")
        self.refresh_library()
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemActivated.connect(self._activate)

    def refresh_library(self) -> None:
        """Re-read the user's library folder (after a group was saved there)."""
        for k in [k for k in self.items if k.startswith(LIBRARY_PREFIX)]:
            del self.items[k]
        self.library_item.takeChildren()
        try:
            entries = list_subgraphs()
        except (OSError, StudioError):
            entries = []
        for name, path in entries:
            key = LIBRARY_PREFIX + path
            it = QTreeWidgetItem(self.library_item, [name])
            it.setData(0, TYPE_ROLE, key)
            try:
                _, inner, _, _, desc = read_subgraph(path, self.registry)
                tip = f"<b>{name}</b> <i>group of {len(inner.nodes)} nodes</i>" + (f"<br>{desc}" if desc else "")
            except StudioError as e:
                tip = f"<b>{name}</b><br><span style='color:#ff6e6e'>{e}</span>"
                it.setDisabled(True)
            it.setToolTip(0, tip + f"<br><span style='color:#888'>{path}</span>")
            self.items[key] = it
        self.library_item.setExpanded(True)
        self.library_item.setHidden(False)
        if self.search.text():
            self.filter(self.search.text())

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            any_shown = False
            for k in range(top.childCount()):
                it = top.child(k)
                hay = (f"{it.text(0)} {it.data(0, TYPE_ROLE)} {top.text(0)} {it.data(0, KEYWORDS_ROLE) or ''} "
                       f"{it.toolTip(0)}").lower()
                show = all(w in hay for w in words)
                it.setHidden(not show)
                any_shown |= show
            top.setHidden(not any_shown and (bool(words) or top is not self.library_item))
            if words:
                top.setExpanded(True)

    def visible_types(self) -> list[str]:
        return [t for t, it in self.items.items() if not it.isHidden() and not it.parent().isHidden()]

    def _activate(self, item, _col=0) -> None:
        t = item.data(0, TYPE_ROLE)
        if t:
            self.activated.emit(t)

    def _activate_first(self) -> None:
        """Enter in the search field adds the most relevant match, ranked as the canvas' Tab search ranks
        (a title starting with the query first: "Scale" gives Scale, not the first category's match whose
        help mentions scaling); a library entry only where no node type matches."""
        vis = self.visible_types()
        ranked = rank_specs([self.registry.get(t) for t in vis if t in self.registry], self.search.text())
        if ranked or vis:
            self.activated.emit(ranked[0].id if ranked else vis[0])
