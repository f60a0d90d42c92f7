"""Dock sizes for the window's size (issue 15: the canvas keeps a usable share down to 1024x700).

Fixed pixel sizes left a 1024-wide window a 330 px canvas; here the side columns take a share of
the window, with floors and ceilings, and small windows get a compact split."""
from __future__ import annotations

from PySide6.QtCore import Qt

COMPACT_W, COMPACT_H = 1300, 850


def dock_sizes(width: int, height: int) -> dict[str, int]:
    """Pixel sizes of the docks for a window of ``width`` x ``height``."""
    compact_w, compact_h = width < COMPACT_W, height < COMPACT_H
    palette = 150 if compact_w else 200
    right = int(min(520, max(320, width * 0.3)))
    timeline = 150 if compact_h else 200
    column = max(200, height - 110 - timeline)  # the right column under the toolbar, over the timeline
    viewer = int(column * (0.38 if compact_h else 0.52))
    return {"palette": palette, "right": right, "timeline": timeline, "viewer": viewer,
            "properties": column - viewer, "training": max(380, width // 3)}


def apply_dock_sizes(win) -> dict[str, int]:
    """Size the window's docks for its current size; returns the sizes asked for."""
    s = dock_sizes(win.width(), win.height())
    win.resizeDocks([win.palette_dock], [s["palette"]], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock], [s["right"]], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock, win.properties_dock], [s["viewer"], s["properties"]], Qt.Vertical)
    win.resizeDocks([win.timeline_dock], [s["timeline"]], Qt.Vertical)
    if getattr(win, "training_dock", None) is not None and win.training_dock.isVisible():
        win.resizeDocks([win.training_dock], [s["training"]], Qt.Horizontal)
    return s
