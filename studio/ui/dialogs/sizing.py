"""Windows and dialogs sized to the screen they open on (issue 25: at 1024x700 the template
browser, 720 px, was taller than the window, and without a window manager the main window opened
larger than the screen)."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication


def available(widget) -> QRect:
    """The part of the widget's screen windows may use (the whole screen without a window manager).
    The offscreen platform (tests, renders of screenshots) has no real screen: no limit there."""
    if QGuiApplication.platformName() == "offscreen":
        return QRect(0, 0, 1 << 15, 1 << 15)
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1 << 15, 1 << 15)


def fitted(widget, width: int, height: int, margin: int = 0, inside_parent: bool = True) -> QSize:
    """``width`` x ``height``, made smaller where the screen (less ``margin``) or, for a dialog,
    its parent window is smaller."""
    r = available(widget)
    w, h = min(width, r.width() - margin), min(height, r.height() - margin)
    parent = widget.parentWidget() if widget is not None else None
    if inside_parent and parent is not None and parent.window().isVisible():
        h = min(h, max(240, parent.window().height() - 40))
    return QSize(max(200, w), max(160, h))


def resize_fitted(widget, width: int, height: int, margin: int = 0) -> QSize:
    size = fitted(widget, width, height, margin)
    widget.resize(size)
    return size


def keep_on_screen(win) -> None:
    """Shrink and move a top-level window so all of it, its window manager's frame (title bar)
    included once it is shown, is on its screen."""
    r = available(win)
    fg = win.frameGeometry()
    dw, dh = max(0, fg.width() - win.width()), max(0, fg.height() - win.height())  # the frame's share
    w, h = min(win.width(), r.width() - dw), min(win.height(), r.height() - dh)
    if (w, h) != (win.width(), win.height()):
        win.resize(w, h)
    x = min(max(fg.x(), r.left()), r.right() - (w + dw) + 1)
    y = min(max(fg.y(), r.top()), r.bottom() - (h + dh) + 1)
    if (x, y) != (fg.x(), fg.y()):
        win.move(x, y)  # move() places the frame's top left


FRAME_TRIES = 10   # the window manager's frame is waited for this many times ...
FRAME_WAIT_MS = 200  # ... this far apart (2 s) before the window is fitted without it


def keep_on_screen_once_framed(win, tries: int = FRAME_TRIES) -> None:
    """``keep_on_screen`` once the window manager has framed the window (its frame larger than it).
    Seen under Xvfb with openbox at 1024x700 (issue 75): the first window, opening its graph before the
    event loop ran, was fitted before its title bar was known, and its status bar stayed below the
    screen. Without a window manager the frame never comes: the last try fits the window alone."""
    if win.frameGeometry().size() == win.size() and tries > 1:
        QTimer.singleShot(FRAME_WAIT_MS, win, lambda: keep_on_screen_once_framed(win, tries - 1))
        return
    keep_on_screen(win)
