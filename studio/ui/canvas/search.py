"""Tab search: ranking node types for typed text, and the popup listing them."""
from __future__ import annotations

import json
import re

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from studio.core.spec import NodeSpec
from studio.core.assets import TEMPLATES_DIR


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
        folder = str(TEMPLATES_DIR)
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
    title word starting with it, then the query inside the title, then in the id, category or the
    node's keywords ('roto', 'retime'), then in its help (every word must match somewhere). Among equals, output and input nodes come first, then titles
    alphabetically: "save" gives Save Video before Save Flow."""
    words = text.lower().split()
    if not words:
        return sorted(specs, key=lambda s: (s.category.lower(), s.title.lower()))
    q = " ".join(words)
    usage = template_usage()
    scored = []
    for s in specs:
        title = s.title.lower()
        keywords = " ".join(getattr(s, "keywords", ()))
        hay = f"{title} {s.id} {s.category} {keywords} {s.help}".lower()
        if not all(w in hay for w in words):
            continue
        twords = re.split(r"[^a-z0-9]+", title)
        if title.startswith(q):
            rank = 0
        elif all(any(t.startswith(w) for t in twords) for w in words):
            rank = 1
        elif all(w in title for w in words):
            rank = 2
        elif all(w in f"{title} {s.id} {s.category} {keywords}".lower() for w in words):
            rank = 3
        else:
            rank = 4
        common = 0 if (getattr(s, "is_output", False) or s.category in COMMON_CATEGORIES) else 1
        scored.append((rank, common, -usage.get(s.id, 0), title, s))
    return [t[-1] for t in sorted(scored, key=lambda t: t[:4])]


class NodeSearchPopup(QFrame):
    """Tab: a search field and a list of node types; Enter adds the first (or chosen) match.
    Opened for a dropped wire (``open_at(..., specs=...)``) it lists only the types given."""
    chosen = Signal(str, QPointF)

    def __init__(self, specs: list[NodeSpec], parent):
        super().__init__(parent)
        self.setObjectName("NodeSearchPopup")
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self.specs = specs
        self.shown_specs = specs  # what this opening lists: all, or those that fit a dropped wire
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

    def open_at(self, view_pos: QPoint, scene_pos: QPointF, specs: list[NodeSpec] | None = None,
                hint: str = "search nodes…") -> None:
        """Open at the cursor, wide enough for its longest entry and wholly inside the canvas
        (issue 25: entries were cut at the canvas' right edge), listing ``specs`` (all when None)."""
        self.scene_pos = scene_pos
        self.shown_specs = self.specs if specs is None else specs
        self.field.setPlaceholderText(hint)
        p = self.parentWidget()
        self.field.clear()
        self._filter("")
        fm = self.list.fontMetrics()
        longest = max((fm.horizontalAdvance(self.list.item(i).text()) for i in range(self.list.count())), default=0)
        extra = self.list.verticalScrollBar().sizeHint().width() + 24
        self.resize(max(60, min(max(260, longest + extra), p.width() - 8)), max(80, min(300, p.height() - 8)))
        x = max(0, min(view_pos.x(), p.width() - self.width()))
        y = max(0, min(view_pos.y(), p.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.field.setFocus()

    def _filter(self, text: str) -> None:
        self.list.clear()
        for s in rank_specs(self.shown_specs, text):
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
