"""A closed window's application-wide event filter (window-wide transport keys, the focus back after
a dialog: one filter for both) leaves the application, and comes back when it shows again: a closed
window kept in memory had every later event of the program pass through its filters (a test process
keeps hundreds). (Read from the filter's own record: a spy put on its class's eventFilter outlives the
test in PySide's cache of Python overrides and crashed a later test.)"""


def test_a_closed_windows_filter_leaves_the_application_and_comes_back_when_it_shows(open_window, qtbot):
    win = open_window()
    f = win.window_filter
    assert f.installed and f.keys is win.transport_keys and f.refocus is win.refocus
    win.close()
    assert not f.installed
    win.show()
    qtbot.waitExposed(win)
    assert f.installed


def test_the_window_takes_the_focus_back_when_its_dialog_closes(open_window, qtbot):
    """Without a window manager nothing gives the focus back when a dialog goes (the keys then went
    nowhere until a click): the window's filter hands the dialog's Hide to Refocus, which takes it."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDialog
    win = open_window()
    dlg = QDialog(win)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dlg.windowHandle(), timeout=3000)
    dlg.hide()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is win.windowHandle(), timeout=3000)
