"""Issue 75, item 10: the unsaved-changes box takes no one-letter keys (typing just after Ctrl+O pressed
Save), and Pause is said as a pause, not 'stopped'."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QMessageBox


def test_letters_typed_into_the_unsaved_box_press_nothing_and_escape_cancels(qtbot, nodes_window):
    win = nodes_window
    seen = []

    def type_then_escape():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append([b.text() for b in box.buttons()])
        for key in (Qt.Key_S, Qt.Key_D, Qt.Key_N, Qt.Key_C):  # S: Save, D/N: Discard / Don't, C: Cancel
            qtbot.keyClick(box, key)
        seen.append(box.isVisible())
        qtbot.keyClick(box, Qt.Key_Escape)
    QTimer.singleShot(0, type_then_escape)
    assert win.files.__class__.ask_unsaved(win.files) == "cancel"
    assert seen and all("&" not in t for t in seen[0]) and seen[1] is True  # still open after the letters


def test_return_and_space_typed_ahead_into_the_unsaved_box_never_save(qtbot, nodes_window):
    """Issue 116: typing ahead into the box pressed Save (Return: its default button) and wrote a stray file.
    Return now cancels, and for a moment after it shows Save and Discard take no key or click."""
    win = nodes_window
    seen = []

    def type_ahead():
        box = QApplication.activeModalWidget()
        save = next(b for b in box.buttons() if b.text() == "Save")
        seen.append((box.defaultButton().text(), save.isEnabled()))
        save.setFocus()
        qtbot.keyClick(save, Qt.Key_Space)  # a space typed ahead, the focus on Save: nothing
        seen.append(box.isVisible())
        qtbot.keyClick(box, Qt.Key_Return)  # Return: Cancel
    QTimer.singleShot(0, type_ahead)
    assert win.files.__class__.ask_unsaved(win.files) == "cancel"
    assert seen == [("Cancel", False), True]


def test_pause_is_said_as_a_pause(qtbot):
    from studio.engine.events import RunFinished
    from studio.engine.run_state import RunState
    state = RunState(graph=lambda: None)
    state.begin(None)
    said = []
    state.verdict_changed.connect(lambda t, _lv: said.append(t))
    state.stop(pausing=True)
    state.apply(RunFinished(15.03, False, cancelled=True))
    assert said[0] == "pausing…" and said[-1].startswith("paused after 15.03 s") and "F5 resumes" in said[-1]
