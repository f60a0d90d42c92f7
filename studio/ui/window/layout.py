"""Dock sizes for the window's size (issue 15: the canvas keeps a usable share down to 1024x700;
issue 48 item 10: so does the viewer's picture, and a window made small then big again gets its
layout back).

The right column (viewer over properties) runs the window's whole height, beside the timeline
rather than over it, so at 1024x700 the picture keeps a third of the height without squeezing the
properties or the canvas. Fixed pixel sizes left a 1024-wide window a 330 px canvas; here the
docks take a share of the window, with floors and ceilings, and small windows get a compact split.
Until the artist drags a separator every resize lays the docks out again for the new size
(:class:`LayoutKeeper`); after that their sizes are kept and only docks squeezed well under their
share recover (:func:`recover_docks`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

COMPACT_W, COMPACT_H = 1300, 850
CHROME_H = 110     # menu bar, toolbar, status bar and the dock titles over the right column
VIEWER_CHROME = 50  # the viewer dock's title and its header row, over the picture
PICTURE_SHARE = 1 / 3  # of the window's height, at least, for the viewer's picture


def dock_sizes(width: int, height: int) -> dict[str, int]:
    """Pixel sizes of the docks for a window of ``width`` x ``height``."""
    compact_w, compact_h = width < COMPACT_W, height < COMPACT_H
    palette = 170 if compact_w else 200  # the longest names ("Keypoints to Skeleton") read whole at 170
    right = int(min(520, max(320, width * 0.3)))
    timeline = 150 if compact_h else 200
    column = max(300, height - CHROME_H)  # the right column: the window's height under the toolbar
    viewer = max(int(column * 0.5), int(height * PICTURE_SHARE) + VIEWER_CHROME)
    return {"palette": palette, "right": right, "timeline": timeline, "viewer": viewer,
            "properties": column - viewer, "training": max(380, width // 3)}


def place_corners(win) -> None:
    """The right column runs the window's whole height; the timeline sits under the canvas."""
    win.setCorner(Qt.TopRightCorner, Qt.RightDockWidgetArea)
    win.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)


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


class LayoutKeeper(QObject):
    """Lays the docks out again after each resize of ``win`` (once it has been shown): for the
    new size while the layout is the window's own, or, once the artist has dragged a separator
    (a press on the window itself, where no child is: its separators) or the layout was restored
    from the last session, only recovering docks squeezed well under their share."""

    def __init__(self, win, restored: bool = False):
        super().__init__(win)
        self.win = win
        self.touched = restored  # the artist's own layout: keep it
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.fit)
        win.installEventFilter(self)

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt's name
        if obj is self.win:
            t = ev.type()
            if t == QEvent.MouseButtonPress and self.win.childAt(ev.position().toPoint()) is None:
                self.touched = True  # a separator: the artist sizes the docks
            elif t == QEvent.Resize and self.win.isVisible():
                self.timer.start()
        return False

    def fit(self) -> None:
        if self.touched:
            recover_docks(self.win)
        else:
            apply_dock_sizes(self.win)

    def reset(self) -> None:
        """View > Reset Layout: the window's own layout again."""
        self.touched = False
        apply_dock_sizes(self.win)


def graph_trains(graph) -> bool:
    """Whether a graph has a node that trains (the Training dock is for those), groups included."""
    for n in graph.nodes.values():
        if n.type_id == "gen.train" or (n.subgraph is not None and graph_trains(n.subgraph)):
            return True
    return False
