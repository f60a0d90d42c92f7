"""Labels drawn over the viewer's picture, each in its corner: the pixel readout (bottom left) and the
PREVIEW mark of a clip made at 'preview size' (top right)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class Overlay(QLabel):
    """A label drawn over a corner of the picture while it has text (a row of its own cost a small
    viewer 17 px of picture); it follows the viewer's size and lets the mouse through."""

    def __init__(self, host: QWidget):
        super().__init__(host)
        self.host = host
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setContentsMargins(6, 1, 6, 1)
        self.setStyleSheet("background: rgba(20, 20, 22, 190); color: #ddd; border-radius: 3px")
        host.installEventFilter(self)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))
        if text:
            self.setMaximumWidth(max(40, self.host.width() - 8))
            self.adjustSize()
            self._place()

    def eventFilter(self, obj, ev):  # noqa: N802
        from PySide6.QtCore import QEvent
        if obj is self.host and ev.type() == QEvent.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        raise NotImplementedError


class Readout(Overlay):
    """The pixel readout under the cursor, over the bottom left of the picture while there is
    something to read."""

    def _place(self) -> None:
        self.move(4, max(0, self.host.height() - self.height() - 4))
        self.raise_()


class PreviewMark(Overlay):
    """PREVIEW in the viewer's own top right corner while the clip shown was made at 'preview size'
    (studio/engine/previews.py): the title's '[PREVIEW: …]' was cut off in a 1024-wide window (issue
    104's walk), leaving only a tooltip to say it. Its tooltip says which node made it small."""

    WORD = "PREVIEW"

    def __init__(self, host: QWidget):
        super().__init__(host)
        self.setStyleSheet("background: rgba(200, 150, 40, 225); color: #111; font-weight: bold; border-radius: 3px")

    def set_mark(self, how: str) -> None:
        """``how``: how the clip is a preview ('' : it is not)."""
        self.setToolTip(f"a preview, not the final: {how} (set 'preview size' to off, or the toolbar's "
                        "Preview button, for the full size)" if how else "")
        self.setText(self.WORD if how else "")

    def _place(self) -> None:
        self.move(max(0, self.host.width() - self.width() - 4), 4)
        self.raise_()
