"""Wait for the windows to hold still, where tests ran the event loop for a fixed 120-250 ms after each
resize, open or selection (most of a window test's time): the loop runs in short looks until no layout
keeper has a refit pending and nothing on screen moved, resized, scrolled or zoomed over the last few
looks; ``most_ms`` bounds it, the fixed wait it replaces (a window that never holds still ends the wait
as it did)."""
from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGraphicsView, QWidget

LOOK_MS = 15     # between two looks
STILL_LOOKS = 3  # looks in a row that saw the same picture


def _picture() -> list:
    """Every shown widget's geometry, every scroll area's scroll and every graphics view's zoom and pan."""
    out = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for w in (top, *top.findChildren(QWidget)):
            if not w.isVisible():
                continue
            g = w.geometry()
            out.append((g.x(), g.y(), g.width(), g.height()))
            if isinstance(w, QAbstractScrollArea):
                out.append((w.horizontalScrollBar().value(), w.verticalScrollBar().value()))
                if isinstance(w, QGraphicsView):
                    t = w.transform()
                    out.append((t.m11(), t.m22(), t.dx(), t.dy()))
    return out


def _refit_pending() -> bool:
    """A main window's layout keeper has a refit of its docks queued (its 0 ms timer after a resize)."""
    return any(t.layout_keeper.timer.isActive() for t in QApplication.topLevelWidgets()
               if hasattr(t, "layout_keeper"))


def settle(most_ms: int = 250) -> None:
    """Run the event loop until the windows hold still (``STILL_LOOKS`` looks ``LOOK_MS`` apart saw the
    same picture, no refit pending), or for ``most_ms`` at most."""
    end = time.monotonic() + most_ms / 1000
    before, still = None, 0
    while True:
        loop = QEventLoop()
        QTimer.singleShot(LOOK_MS, loop.quit)
        loop.exec()
        QApplication.sendPostedEvents()
        now = _picture()
        still = still + 1 if now == before and not _refit_pending() else 0
        if still >= STILL_LOOKS - 1 or time.monotonic() > end:
            return
        before = now
