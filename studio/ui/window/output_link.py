"""The status bar's word on where a run's files went (issue 25, point 11: that was only in the Log
tab): "wrote demo.mp4 in ~/Documents/Studio/out" as a link (issue 48: the folder was not named);
a click opens that folder in the desktop's file browser, or, when no launcher does, the file in the viewer (dialogs/open_output.py). A frame
sequence is named by its pattern (comp.####.exr) and opens its folder too."""
from __future__ import annotations

import os

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel

from studio.ui.text import escape_html, short_folder
from studio.ui.dialogs.open_output import open_or_view


class OutputLink(QLabel):
    """"wrote NAME in FOLDER" (+ how many more) after a run; click: open the folder. Empty otherwise."""
    opened = Signal(str)  # the folder asked for

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("run-output")
        self.setTextFormat(Qt.RichText)
        self.setCursor(Qt.PointingHandCursor)
        self.paths: list[str] = []
        self.parts: tuple[str, str, str] = ("", "", "")  # (file name, '+N more', folder): drawn to the room
        self.opener = lambda p: open_or_view(self.window(), p, folder=True)  # tests replace it

    def set_outputs(self, paths: list[str]) -> None:
        self.paths = list(dict.fromkeys(paths))
        if not self.paths:
            self.clear()
            return
        first = self.paths[0]
        more = f" (+{len(self.paths) - 1} more)" if len(self.paths) > 1 else ""
        folder = first if os.path.isdir(first) else os.path.dirname(os.path.abspath(first))
        self.parts = (os.path.basename(first) or first, more, short_folder(folder))
        self._fit()
        self.setToolTip("click to open the folder (in the viewer when the desktop cannot)\n" + "\n".join(self.paths))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Room for 'wrote NAME' at least, not the whole line: a long folder is cut at the right
        (whole in the tooltip) rather than widen the window past the screen (issue 61)."""
        s = super().minimumSizeHint()
        return QSize(min(s.width(), 140), s.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """The whole line's width (not the cut one shown), up to 30% of the window."""
        s = super().sizeHint()
        name, more, folder = self.parts
        want = self.fontMetrics().horizontalAdvance(f"wrote {name}{more} in {folder}") + 8 if self.paths else s.width()
        win = self.window()
        cap = int(win.width() * 0.3) if win is not None and win is not self else 300
        return QSize(min(want, max(140, cap)), s.height())

    def _fit(self) -> None:
        """The line cut at its END to the room it has, with '…' (issue 104's walk read
        'wrote text_to_video_pretrained.preview.m', the name cut with no sign of it): the folder gives way
        first, then the name."""
        name, more, folder = self.parts
        fm, room = self.fontMetrics(), max(40, self.contentsRect().width() - 2)
        link = "<span style='color:#8ab4f8; text-decoration:underline'>{}</span>"
        head = f"wrote {name}{more}"
        if fm.horizontalAdvance(f"{head} in {folder}") > room and fm.horizontalAdvance(head) <= room:
            folder = fm.elidedText(folder, Qt.ElideRight, room - fm.horizontalAdvance(f"{head} in "))
        elif fm.horizontalAdvance(head) > room:  # not even the name: the name cut at its end, no folder
            name, more, folder = fm.elidedText(name, Qt.ElideRight, room - fm.horizontalAdvance("wrote ")), "", ""
        self.setText(f"wrote {link.format(escape_html(name))}{more}"
                     + (f" in {link.format(escape_html(folder))}" if folder and folder != "…" else ""))

    def resizeEvent(self, e) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(e)
        if self.paths:
            self._fit()

    def clear(self) -> None:
        self.paths = []
        super().clear()
        self.setToolTip("")

    def _open(self) -> None:
        if not self.paths:
            return
        first = self.paths[0]
        folder = first if os.path.isdir(first) else os.path.dirname(first)
        self.opener(first)
        self.opened.emit(folder)

    def mouseReleaseEvent(self, e):  # noqa: N802 - a click anywhere on it, not only on the name
        super().mouseReleaseEvent(e)
        if e.button() == Qt.LeftButton and self.paths:
            self._open()
