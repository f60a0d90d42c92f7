"""Dock sizes for the window's size (issue 15: the canvas keeps a usable share down to 1024x700).

Fixed pixel sizes left a 1024-wide window a 330 px canvas; here the side columns take a share of
the window, with floors and ceilings, and small windows get a compact split."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

COMPACT_W, COMPACT_H = 1300, 850


def dock_sizes(width: int, height: int) -> dict[str, int]:
    """Pixel sizes of the docks for a window of ``width`` x ``height``."""
    compact_w, compact_h = width < COMPACT_W, height < COMPACT_H
    palette = 150 if compact_w else 200
    right = int(min(520, max(320, width * 0.3)))
    timeline = 150 if compact_h else 200
    column = max(200, height - 110 - timeline)  # the right column under the toolbar, over the timeline
    viewer = int(column * (0.42 if compact_h else 0.52))  # 0.38 left a 1024x700 window a 110 px picture
    return {"palette": palette, "right": right, "timeline": timeline, "viewer": viewer,
            "properties": column - viewer, "training": max(380, width // 3)}


def apply_dock_sizes(win: WindowApi) -> dict[str, int]:
    """Size the window's docks for its current size; returns the sizes asked for."""
    s = dock_sizes(win.width(), win.height())
    win.resizeDocks([win.palette_dock], [s["palette"]], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock], [s["right"]], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock, win.properties_dock], [s["viewer"], s["properties"]], Qt.Vertical)
    win.resizeDocks([win.timeline_dock], [s["timeline"]], Qt.Vertical)
    if getattr(win, "training_dock", None) is not None and win.training_dock.isVisible():
        win.resizeDocks([win.training_dock], [s["training"]], Qt.Horizontal)
    return s


def recover_docks(win: WindowApi) -> bool:
    """After the window was resized: docks that are well under their share of the new size (a
    window shrunk to 1024x700, then maximised) get it back, and a canvas squeezed under half
    the window gets its share back from the docks. Docks the user made larger stay so.
    Returns whether anything was resized."""
    if win.canvas.widget.width() < 0.5 * win.width() or win.canvas.widget.height() < 0.4 * win.height():
        apply_dock_sizes(win)
        return True
    s = dock_sizes(win.width(), win.height())
    changed = False
    for dock, want, orient, size in ((win.palette_dock, s["palette"], Qt.Horizontal, lambda d: d.width()),
                                     (win.viewer_dock, s["right"], Qt.Horizontal, lambda d: d.width()),
                                     (win.timeline_dock, s["timeline"], Qt.Vertical, lambda d: d.height())):
        if dock.isVisible() and not dock.isFloating() and size(dock) < 0.85 * want:
            win.resizeDocks([dock], [want], orient)
            changed = True
    v, p = win.viewer_dock, win.properties_dock
    if v.isVisible() and p.isVisible() and not v.isFloating() and v.height() < 0.8 * s["viewer"]:
        win.resizeDocks([v, p], [s["viewer"], s["properties"]], Qt.Vertical)
        changed = True
    return changed


def graph_trains(graph) -> bool:
    """Whether a graph has a node that trains (the Training dock is for those), groups included."""
    for n in graph.nodes.values():
        if n.type_id == "gen.train" or (n.subgraph is not None and graph_trains(n.subgraph)):
            return True
    return False
