"""How a stale picture looks: dimmed and hatched, with a word on it (issue 48, item 11: the last
run's clip looked valid while a new run was making another). One look for the viewer and the
timeline."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter

STALE_WORD = "stale — running"


def paint_stale(p: QPainter, rect: QRectF, word: str = "") -> None:
    """Dim and hatch ``rect``; ``word`` (if any) in its top-right corner."""
    p.save()
    p.fillRect(rect, QColor(20, 20, 22, 150))
    p.fillRect(rect, QBrush(QColor(230, 180, 80, 70), Qt.BDiagPattern))
    if word:
        w = p.fontMetrics().horizontalAdvance(word) + 12
        box = QRectF(rect.right() - w - 4, rect.top() + 4, w, p.fontMetrics().height() + 4)
        p.fillRect(box, QColor(0, 0, 0, 190))
        p.setPen(QColor(240, 190, 90))
        p.drawText(box, Qt.AlignCenter, word)
    p.restore()
