"""The node palette: node types by category with a search field. Drag an entry onto the canvas
(or double-click it) to add that node."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from studio.core.registry import Registry

from .canvas import NODE_MIME

TYPE_ROLE = Qt.UserRole + 1


class _Tree(QTreeWidget):
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
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("search nodes…")
        self.search.setClearButtonEnabled(True)
        self.tree = _Tree(self)
        self.tree.setHeaderHidden(True)
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
                it.setToolTip(0, f"<b>{s.title}</b> <i>{s.id}</i><br>{s.help}")
                self.items[s.id] = it
            top.setExpanded(True)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.itemActivated.connect(self._activate)

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            any_shown = False
            for k in range(top.childCount()):
                it = top.child(k)
                hay = f"{it.text(0)} {it.data(0, TYPE_ROLE)} {top.text(0)} {it.toolTip(0)}".lower()
                show = all(w in hay for w in words)
                it.setHidden(not show)
                any_shown |= show
            top.setHidden(not any_shown)
            if words:
                top.setExpanded(True)

    def visible_types(self) -> list[str]:
        return [t for t, it in self.items.items() if not it.isHidden() and not it.parent().isHidden()]

    def _activate(self, item, _col=0) -> None:
        t = item.data(0, TYPE_ROLE)
        if t:
            self.activated.emit(t)

    def _activate_first(self) -> None:
        vis = self.visible_types()
        if vis:
            self.activated.emit(vis[0])
