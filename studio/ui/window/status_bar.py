"""The window's status bar: a message longer than the room beside the permanent labels is cut in
its middle (the node's name at its start and the cause at its end stay; a path is what is cut),
never at its end, the whole message in the bar's tooltip (and in the Log, where the window logs
it). ``currentMessage`` is the whole message."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStatusBar, QStyle, QStyleOption, QWidget


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self._whole = ""
        self.messageChanged.connect(self._changed)

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def room(self) -> int:
        """Pixels the message has: the bar less its shown permanent labels, their spacing and grip."""
        taken = sum(w.sizeHint().width() + 12 for w in self._permanent if w.isVisible())
        return max(60, self.width() - taken - 40)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        shown = self.fontMetrics().elidedText(text, Qt.ElideMiddle, self.room())
        self._whole = text
        super().showMessage(shown, timeout)
        self.setToolTip(text if shown != text else "")

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        shown = super().currentMessage()
        return self._whole if shown and self._whole else shown

    def _changed(self, shown: str) -> None:
        if not shown:  # cleared, or timed out
            self._whole = ""
            self.setToolTip("")


class ElidedLabel(QLabel):
    """A status-bar label whose text, when longer than its room, is shown cut in its middle
    (``text()`` stays whole; the tooltip says it all): a long verdict ('✗ … not found: looked in
    /a/long/path') no longer widens the window past the screen."""

    MAX_SHARE = 0.45  # of the window's width, at the most

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        s = super().sizeHint()
        win = self.window()
        cap = int(win.width() * self.MAX_SHARE) if win is not None and win is not self else 400
        return QSize(min(s.width(), max(80, cap)), s.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        s = super().minimumSizeHint()
        return QSize(min(s.width(), 60), s.height())

    def shown_text(self) -> str:
        """The text as painted: cut in its middle to the label's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.ElideMiddle, self.contentsRect().width())

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PE_Widget, opt, p, self)  # the style sheet's background
        self.style().drawItemText(p, self.contentsRect(), int(self.alignment() | Qt.AlignVCenter), self.palette(),
                                  self.isEnabled(), self.shown_text(), self.foregroundRole())
        p.end()
