"""A closed window's application-wide event filters (window-wide transport keys, the focus back after
a dialog) leave the application, and come back when it shows again: a closed window kept in memory
had every later event of the program pass through its two filters (a test process keeps hundreds)."""
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from studio.ui.window.keyboard import Refocus, TransportKeys


def test_a_closed_windows_filters_see_no_event_and_come_back_when_it_shows(open_window, qtbot, monkeypatch):
    probe = QWidget()
    seen = []
    for cls in (TransportKeys, Refocus):  # spies set before the window makes its filters
        def spy(self, obj, ev, orig=cls.eventFilter):
            if obj is probe:
                seen.append(type(self).__name__)
            return orig(self, obj, ev)
        monkeypatch.setattr(cls, "eventFilter", spy)

    def filters_seeing_an_event():
        seen.clear()
        QApplication.sendEvent(probe, QEvent(QEvent.User))
        return sorted(seen)
    win = open_window()
    assert filters_seeing_an_event() == ["Refocus", "TransportKeys"]
    win.close()
    assert filters_seeing_an_event() == []
    win.show()
    qtbot.waitExposed(win)
    assert filters_seeing_an_event() == ["Refocus", "TransportKeys"]
