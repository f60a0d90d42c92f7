"""Issue 75's walk (Xvfb 1024x700, openbox): the first window was fitted to the screen before the
window manager's title bar was known, so its status bar stayed below the screen. It is fitted again
once the frame is there."""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, QSize

from studio.ui.dialogs import sizing


class Framed(QObject):
    """A top-level window as keep_on_screen sees it: 1024x700, framed by a 25 px title bar only
    after ``frame_after`` looks (the window manager reparents it a little after it is shown)."""

    def __init__(self, frame_after: int):
        super().__init__()
        self.w, self.h, self.pos, self.looks, self.frame_after = 1024, 700, QPoint(0, 0), 0, frame_after

    def frameGeometry(self):  # noqa: N802 - Qt's name
        self.looks += 1
        framed = self.looks > self.frame_after
        return QRect(self.pos.x(), self.pos.y(), self.w + 2 * framed, self.h + 25 * framed)

    def size(self):
        return QSize(self.w, self.h)

    def width(self):
        return self.w

    def height(self):
        return self.h

    def resize(self, w, h):
        self.w, self.h = w, h

    def move(self, x, y):
        self.pos = QPoint(x, y)


def test_the_window_is_fitted_once_its_frame_is_known(qtbot, monkeypatch):
    monkeypatch.setattr(sizing, "available", lambda win: QRect(0, 0, 1024, 700))
    monkeypatch.setattr(sizing, "FRAME_WAIT_MS", 1)
    win = Framed(frame_after=3)
    sizing.keep_on_screen(win)  # as before: the frame not known yet, nothing to fit
    assert (win.w, win.h) == (1024, 700)
    sizing.keep_on_screen_once_framed(win)
    qtbot.waitUntil(lambda: win.h == 675, timeout=2000)  # 700 - the 25 px title bar: all of it on the screen
    assert win.w == 1022 and win.pos == QPoint(0, 0)


def test_without_a_window_manager_the_last_try_fits_the_window_alone(qtbot, monkeypatch):
    monkeypatch.setattr(sizing, "available", lambda win: QRect(0, 0, 800, 600))
    monkeypatch.setattr(sizing, "FRAME_WAIT_MS", 1)
    win = Framed(frame_after=10 ** 6)
    sizing.keep_on_screen_once_framed(win, tries=3)
    qtbot.waitUntil(lambda: (win.w, win.h) == (800, 600), timeout=2000)
    assert win.looks == 3 + 1  # two waits, then the fit (which looks once more)
