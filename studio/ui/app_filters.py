"""The application's event filters written in Python, and a pause of them while many widgets are made.

An application event filter sees every event of the program, and one written in Python costs a trip into Python
for each (about 25 us here: the event and its object wrapped): making one combo box sends some 70 events, so the
window's one filter (window/keyboard.py) made a combo box cost 1.5 ms instead of 0.3 ms, and the Properties of a
converted Wan 2.2 generator (31 fields, some 4000 events) stalled the window for 100-480 ms (issue 116). Widgets
made inside :func:`paused` are made without the filters: nothing is typed or hidden meanwhile (no event loop
runs inside), and the filters are back, in their order, when it ends."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

_installed: list[QObject] = []  # in the order installed (Qt asks the last installed first)
_paused = 0


def install(f: QObject) -> None:
    """``f`` as an application event filter (once, even when installed again)."""
    if f in _installed:
        _installed.remove(f)
    _installed.append(f)
    app = QApplication.instance()
    if app is not None and not _paused:
        app.removeEventFilter(f)  # never twice in Qt's list
        app.installEventFilter(f)


def remove(f: QObject) -> None:
    if f in _installed:
        _installed.remove(f)
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(f)


def is_installed(f: QObject) -> bool:
    return f in _installed


@contextmanager
def paused() -> Iterator[None]:
    """No application event filter of ours while the block runs (nested: the outermost puts them back)."""
    global _paused
    app = QApplication.instance()
    _installed[:] = [f for f in _installed if shiboken6.isValid(f)]  # a window deleted while shown
    if _paused == 0 and app is not None:
        for f in _installed:
            app.removeEventFilter(f)
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0 and app is not None:
            _installed[:] = [f for f in _installed if shiboken6.isValid(f)]
            for f in _installed:  # as first installed, so Qt asks them in the same order as before
                app.removeEventFilter(f)
                app.installEventFilter(f)
