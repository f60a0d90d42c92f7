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


@pytest.fixture(scope="session")
def nodes_registry():
    """The built-in nodes and those of ``nodes/`` (the window's own registry, made once)."""
    from studio.core import builtin_nodes
    from studio.core.registry import Registry
    r = Registry()
    r.register_module(builtin_nodes)
    r.discover("nodes")
    return r


@pytest.fixture
def nodes_window(open_window, nodes_registry, tmp_path, monkeypatch):
    """A shown window on :func:`nodes_registry`, its project folder in tmp_path."""
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    return open_window(nodes_registry)


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A graph's own folder ('shared') and one outside every allowed folder ('outside'); the
    session's allowed folders forgotten before and after."""
    from studio.core import confine
    monkeypatch.delenv("STUDIO_ALLOWED_DIRS", raising=False)
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    confine.forget_session()
    (tmp_path / "shared").mkdir()
    (tmp_path / "outside").mkdir()
    yield tmp_path / "shared", tmp_path / "outside"
    confine.forget_session()


@pytest.fixture
def comfy_win(nodes_window, tmp_path, monkeypatch):
    """:func:`nodes_window` with its settings and caches in tmp_path, no models folder of its own or
    Hugging Face cache, and a tiny ComfyUI folder at tmp_path / 'ComfyUI' (not yet in the settings)."""
    from tests.video_models import layouts as L
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    L.comfy_folder(str(tmp_path / "ComfyUI"))
    return nodes_window


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The user's data folder (the library of sub-graphs, presets) in tmp_path."""
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"
