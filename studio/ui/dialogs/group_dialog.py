"""Edit > Group Selection: the dialog that names the new group and chooses which parameters of
its nodes the group shows (its ports are the links that cross the selection)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout)

from studio.core.graph import Graph
from studio.ui.text import shorten
from studio.ui.dialogs.sizing import resize_fitted
from studio.ui.whole_text import follow

PARAM_ROLE = Qt.UserRole + 1


def crossing_ports(graph: Graph, ids: list[str]) -> tuple[list[str], list[str]]:
    """The group's future inputs and outputs ("node.port"), as group_nodes will make them."""
    s = set(ids)
    ins = sorted({f"{l.dst_port} ({graph.nodes[l.dst].label})" for l in graph.links if l.dst in s and l.src not in s})
    outs = sorted({f"{l.src_port} ({graph.nodes[l.src].label})" for l in graph.links if l.src in s and l.dst not in s})
    return ins, outs


class GroupDialog(QDialog):
    """Title of the group and a checkable tree: node > parameter. Checked parameters are exposed
    on the group node (editable from its properties panel); the others stay as they are inside."""

    def __init__(self, graph: Graph, ids: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Group Selection")
        self.graph, self.ids = graph, [i for i in graph.nodes if i in set(ids)]
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.title_edit = follow(QLineEdit("Group", self))  # a long title typed: whole in its tooltip
        self.title_edit.selectAll()
        form.addRow("Title", self.title_edit)
        ins, outs = crossing_ports(graph, self.ids)
        self.ports_label = QLabel(f"inputs: {', '.join(ins) or 'none'}<br>outputs: "
                                  f"{', '.join(outs) or 'those of the last node'}", self)
        self.ports_label.setWordWrap(True)
        form.addRow("Ports", self.ports_label)
        lay.addLayout(form)
        lay.addWidget(QLabel("Parameters to show on the group:", self))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Parameter", "Value"])
        self.items: dict[tuple[str, str], QTreeWidgetItem] = {}
        for nid in self.ids:
            n = graph.nodes[nid]
            if n.spec is None or not n.spec.params:
                continue
            top = QTreeWidgetItem(self.tree, [f"{n.label}  ({nid})", ""])
            top.setFlags(top.flags() & ~Qt.ItemIsUserCheckable)
            for p in n.spec.params:
                it = QTreeWidgetItem(top, [p.title, shorten(n.params.get(p.name, p.default), 40)])
                it.setFlags(it.flags() | Qt.ItemIsUserCheckable)
                it.setCheckState(0, Qt.Unchecked)
                it.setData(0, PARAM_ROLE, (nid, p.name))
                it.setToolTip(0, p.help or p.name)
                self.items[(nid, p.name)] = it
            top.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        lay.addWidget(self.tree, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Group")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        resize_fitted(self, 480, 520, margin=40)

    def title(self) -> str:
        return self.title_edit.text().strip() or "Group"

    def exposed(self) -> list[tuple[str, str]]:
        """(inner node id, parameter) of every checked parameter, in the order shown."""
        return [k for k, it in self.items.items() if it.checkState(0) == Qt.Checked]



class GroupEditor(QDialog):
    """Edit inside a group: its inner graph on a canvas of its own with a properties panel and
    its own undo history; a breadcrumb says where you are. OK puts the result back into the
    group as one undo step of the outer graph; Cancel leaves it untouched."""

    def __init__(self, outer: Graph, group_id: str, parent=None, crumbs: str = "Graph"):
        from PySide6.QtGui import QKeySequence
        from PySide6.QtWidgets import QSplitter

        from studio.ui.canvas.canvas import Canvas
        from studio.ui.document.document import Document
        from studio.ui.panels.properties import PropertiesPanel

        super().__init__(parent)
        grp = outer.node(group_id)
        self.group_id = group_id
        self.setWindowTitle(f"Edit group: {grp.label}")
        inner = grp.subgraph.copy()
        inner.base_dir = outer.base_dir  # relative media paths inside resolve as outside
        for e in grp.raw.get("io", {}).get("params", []):  # what the group shows is what you edit
            if e["name"] in grp.params and e["node"] in inner.nodes:
                inner.nodes[e["node"]].params[e["param"]] = grp.params[e["name"]]
        self.doc = Document(inner, self)
        lay = QVBoxLayout(self)
        self.breadcrumb = QLabel(f"{crumbs}  ›  <b>{grp.label}</b>  <span style='color:#888'>(group {group_id}; "
                                 "Ctrl+Z undoes inside; OK applies it as one step)</span>", self)
        self.breadcrumb.setToolTip(f"{crumbs} › {grp.label} (group {group_id})")  # a long name cut: whole here
        lay.addWidget(self.breadcrumb)
        split = QSplitter(Qt.Horizontal, self)
        self.canvas = Canvas(self.doc, self)
        self.properties = PropertiesPanel(self.doc, self)
        split.addWidget(self.canvas.widget)
        split.addWidget(self.properties)
        split.setSizes([700, 300])
        lay.addWidget(split, 1)
        self.canvas.selection_changed.connect(lambda ids: self.properties.show_node(ids[0] if len(ids) == 1 else None))
        self.undo_action = self.doc.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.doc.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.delete_action = self._canvas_action(QKeySequence.Delete, self.canvas.delete_selected)
        for a in (self.undo_action, self.redo_action):
            self.addAction(a)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        resize_fitted(self, 1000, 640, margin=40)

    def _canvas_action(self, key, slot):
        from PySide6.QtGui import QAction
        a = QAction(self)
        a.setShortcut(key)
        a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        a.triggered.connect(lambda *_: slot())
        self.canvas.widget.addAction(a)
        return a

    def showEvent(self, e):  # noqa: N802
        super().showEvent(e)
        self.canvas.fit_all()

    def result_graph(self) -> Graph:
        """The edited inner graph (a copy, with the canvas' layout)."""
        return self.doc.graph.copy()
