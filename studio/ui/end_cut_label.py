"""A one-line label that takes no width of its own: its text cut at its END to the room it gets, with
'…', whole in its tooltip. A plain QLabel given no width of its own (so a long line cannot widen a dock,
and so the window, past a 1024-wide screen) clips its text mid-word with no sign of it (issue 104's walk:
the Queue dock's count and the timeline's message)."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class EndCutLabel(QLabel):
    """``room``: the width it asks for whatever its text (given before a neighbour that takes the rest; less where
    the bar has less), else none: it takes what it is given."""

    def __init__(self, text: str = "", parent=None, room: int = 0):
        super().__init__(text, parent)
        self.room = room
        self.setSizePolicy(QSizePolicy.Preferred if room else QSizePolicy.Ignored, QSizePolicy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.room, super().sizeHint().height()) if self.room else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, super().minimumSizeHint().height()) if self.room else super().minimumSizeHint()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def shown_text(self) -> str:
        """The text as painted: its start, cut at the end to the label's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.ElideRight, self.contentsRect().width())

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(self.contentsRect(), int(self.alignment() | Qt.AlignVCenter), self.shown_text())
        p.end()
