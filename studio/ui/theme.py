"""A dark Fusion palette that suits the node canvas, and a visible frame round check boxes."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle

CHECK_FRAME = QColor(150, 152, 158)  # on the dark base: Fusion's own frame (window darker 140 %) was invisible


class StudioStyle(QProxyStyle):
    """Fusion, with a light frame round every check box indicator (in dialogs and in item views
    such as the group dialog's parameter tree): Fusion draws it in a shade of the window colour,
    which on a dark palette is dark on dark (issue 25)."""

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802 - Qt's name
        super().drawPrimitive(element, option, painter, widget)
        if element in (QStyle.PE_IndicatorCheckBox, QStyle.PE_IndicatorItemViewItemCheck):
            painter.save()
            painter.setRenderHint(painter.RenderHint.Antialiasing, True)
            enabled = bool(option.state & QStyle.State_Enabled)
            painter.setPen(QPen(CHECK_FRAME if enabled else CHECK_FRAME.darker(160), 1.2))
            painter.setBrush(Qt.NoBrush)
            painter.drawRoundedRect(QRectF(option.rect).adjusted(0.6, 0.6, -1.2, -1.2), 2.0, 2.0)
            painter.restore()


def apply_theme(app) -> None:
    app.setStyle(StudioStyle("Fusion"))
    p = QPalette()
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 48), QColor(215, 215, 215)
    for role, c in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                    (QPalette.AlternateBase, window), (QPalette.ToolTipBase, QColor(50, 50, 55)),
                    (QPalette.ToolTipText, text), (QPalette.Text, text), (QPalette.Button, window),
                    (QPalette.ButtonText, text), (QPalette.Highlight, QColor(70, 130, 200)),
                    (QPalette.HighlightedText, QColor(255, 255, 255)), (QPalette.PlaceholderText, QColor(130, 130, 130))):
        p.setColor(role, c)
    p.setColor(QPalette.Disabled, QPalette.Text, QColor(120, 120, 120))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(120, 120, 120))
    app.setPalette(p)
