"""The window's keyboard (issue 35): transport keys window-wide, and the focus back after a dialog.

Transport keys are window-wide: Space, J/K/L, Left/Right (Shift: ten frames),
Home/End and I/O (Alt: clear) move the timeline wherever the focus is in the window (the node
canvas, the viewer, a dock), unless the focus is in a field that types or steps with those keys
(a text field, a spin box, an editable combo box, a slider, a note being edited on the canvas;
Space on a focused button or check box presses it).

One application event filter, owned by the window (WindowFilter): a key press aimed at a widget of
this window goes to the timeline's own key handler before the widget sees it. Shortcuts of actions (F5,
Ctrl+..., the canvas' M/B/F) are matched by Qt before key presses are sent, so they are unaffected."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QApplication,
                               QComboBox, QGraphicsTextItem, QGraphicsView, QLineEdit, QPlainTextEdit, QTextEdit,
                               QWidget)

from studio.ui import app_filters

TRANSPORT_KEYS = {Qt.Key_Space, Qt.Key_J, Qt.Key_K, Qt.Key_L, Qt.Key_Left, Qt.Key_Right, Qt.Key_Home,
                  Qt.Key_End, Qt.Key_I, Qt.Key_O}
_STEP_KEYS = {Qt.Key_Left, Qt.Key_Right, Qt.Key_Home, Qt.Key_End}
_ALLOWED_MODS = {Qt.Key_Left: Qt.ShiftModifier, Qt.Key_Right: Qt.ShiftModifier, Qt.Key_I: Qt.AltModifier,
                 Qt.Key_O: Qt.AltModifier}


class WindowFilter(QObject):
    """The window's one application event filter: key presses go to its :class:`TransportKeys`, the
    Hide events of other windows to its :class:`Refocus`. One filter, not one for each: Qt calls an
    application filter for every event of the program (paint, timers, mouse moves), each call a trip
    into Python, so the window's two filters had doubled what every event cost.

    There while its window is: installed at once and again each time the window shows, removed when
    it hides or closes. A hidden window has no keys to take and no dialog to take the focus back from,
    and a closed window that stays in memory (tests keep hundreds in one process) would otherwise keep
    every event of the program passing through its filter."""

    def __init__(self, window: QWidget, keys: "TransportKeys | None", refocus: "Refocus"):
        super().__init__(window)
        self._window, self.keys, self.refocus = window, keys, refocus
        window.installEventFilter(self)  # the window's own Show and Hide events (in eventFilter below)
        app_filters.install(self)  # paused while Properties makes its fields (app_filters.py)

    @property
    def installed(self) -> bool:
        """Whether the application filter is in place (paused or not)."""
        return app_filters.is_installed(self)

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 - Qt's name
        kind = ev.type()
        if kind == QEvent.KeyPress:
            return self.keys is not None and isinstance(obj, QWidget) and self.keys.key_press(obj, ev)
        if kind == QEvent.Hide:
            if obj is self._window:
                app_filters.remove(self)
            else:
                self.refocus.hidden(obj)
        elif kind == QEvent.Show and obj is self._window:
            app_filters.install(self)  # never twice in the list
        return False


def types_keys(w: QWidget | None, key: int) -> bool:
    """Whether the focused widget ``w`` uses ``key`` itself (so the transport must leave it)."""
    if w is None:
        return False
    if isinstance(w, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(w, (QTextEdit, QPlainTextEdit)):
        return not w.isReadOnly() or key in _STEP_KEYS
    if isinstance(w, QComboBox):
        return w.isEditable() or key == Qt.Key_Space
    if isinstance(w, QAbstractSlider):
        return key in _STEP_KEYS
    if isinstance(w, QAbstractButton):  # a focused button or check box: Space presses it
        return key == Qt.Key_Space
    if isinstance(w, QAbstractItemView):
        return key in _STEP_KEYS or key == Qt.Key_Space
    if isinstance(w, QGraphicsView) and w.scene() is not None:
        item = w.scene().focusItem()
        return isinstance(item, QGraphicsTextItem) and bool(item.textInteractionFlags() & Qt.TextEditable)
    return False


class TransportKeys:
    """Sends transport keys pressed anywhere in ``window`` to ``handler`` (the timeline's
    ``keyPressEvent``); its window's :class:`WindowFilter` hands it the key presses."""

    def __init__(self, window: QWidget, handler: Callable, timeline: QWidget | None = None):
        self._window = window
        self._handler = handler
        self._timeline = timeline  # its own key handler already reads them

    @classmethod
    def for_window(cls, win) -> "TransportKeys | None":
        """The keys of the main window ``win`` (None when it opened without a viewer)."""
        tl = getattr(win.preview, "timeline", None) if win.preview is not None else None
        return cls(win, tl.keyPressEvent, tl) if tl is not None else None

    def key_press(self, obj: QWidget, ev) -> bool:
        """Whether the key press ``ev`` aimed at ``obj`` was taken (the widget then never sees it)."""
        key = ev.key()
        if key not in TRANSPORT_KEYS or obj is self._timeline or obj.window() is not self._window:
            return False
        mods = ev.modifiers() & ~Qt.KeypadModifier
        if mods & ~_ALLOWED_MODS.get(key, Qt.NoModifier):
            return False
        focus = QApplication.focusWidget()
        if obj is not focus and focus is not None and focus.window() is self._window:
            obj = focus  # a key sent on to a parent: judge by the focused widget
        if types_keys(obj, key):
            return False
        self._handler(ev)
        return True


class Refocus:
    """Focus back on the window after a dialog: without a window manager nothing gives the keyboard
    focus back when a dialog of the window (a file dialog, a question) closes, so keys went nowhere
    until the artist clicked. When one hides and no shown window of the program has the focus, the
    window takes it back (Qt clears its focus window without a signal when a dialog goes: the
    dialog's Hide event, which its window's :class:`WindowFilter` hands on, is what can be seen)."""

    def __init__(self, win):
        self.win = win

    def hidden(self, obj) -> None:
        """``obj`` (any object of the program, not the window itself) was hidden."""
        if isinstance(obj, QWidget) and obj.isWindow():
            parent = obj.parentWidget()
            if parent is not None and parent.window() is self.win:
                QTimer.singleShot(0, self._take_back)

    def _take_back(self) -> None:
        focus = QGuiApplication.focusWindow()  # None under X without a window manager; the hidden dialog's
        # own window where the platform leaves it in place (Qt's offscreen platform)
        if (focus is None or not focus.isVisible()) and self.win.isVisible() \
                and QApplication.activeModalWidget() is None and QApplication.activePopupWidget() is None:
            self.win.activateWindow()
