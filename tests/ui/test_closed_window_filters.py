"""A closed window's application-wide event filters (window-wide transport keys, the focus back after
a dialog) leave the application, and come back when it shows again: a closed window kept in memory
had every later event of the program pass through its two filters (a test process keeps hundreds).
(Read from the filters' own record: a spy put on their class's eventFilter outlives the test in
PySide's cache of Python overrides and crashed a later test.)"""


def test_a_closed_windows_filters_leave_the_application_and_come_back_when_it_shows(open_window, qtbot):
    win = open_window()
    filters = (win.transport_keys, win.refocus)
    assert all(f.installed for f in filters)
    win.close()
    assert not any(f.installed for f in filters)
    win.show()
    qtbot.waitExposed(win)
    assert all(f.installed for f in filters)
