"""A dark Fusion palette that suits the node canvas."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def apply_theme(app) -> None:
    app.setStyle("Fusion")
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
