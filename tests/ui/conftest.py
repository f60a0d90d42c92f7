"""Shared fixtures of the window tests."""
import pytest


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Factory: a shown MainWindow with settings and data in tmp_path; closed (its run stopped)
    after the test."""
    from PySide6.QtCore import QSettings

    from studio.ui.window.main_window import MainWindow
    made = []

    def make(registry=None):
        w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat),
                       data_dir=str(tmp_path / "data"), registry=registry)
        w.files.ask_unsaved = lambda: "discard"
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


@pytest.fixture
def make_area(qtbot):
    """Factory: a shown PreviewArea (viewer and timeline widgets) on a 64 MiB frame cache,
    closed after the test."""
    from studio.engine.cache import FrameCache
    from studio.ui.preview.area import PreviewArea
    made = []

    def make(width=400, height=300, auto_thumbnails=True):
        a = PreviewArea(FrameCache(64 << 20))
        a.auto_thumbnails = auto_thumbnails
        for w in (a.viewer_widget, a.timeline_widget):
            qtbot.addWidget(w)
            w.resize(width, height)
            w.show()
        made.append(a)
        return a

    yield make
    for a in made:
        a.close()
