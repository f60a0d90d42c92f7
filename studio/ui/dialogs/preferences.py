"""Edit > Preferences… (Ctrl+,): the settings file every part of Studio reads
(``studio.core.settings``): where pretrained models are (the models folder, extra folders, a
ComfyUI folder, an existing Hugging Face cache), the project folder an unsaved graph's relative
paths mean, the folders besides the graph's own and the project folder that graphs may write into,
and the size of the disk cache of expensive nodes' outputs.

OK writes the file through ``save_settings`` (atomic; keys this version does not know are kept),
so the engine, ``main.py render`` and the next session see the same values. Imports nothing from
the main window: ``python -m studio.ui.dialogs.preferences`` opens it alone.
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton,
                               QSizePolicy, QTabWidget, QVBoxLayout, QWidget)

from studio.core import settings as S
from studio.core.project import default_project_dir

from studio.ui.whole_text import follow, follow_items

MENU_PATH = "Edit > Preferences…"  # where the models error and the README send the user


def _clean(path: str) -> str:
    path = path.strip()
    return os.path.abspath(os.path.expanduser(path)) if path else ""


class FolderField(QWidget):
    """A folder: a line edit and a Browse… button."""

    def __init__(self, text: str, placeholder: str, caption: str, parent=None, note: str = ""):
        super().__init__(parent)
        self.caption = caption
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(text, self)
        self.edit.setPlaceholderText(placeholder)
        follow(self.edit, note)  # the whole folder in its tooltip (after what it is for): a long one is cut at 1024x700
        self.edit.setMinimumWidth(260)
        self.browse = QPushButton("Browse…", self)
        self.browse.clicked.connect(self._browse)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.browse)

    def _browse(self) -> None:
        start = self.edit.text() or self.edit.placeholderText()
        d = QFileDialog.getExistingDirectory(self, self.caption, start if os.path.isdir(start) else "")
        if d:
            self.edit.setText(d)

    def text(self) -> str:
        return _clean(self.edit.text())


class FolderList(QWidget):
    """A list of folders with Add… and Remove."""

    def __init__(self, folders: list[str], caption: str, parent=None, can_add: bool = True):
        super().__init__(parent)
        self.caption = caption
        self.removed: list[str] = []  # taken out of the list (their permission is revoked on OK)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        follow_items(self.list)  # each folder whole in its tooltip
        self.list.addItems(folders)
        self.list.setMinimumHeight(48)
        self.list.setMaximumHeight(96)  # a few folders; it scrolls beyond (the dialog fits 1024x700)
        self.list.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        side = QVBoxLayout()
        self.add_button = QPushButton("Add…", self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda r: self.remove_button.setEnabled(r >= 0))
        self.remove_button.setEnabled(False)
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        self.add_button.setVisible(can_add)
        side.addStretch(1)
        lay.addWidget(self.list, 1)
        lay.addLayout(side)

    def _add(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.caption)
        if d:
            self.add(d)

    def add(self, folder: str) -> None:
        folder = _clean(folder)
        if folder and folder not in self.folders():
            self.list.addItem(folder)
            self.list.setCurrentRow(self.list.count() - 1)

    def _remove(self) -> None:
        r = self.list.currentRow()
        if r >= 0:
            self.removed.append(self.list.takeItem(r).text())

    def folders(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


def _page(group: QWidget) -> QWidget:
    """A tab's page: the group at its natural height, at the top (not stretched over the page)."""
    page = QWidget()
    lay = QVBoxLayout(page)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(group)
    lay.addStretch(1)
    return page


def _session_folders() -> list[str]:
    """The folders this session allowed (to write into, or read from), each once."""
    from studio.core.confine import session_dirs, session_read_dirs
    return list(dict.fromkeys(session_dirs() + session_read_dirs()))


class PreferencesDialog(QDialog):
    """The settings file as a form. ``saved(path)`` after OK wrote it."""

    saved = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        s = S.load_settings()
        lay = QVBoxLayout(self)

        models = QGroupBox("Pretrained models", self)
        form = QFormLayout(models)
        chosen = "" if s["models_dir"] == S.default_models_dir() else s["models_dir"]  # empty: the default
        self.models_dir = FolderField(chosen, S.default_models_dir(),
                                      "Models folder", models)
        form.addRow("Models folder", self.models_dir)
        self.extra_dirs = FolderList(s["extra_dirs"], "Add a folder of models", models)
        form.addRow("Extra folders", self.extra_dirs)
        self.comfyui_dir = FolderField(s["comfyui_dir"], "a ComfyUI folder (optional)", "ComfyUI folder", models,
                                       note="ComfyUI's folder: its models/ (diffusion_models or unet, text_encoders "
                                            "or clip, vae, loras, clip_vision, checkpoints) and the folders its "
                                            "extra_model_paths.yaml adds are searched too, read as they are")
        form.addRow("ComfyUI folder", self.comfyui_dir)
        from studio.core.models import hf_cache_dir
        hf = hf_cache_dir()
        self.use_hf_cache = QCheckBox("Also use the Hugging Face cache" + (f" ({hf})" if hf else
                                                                           " (none on this machine)"), models)
        self.use_hf_cache.setChecked(bool(s["use_hf_cache"]))
        form.addRow("", self.use_hf_cache)
        env = os.environ.get("STUDIO_MODELS")
        hint = ("Load Video Model looks for a model's name in these folders, in this order. Studio never "
                "downloads.")
        if env:
            hint += f" STUDIO_MODELS is set ({env}): its folders are searched first."
        self.models_hint = self._hint(hint, models)
        form.addRow(self.models_hint)
        # three pages: at 1024x700 one column of every group squeezed the folder lists to a line each, their
        # buttons over one another (seen under Xvfb once the read and session folders joined, issue 104)
        self.pages = QTabWidget(self)
        self.pages.addTab(_page(models), "Models")
        lay.addWidget(self.pages, 1)

        files = QGroupBox("Files", self)
        form = QFormLayout(files)
        self.project_dir = FolderField(s["project_dir"], default_project_dir(), "Project folder", files)
        form.addRow("Project folder", self.project_dir)
        penv = os.environ.get("STUDIO_PROJECT_DIR")
        form.addRow(self._hint("Relative paths of a graph not saved yet mean this folder (a saved graph's "
                               "mean its own folder)." +
                               (f" STUDIO_PROJECT_DIR is set ({penv}) and wins over this." if penv else ""), files))
        self.allowed_dirs = FolderList(s["allowed_dirs"], "Allow graphs to write into a folder", files)
        form.addRow("Allowed output folders", self.allowed_dirs)
        form.addRow(self._hint("A graph may write into its own folder and the project folder; add the other "
                               "folders renders, checkpoints and LoRAs may go to (a renders disk, a shared "
                               "drive). A graph from elsewhere cannot write anywhere else.", files))
        # the other folders the artist gave, each revocable (issue 104 item 6): those a file was picked or
        # typed in (read from, kept), and those allowed for this session only (the window's question, a
        # typed output, --allow-dir)
        self.read_dirs = FolderList(s["read_dirs"], "Allow graphs to read from a folder", files)
        form.addRow("Folders read from", self.read_dirs)
        self.session_dirs = FolderList(_session_folders(), "", files, can_add=False)
        form.addRow("This session only", self.session_dirs)
        form.addRow(self._hint("Read from: the folders you picked or typed a file in (kept). This session only: "
                               "folders allowed until Studio closes. Remove, then OK, revokes a folder at once.",
                               files))
        self.pages.addTab(_page(files), "Folders")
        self.pages.addTab(_page(self._disk_cache_group(s)), "Disk cache")

        self.path_label = QLabel(f"Saved in {S.settings_path()}", self)
        self.path_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.path_label.setStyleSheet("color: #999")
        self.path_label.setWordWrap(True)
        lay.addWidget(self.path_label)
        self.error_label = QLabel("", self)
        self.error_label.setStyleSheet("color: #e0625a")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        lay.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        from studio.ui.dialogs.sizing import resize_fitted
        resize_fitted(self, 640, self.sizeHint().height(), margin=40)

    def _disk_cache_group(self, s: dict) -> QGroupBox:
        """The disk cache (studio.engine.disk_cache): its size (0: off), where it is, what it
        holds, and a button that empties it."""
        from studio.engine.disk_cache import DiskCache
        box = QGroupBox("Disk cache", self)
        form = QFormLayout(box)
        self.cache = DiskCache()
        self.disk_cache_gb = QDoubleSpinBox(box)
        self.disk_cache_gb.setRange(0.0, 100000.0)
        self.disk_cache_gb.setDecimals(1)
        self.disk_cache_gb.setSuffix(" GB")
        self.disk_cache_gb.setSpecialValueText("off")
        self.disk_cache_gb.setValue(float(s["disk_cache_gb"]))
        self.clear_cache = QPushButton("Empty", box)
        self.clear_cache.clicked.connect(self._empty_cache)
        row = QHBoxLayout()
        row.addWidget(self.disk_cache_gb, 1)
        row.addWidget(self.clear_cache)
        form.addRow("Size", row)
        self.cache_label = self._hint("", box)
        self._show_cache_use()
        form.addRow(self.cache_label)
        return box

    def _show_cache_use(self) -> None:
        genv = os.environ.get("STUDIO_DISK_CACHE_GB")
        used = self.cache.size()
        used_text = f"{used / 1e9:.2f} GB" if used >= 1e9 else f"{used / 1e6:.1f} MB"
        self.cache_label.setText(
            f"Clips of generators, samplers and trackers are kept here between runs and sessions, the least "
            f"recently used going first when it is full; `main.py render --no-cache` skips it. Now "
            f"{used_text} in {os.path.dirname(self.cache.folder)}."
            + (f" STUDIO_DISK_CACHE_GB is set ({genv}) and wins over this." if genv else ""))

    def _empty_cache(self) -> None:
        self.cache.clear()
        self._show_cache_use()

    @staticmethod
    def _hint(text: str, parent) -> QLabel:
        lab = QLabel(text, parent)
        lab.setWordWrap(True)
        lab.setStyleSheet("color: #aaa")
        return lab

    def values(self) -> dict:
        """The settings as the form holds them. An empty models folder means the default one."""
        return {"models_dir": self.models_dir.text() or S.default_models_dir(),
                "extra_dirs": self.extra_dirs.folders(),
                "use_hf_cache": self.use_hf_cache.isChecked(),
                "comfyui_dir": self.comfyui_dir.text(),
                "project_dir": self.project_dir.text(),
                "allowed_dirs": self.allowed_dirs.folders(),
                "read_dirs": self.read_dirs.folders(),
                "disk_cache_gb": round(self.disk_cache_gb.value(), 1)}

    def problems(self, v: dict) -> list[str]:
        out = []
        for label, p in (("the models folder", v["models_dir"]), ("the project folder", v["project_dir"])):
            if p and os.path.exists(p) and not os.path.isdir(p):
                out.append(f"{label} {p} is a file, not a folder")
        if v["comfyui_dir"]:
            from studio.core.comfy_paths import models_dir_of
            if models_dir_of(v["comfyui_dir"]) is None:
                out.append(f"the ComfyUI folder {v['comfyui_dir']} has no models folder (choose the folder "
                           "ComfyUI is installed in, or its models folder)")
        for p in v["extra_dirs"] + v["allowed_dirs"]:
            if os.path.exists(p) and not os.path.isdir(p):
                out.append(f"{p} is a file, not a folder")
        return out

    def accept(self) -> None:  # noqa: D102 - OK: write the file, or say why not and stay open
        v = self.values()
        bad = self.problems(v)
        if bad:
            self._error("; ".join(bad))
            return
        try:
            path = S.save_settings(v)
        except OSError as e:
            self._error(f"could not save {S.settings_path()}: {e.strerror or e}")
            return
        from studio.core.confine import forget_for_session
        for folder in self.allowed_dirs.removed + self.read_dirs.removed + self.session_dirs.removed:
            if folder not in v["allowed_dirs"] + v["read_dirs"]:  # removed, not moved: revoked now
                forget_for_session(folder)
        self.saved.emit(path)
        super().accept()

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()


def edit_preferences(parent=None) -> bool:
    """Open the dialog modally (through the window's ``run_dialog`` hook, which tests replace, and
    saying in its log where the file went); True when OK saved the settings."""
    dlg = PreferencesDialog(parent)
    if hasattr(parent, "log"):
        dlg.saved.connect(lambda path: parent.log(f"preferences saved in {path}", "ok"))
    if hasattr(parent, "run_dialog"):
        return parent.run_dialog(dlg)
    return dlg.exec() == QDialog.Accepted


if __name__ == "__main__":  # pragma: no cover - a look at the dialog alone
    import sys

    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv)
    from studio.ui.theme import apply_theme
    apply_theme(app)
    d = PreferencesDialog()
    d.show()
    sys.exit(app.exec())
