"""Dock sizes for the window's size (issue 15: the canvas keeps a usable share down to 1024x700;
issue 48 item 10: so does the viewer's picture, and a window made small then big again gets its
layout back).

The right column (viewer over properties) runs the window's whole height, beside the timeline
rather than over it, so at 1024x700 the picture keeps a third of the height without squeezing the
properties or the canvas. Fixed pixel sizes left a 1024-wide window a 330 px canvas; here the
docks take a share of the window, with floors and ceilings, and small windows get a compact split.
Until the artist drags a separator every resize lays the docks out again for the new size
(:class:`LayoutKeeper`); after that the docks keep the shares of the window the artist gave them
(:func:`apply_shares`), within the same floors."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QTabBar

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

COMPACT_W, COMPACT_H = 1300, 850
NARROW_W = 1100  # under this width the palette is narrower still
CHROME_H = 110     # menu bar, toolbar, status bar and the dock titles over the right column
VIEWER_CHROME = 50  # the viewer dock's title and its header row, over the picture
PICTURE_SHARE = 1 / 3  # of the window's height, at least, for the viewer's picture


def dock_sizes(width: int, height: int) -> dict[str, int]:
    """Pixel sizes of the docks for a window of ``width`` x ``height``."""
    compact_w, compact_h = width < COMPACT_W, height < COMPACT_H
    # the longest names ("Keypoints to Skeleton") read whole at 170; under 1100 px wide the palette
    # gives the canvas 30 px more (issue 61 item 6) and long names wrap
    palette = 140 if width < NARROW_W else 170 if compact_w else 200
    right = int(min(520, max(320, width * 0.3)))
    timeline = 150 if compact_h else 200
    column = max(300, height - CHROME_H)  # the right column: the window's height under the toolbar
    # a short window gives Properties the column's rows beyond the picture's third (issue 61 item 6)
    viewer = max(int(column * (0.45 if compact_h else 0.5)), int(height * PICTURE_SHARE) + VIEWER_CHROME)
    return {"palette": palette, "right": right, "timeline": timeline, "viewer": viewer,
            "properties": column - viewer, "training": max(380, width // 3)}


def place_corners(win: WindowApi) -> None:
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


def bottom_height(win: WindowApi) -> int:
    """The timeline dock's height with the tab bar under it (the Log's tab): what resizeDocks
    sets for a tabbed dock (measured without it, a layout restored shrank by the bar each time)."""
    title = win.timeline_dock.windowTitle()
    bars = [t for t in win.findChildren(QTabBar)
            if t.isVisible() and title in [t.tabText(i) for i in range(t.count())]]
    return win.timeline_dock.height() + (bars[0].height() if bars else 0)


def measure_shares(win: WindowApi) -> dict[str, float]:
    """The docks' sizes as shares of the window (the right column's split as a share of it)."""
    w, h = max(1, win.width()), max(1, win.height())
    column = max(1, win.viewer_dock.height() + win.properties_dock.height())
    return {"palette": win.palette_dock.width() / w, "right": win.viewer_dock.width() / w,
            "viewer": win.viewer_dock.height() / column, "timeline": bottom_height(win) / h,
            "palette_px": win.palette_dock.width(), "right_px": win.viewer_dock.width()}


def apply_shares(win: WindowApi, shares: dict[str, float]) -> None:
    """Size the docks at ``shares`` of the window, within the floors the window's own layout
    keeps (the canvas half the width, the picture a third of the height); a side column is not
    made narrower than the window's own layout would make it, unless the artist made it so."""
    w, h = win.width(), win.height()
    own = dock_sizes(w, h)
    palette = max(shares["palette"] * w, min(own["palette"], shares["palette_px"]))
    right = max(shares["right"] * w, min(own["right"], shares["right_px"]))
    if palette + right > 0.5 * w:  # the canvas keeps half the width
        k = 0.5 * w / (palette + right)
        palette, right = palette * k, right * k
    column = max(300, h - CHROME_H)
    viewer = min(column - 120, max(shares["viewer"] * column, h * PICTURE_SHARE + VIEWER_CHROME))
    win.resizeDocks([win.palette_dock], [int(palette)], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock], [int(right)], Qt.Horizontal)
    win.resizeDocks([win.viewer_dock, win.properties_dock], [int(viewer), int(column - viewer)], Qt.Vertical)
    win.resizeDocks([win.timeline_dock], [int(shares["timeline"] * h)], Qt.Vertical)


class LayoutKeeper(QObject):
    """Lays the docks out again after each resize of ``win`` (once it has been shown): for the
    new size while the layout is the window's own; once the artist has dragged a separator (a
    press on the window itself, where no child is: its separators), or the layout was restored
    from the last session, at the shares of the window the docks had then. Either way a window
    made small and big again gets the layout it had."""

    def __init__(self, win, restored: bool = False):
        super().__init__(win)
        self.win = win
        self.shares: dict[str, float] | None = None  # the artist's layout, as shares of the window
        self.restored = restored  # measured at the first resize: the last session's layout is the artist's
        self.dragging = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.fit)
        win.installEventFilter(self)

    @property
    def touched(self) -> bool:
        return self.shares is not None or self.restored

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt's name
        if obj is self.win:
            t = ev.type()
            if t == QEvent.MouseButtonPress and self.win.childAt(ev.position().toPoint()) is None:
                self.dragging = True  # a separator: the artist sizes the docks
            elif t == QEvent.MouseButtonRelease and self.dragging:
                self.dragging = False
                QTimer.singleShot(0, self, self.remember)
            elif t == QEvent.Resize and self.win.isVisible():
                self.timer.start()
        return False

    def remember(self) -> None:
        """Keep the docks' sizes now as the artist's layout."""
        self.restored = False
        self.shares = measure_shares(self.win)

    def fit(self) -> None:
        if self.restored:  # a layout restored from the last session: its shares are the artist's
            self.remember()
        if self.shares is not None:
            apply_shares(self.win, self.shares)
        else:
            apply_dock_sizes(self.win)

    def reset(self) -> None:
        """View > Reset Layout: the window's own layout again."""
        self.shares, self.restored = None, False
        apply_dock_sizes(self.win)


def graph_trains(graph) -> bool:
    """Whether a graph has a node that trains (the Training dock is for those), groups included."""
    for n in graph.nodes.values():
        if n.type_id == "gen.train" or (n.subgraph is not None and graph_trains(n.subgraph)):
            return True
    return False
