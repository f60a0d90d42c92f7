"""A panel's notes (a node's title and help, what it will not do as set, its time before a run) that scroll
inside a bounded height: a node with many long warnings (a converted Wan 2.2 workflow's Load Video Model, four
files not found) made the Properties dock ask for 526 px and the window grew from 681 to 863 px at 1024x700,
its Log, tabs and status bar off the screen (issue 116). Here the notes ask for at most ``max_lines`` lines and
need only ``min_lines`` of them; the rest scrolls."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget


class NotesArea(QScrollArea):
    """A vertical stack of labels (``add``) in a scroll area no taller than ``max_lines`` lines of text."""

    def __init__(self, parent=None, max_lines: int = 9, min_lines: int = 3):
        super().__init__(parent)
        self.max_lines, self.min_lines = max_lines, min_lines
        self.setFrameShape(QFrame.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # the labels wrap instead
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)  # never taller than its hint
        self.inner = QWidget(self)
        self.stack = QVBoxLayout(self.inner)
        self.stack.setContentsMargins(0, 0, 0, 0)
        self.stack.setSpacing(2)
        self.setWidget(self.inner)
        self.inner.installEventFilter(self)

    def add(self, label: QWidget) -> QWidget:
        self.stack.addWidget(label)
        label.installEventFilter(self)  # shown, hidden or given new text: the area's height follows
        return label

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt's name
        if ev.type() in (QEvent.LayoutRequest, QEvent.Show, QEvent.Hide, QEvent.Resize):
            self.updateGeometry()
        # the scroll area's own filter is for its inner widget (a label's events are not its business)
        return super().eventFilter(obj, ev) if obj is self.inner else False

    def content_height(self) -> int:
        """The height the labels shown take at the width they have."""
        lay = self.stack
        shown = [lay.itemAt(i).widget() for i in range(lay.count())]
        shown = [w for w in shown if w is not None and not w.isHidden()]
        return sum(w.sizeHint().height() for w in shown) + lay.spacing() * max(0, len(shown) - 1)

    def _cap(self, lines: int) -> int:
        return lines * self.fontMetrics().lineSpacing() + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name: no width asked for, at most max_lines high
        return QSize(0, min(self.content_height(), self._cap(self.max_lines)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, min(self.content_height(), self._cap(self.min_lines)))

    def scrolls(self) -> bool:
        """Whether its notes are more than it shows (the rest is a scroll away)."""
        return self.content_height() > self.viewport().height()
