"""Shared fixtures of the window tests."""
import pytest


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Factory: a shown MainWindow with settings and data in tmp_path; closed (its run stopped)
    after the test."""
    from PySide6.QtCore import QSettings

    from studio.ui.main_window import MainWindow
    made = []

    def make(registry=None):
        w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
                       data_dir=str(tmp_path / "data"), registry=registry)
        w.ask_unsaved = lambda: "discard"
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        if w.runner.running:
            with qtbot.waitSignal(w.run_finished, timeout=5000):
                w.runner.stop()
        w.close()
