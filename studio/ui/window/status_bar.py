"""The window's status bar, read the way Resolve's and Nuke's are: a message longer than the room
beside the permanent labels shows its start and is cut at its END (the node's name and the first
words of the cause read; never a cut in the middle), the whole message in the bar's tooltip and in
the Log; a click on the message opens the Log at its line. ``currentMessage`` is the whole message."""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStatusBar, QStyle, QStyleOption, QWidget

CLICK_HINT = "(click: the whole message in the Log)"


class StatusBar(QStatusBar):
    message_clicked = Signal(str)  # the whole message under the click (the window opens the Log there)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self._whole = ""
        self._until = 0.0  # when the message shown goes (0: it stays)
        self.to_log: Callable[[str], None] | None = None  # puts a message in the Log unless it is there
        self.messageChanged.connect(self._changed)

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        self._permanent.append(widget)
        widget.installEventFilter(self)  # its room changing cuts the message again (_fit)
        super().addPermanentWidget(widget, stretch)

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt's name
        if ev.type() in (QEvent.Resize, QEvent.Show, QEvent.Hide):
            QTimer.singleShot(0, self, self._fit)  # with the bar as context: never after it is gone
        return super().eventFilter(obj, ev)

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self._fit)  # with the bar as context: never after it is gone

    def _fit(self) -> None:
        """The message shown cut again to the room it has now: seen under Xvfb, 'zoomed to read the titles: F (Fit
        Graph) shows the who' (cut for the room it had, then a run's verdict took some: clipped mid-word, no '…')."""
        shown = super().currentMessage()
        if not shown or not self._whole:
            return
        fitted = self.fontMetrics().elidedText(" ".join(self._whole.split()), Qt.ElideRight, self.room())
        if fitted != shown:
            left = int((self._until - time.monotonic()) * 1000) if self._until else 0
            if self._until and left <= 0:
                return  # about to go
            super().showMessage(fitted, left)

    def room(self) -> int:
        """Pixels the message has: the bar less its shown permanent labels, their spacing and grip."""
        taken = sum(w.sizeHint().width() + 12 for w in self._permanent if w.isVisible())
        return max(60, self.width() - taken - 40)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        one_line = " ".join(str(text).split())
        shown = self.fontMetrics().elidedText(one_line, Qt.ElideRight, self.room())
        self._whole = str(text)
        self._until = time.monotonic() + timeout / 1000 if timeout > 0 else 0.0
        if self.to_log is not None and one_line:
            self.to_log(self._whole)
        super().showMessage(shown, timeout)
        self.setToolTip(f"{self._whole}\n{CLICK_HINT}" if one_line else "")

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        shown = super().currentMessage()
        return self._whole if shown and self._whole else shown

    def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        if ev.button() == Qt.LeftButton and self.currentMessage():
            self.message_clicked.emit(self.currentMessage())
            ev.accept()
            return
        super().mousePressEvent(ev)

    def _changed(self, shown: str) -> None:
        if not shown:  # cleared, or timed out
            self._whole = ""
            self.setToolTip("")


class ElidedLabel(QLabel):
    """A status-bar label whose text, when longer than its room, shows its start cut at the end
    (``text()`` stays whole; the tooltip says it all): a long verdict ('✗ … not found: looked in
    /a/long/path') no longer widens the window past the screen, and reads from its first word."""

    MAX_SHARE = 0.45  # of the window's width, at the most
    clicked = Signal(str)  # its whole text (the window opens the Log at its line)

    def mousePressEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        if ev.button() == Qt.LeftButton and self.text().strip():
            self.clicked.emit(self.text().strip())
            ev.accept()
            return
        super().mousePressEvent(ev)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        s = super().sizeHint()
        win = self.window()
        cap = int(win.width() * self.MAX_SHARE) if win is not None and win is not self else 400
        return QSize(min(s.width(), max(80, cap)), s.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        s = super().minimumSizeHint()
        return QSize(min(s.width(), 60), s.height())

    def shown_text(self) -> str:
        """The text as painted: its start, cut at the end to the label's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.ElideRight, self.contentsRect().width())

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PE_Widget, opt, p, self)  # the style sheet's background
        self.style().drawItemText(p, self.contentsRect(), int(self.alignment() | Qt.AlignVCenter), self.palette(),
                                  self.isEnabled(), self.shown_text(), self.foregroundRole())
        p.end()
