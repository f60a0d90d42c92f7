"""The disk cache's size in Edit > Preferences… (issue 48, item 5): shown, typed, saved where the
engine reads it (0 turns the cache off), and the Empty button empties it."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_DISK_CACHE_GB", raising=False)
    return tmp_path


def _dialog(qtbot):
    from studio.ui.dialogs.preferences import PreferencesDialog
    d = PreferencesDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _type(qtbot, spin, text: str) -> None:
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def test_size_typed_in_preferences_is_the_engines(qtbot, env):
    from studio.core.settings import DEFAULT_DISK_CACHE_GB, load_settings
    from studio.engine.disk_cache import DiskCache
    d = _dialog(qtbot)
    assert d.disk_cache_gb.value() == DEFAULT_DISK_CACHE_GB and str(env / "cache") in d.cache_label.text()
    _type(qtbot, d.disk_cache_gb, "2.5")
    with qtbot.waitSignal(d.saved, timeout=2000):
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert load_settings()["disk_cache_gb"] == 2.5
    assert DiskCache.from_settings().max_bytes == int(2.5e9)
    d = _dialog(qtbot)
    assert d.disk_cache_gb.value() == 2.5
    _type(qtbot, d.disk_cache_gb, "0")
    assert d.disk_cache_gb.text() == "off"
    with qtbot.waitSignal(d.saved, timeout=2000):
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert DiskCache.from_settings() is None


def test_empty_button_empties_the_cache(qtbot, env):
    from studio.engine.disk_cache import DiskCache
    dc = DiskCache()
    dc.put("ab" * 16, {"a": np.zeros(250_000, np.float32)})
    d = _dialog(qtbot)
    assert "Now 1.0 MB in" in d.cache_label.text()
    qtbot.mouseClick(d.clear_cache, Qt.LeftButton)
    assert dc.size() == 0 and dc.get("ab" * 16) == (None, "")
    assert "Now 0.0 MB in" in d.cache_label.text()
