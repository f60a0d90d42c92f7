"""Edit > Preferences… writes the settings file the engine reads (issue 25, point 2): models folder,
extra folders, the Hugging Face cache, the project folder and the allowed output folders."""
import json
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog


@pytest.fixture
def config(tmp_path, monkeypatch):
    d = tmp_path / "config"
    d.mkdir()
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(d))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    return d


def test_preferences_dialog_writes_the_settings_the_engine_reads(qtbot, config, tmp_path, monkeypatch):
    from studio.core import models, settings
    from studio.ui.dialogs.preferences import PreferencesDialog
    (config / settings.SETTINGS_FILE).write_text(json.dumps(
        {"models_dir": str(tmp_path / "old"), "extra_dirs": [str(tmp_path / "comfy")], "use_hf_cache": True,
         "someone_elses_key": 7}))
    new_models, extra, renders, proj = (tmp_path / n for n in ("models", "more", "renders", "proj"))
    for d in (new_models, extra, renders, proj):
        d.mkdir()
    d = PreferencesDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    # what the file holds is shown
    assert d.models_dir.edit.text() == str(tmp_path / "old")
    assert d.extra_dirs.folders() == [str(tmp_path / "comfy")]
    assert d.use_hf_cache.isChecked()
    # the user types a models folder, picks folders with Add… and unticks the HF cache
    d.models_dir.edit.clear()
    qtbot.keyClicks(d.models_dir.edit, str(new_models))
    picks = iter([str(extra), str(renders)])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: next(picks)))
    qtbot.mouseClick(d.extra_dirs.add_button, Qt.LeftButton)
    qtbot.mouseClick(d.allowed_dirs.add_button, Qt.LeftButton)
    d.extra_dirs.list.setCurrentRow(0)  # the old ComfyUI folder: removed
    qtbot.mouseClick(d.extra_dirs.remove_button, Qt.LeftButton)
    qtbot.keyClicks(d.project_dir.edit, str(proj))
    d.use_hf_cache.click()
    with qtbot.waitSignal(d.saved, timeout=2000):
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    s = settings.load_settings()
    assert s["models_dir"] == str(new_models)
    assert s["extra_dirs"] == [str(extra)]
    assert s["use_hf_cache"] is False
    assert s["project_dir"] == str(proj)
    assert s["allowed_dirs"] == [str(renders)]
    assert s["someone_elses_key"] == 7  # keys this version does not know are kept
    # the engine's model search reads the same file
    assert models.model_dirs()[:2] == [str(new_models), str(extra)]


def test_preferences_refuses_a_file_as_a_folder_and_stays_open(qtbot, config, tmp_path):
    from studio.core import settings
    from studio.ui.dialogs.preferences import PreferencesDialog
    f = tmp_path / "a_file"
    f.write_text("x")
    d = PreferencesDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClicks(d.models_dir.edit, str(f))
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert d.isVisible() and "is a file, not a folder" in d.error_label.text()
    assert not os.path.exists(settings.settings_path())  # nothing written


def test_the_models_error_says_where_the_setting_is(config):
    from nodes.video_models.loading.node import find_model
    from studio.core.errors import StudioError
    with pytest.raises(StudioError) as e:
        find_model("org/missing-model", None)
    assert "Edit > Preferences" in str(e.value)
