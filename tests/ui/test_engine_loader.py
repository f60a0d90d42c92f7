"""A window closed and deleted while its engine loads in the background: the loader's thread
finishes and reports to nothing, without touching deleted Qt objects (the loader was the window's
Qt child, deleted with it while its thread could still emit: a crash seen once in the suite)."""
from __future__ import annotations

import threading


def test_the_window_goes_while_the_engine_loads(qtbot, tmp_path, monkeypatch):
    import shiboken6
    from PySide6.QtCore import QSettings

    import studio.engine.warmup as warmup
    from studio.ui.window.main_window import MainWindow
    gate = threading.Event()
    monkeypatch.setattr(warmup, "warm_up", lambda ids, reg: gate.wait(10))  # the load under way
    w = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), data_dir=str(tmp_path / "d"))
    loader = w.engine_loader
    assert loader.start_for_window()
    thread = loader.thread
    shiboken6.delete(w)  # the window and its Qt children go
    assert shiboken6.isValid(loader)  # not among them: its thread still holds it
    gate.set()
    thread.join(10)
    qtbot.wait(50)  # the queued 'loaded' is delivered: its slot sees the window gone and does nothing
    assert not thread.is_alive() and loader.done and loader.error is None
