"""Copy, paste and duplicate on the canvas."""
from __future__ import annotations

from typing import TYPE_CHECKING

import json

from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from studio.ui.canvas.items import CLIP_KEY

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


class Clipboard:
    """Copy, paste and duplicate of canvas nodes (plain JSON text on the system clipboard)."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas

    def copy(self) -> bool:
        ids = self.canvas.selected_ids()
        if not ids:
            return False
        # Plain text, not a QMimeData made in Python: PySide6 6.12 lets such an object be freed
        # twice when the application exits (a segfault at exit, reproduced after one copy).
        text = json.dumps({CLIP_KEY: 1, **self.canvas.doc.snapshot(ids)})
        QApplication.clipboard().setText(text)
        return True

    def paste(self, at=None) -> list[str]:
        """Paste the clipboard's nodes (offset from where they were copied, or with their top-left
        corner at the scene point ``at``); one undo step."""
        try:
            data = json.loads(QApplication.clipboard().text())
        except ValueError:
            return []
        if not isinstance(data, dict) or not data.pop(CLIP_KEY, None) or "nodes" not in data:
            return []
        offset = (40.0, 40.0)
        ps = [n["pos"] for n in data["nodes"] if isinstance(n, dict) and n.get("pos")]
        if at is not None and ps:
            offset = (float(at[0]) - min(p[0] for p in ps), float(at[1]) - min(p[1] for p in ps))
        ids = self.canvas.doc.paste(data, offset)
        self.canvas.select(ids)
        return ids

    def paste_at_cursor(self) -> list[str]:
        """Ctrl+V: the clipboard's nodes with their top-left corner at the mouse when it is over
        the canvas, else at the middle of the view (issue 48: they landed on the originals)."""
        vp = self.canvas.view.viewport()
        at = vp.mapFromGlobal(QCursor.pos())
        if not vp.rect().contains(at):
            at = vp.rect().center()
        p = self.canvas.view.mapToScene(at)
        return self.paste(at=(p.x(), p.y()))

    def can_paste(self) -> bool:
        return f'"{CLIP_KEY}"' in QApplication.clipboard().text()[:64]

    def duplicate(self) -> list[str]:
        ids = self.canvas.selected_ids()
        if not ids:
            return []
        new = self.canvas.doc.paste(self.canvas.doc.snapshot(ids))
        self.canvas.select(new)
        return new
