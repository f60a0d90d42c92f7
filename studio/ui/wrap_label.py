"""A label of several lines that takes no width of its own: its text wraps to the room the panel gives it, a long
path too, broken after its separators. A word-wrapping QLabel still asks for the width of its longest word, so a
long error path in Properties widened the right-hand docks at 1024x700, and they stayed wide when it went
(issue 104's walk)."""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel


class WrapLabel(QLabel):
    """Word-wrapped; no width asked for (the panel's width decides): give it text through text.breakable."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._known: tuple = (None, {})  # (text, font, format, margins), {width: its height}: each ask lays rich text out

    def _height(self) -> int:
        """The height its lines take at the width it has (a dock that does not ask its widgets' height for a width
        would give it the height of fewer, longer lines: the path's end cut off). Kept for its text, width and font:
        selecting a node of four warnings asked 26 times, each a rich text laid out (5-15 ms of the stall, issue 116)."""
        w = self.width()
        if w <= 0 or not self.hasHeightForWidth():
            return super().sizeHint().height()
        return self.heightForWidth(w)

    def heightForWidth(self, w: int) -> int:  # noqa: N802 - Qt's name; its layouts ask too, several times a turn
        key = (self.text(), self.font().key(), self.textFormat(), self.contentsMargins().top())
        if self._known[0] != key:
            self._known = (key, {})
        heights = self._known[1]
        if w not in heights:
            if len(heights) > 16:
                heights.clear()
            heights[w] = super().heightForWidth(w)
        return heights[w]

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self._height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name: no width asked for
        return QSize(0, self._height())

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(e)
        if e.oldSize().width() != e.size().width():
            self.updateGeometry()  # its height for the new width
