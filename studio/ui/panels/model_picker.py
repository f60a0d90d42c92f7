"""The model picker of a loader's path parameter (one that declares ``models``): the models found in
the models folders (diffusers folders, the Hugging Face cache, a ComfyUI folder), grouped by family,
each with its variant, file, kind, size, dtype or quantisation and the fastest memory mode
predicted to fit this machine (every mode's predicted peak in its tooltip). Choosing one sets the
parameter; typing a path still works (the panel's line edit).

The list comes from the node's declaration (``spec.cls.model_choices(kinds, refresh)``: the
catalog of nodes/video_models, headers only, cached), never from node code imported here."""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from studio.core import models as model_paths

from .tree_filter import filter_grouped

COLUMNS = ("Model", "Size", "Type", "Fits", "Kind", "File")
FIT = COLUMNS.index("Fits")
FIT_COLOURS = {"gpu": "#7bd88f", "none": "#ff6e6e"}  # any other mode: amber
ENTRY = Qt.UserRole + 1


def start_dir(param, text: str, base: str) -> str:
    """Where the "…" file dialog of a models path opens: the chosen model's folder, else the
    models folder of its kind (ComfyUI's ``loras`` for a LoRA), else the graph's folder."""
    if text.strip():
        found = model_paths.resolve(text, base)
        if found:
            return found if os.path.isdir(found) and param.mode == "dir" else os.path.dirname(found) or found
    return model_paths.start_dir(param.models) or base


def value_for(param, entry: dict) -> str:
    """What the parameter is set to: the model's name under the models folders where the node
    looks names up and it finds this very model by it; else its full path."""
    name, path = entry.get("name", ""), entry["path"]
    if param.lookup and name and model_paths.resolve(name) == os.path.abspath(path):
        return name
    return path


def _fit_tip(e: dict) -> str:
    peaks = e.get("peaks") or {}
    if not peaks:
        return "no memory plan (not a model the loader runs on its own)"
    gb = 1024 ** 3
    return "predicted peak per memory mode (90 % of the memory may be used):\n" + "\n".join(
        f"  {m}: {p / gb:.1f} GB {'fits' if e['fits'].get(m) else 'does not fit'}" for m, p in peaks.items())


class ModelPicker(QDialog):
    """The found models of ``kinds`` in a tree grouped by family; ``chosen`` is the entry (a dict)
    after OK or a double click."""

    def __init__(self, title: str, kinds: str, find: Callable[..., dict], current: str = "", parent=None,
                 families: Callable[[], list] | None = None):
        super().__init__(parent)
        self.families = families  # the node's model families (Node.model_families), for "Families…"
        self.setWindowTitle(f"Choose {title}")
        self.kinds, self.find, self.current = kinds, find, current
        self.chosen: dict | None = None
        lay = QVBoxLayout(self)
        self.machine = QLabel(self)
        self.machine.setStyleSheet("color:#aaa")
        lay.addWidget(self.machine)
        row = QHBoxLayout()
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("filter: family, variant, file, dtype…")
        self.filter.textChanged.connect(self.apply_filter)
        self.refresh_button = QPushButton("Rescan", self)
        self.refresh_button.setToolTip("read every header again (the list is cached by file size and date)")
        self.refresh_button.clicked.connect(lambda: self.load(refresh=True))
        row.addWidget(self.filter, 1)
        row.addWidget(self.refresh_button)
        if families is not None:
            self.families_button = QPushButton("Families…", self)
            self.families_button.setToolTip("every kind of model Studio reads, as Help > Model families lists them: "
                                            "variants, tasks and their inputs, file formats, templates (main.py families)")
            self.families_button.clicked.connect(self.show_families)
            row.addWidget(self.families_button)
        lay.addLayout(row)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._choose(item))
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._update_ok(cur))
        lay.addWidget(self.tree, 1)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color:#aaa")
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.notes)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(lambda: self._choose(self.tree.currentItem()))
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.load()
        screen = self.screen() or QGuiApplication.primaryScreen()  # fits a 1024x700 screen
        r = screen.availableGeometry() if screen is not None else None
        self.resize(min(940, r.width() - 40) if r else 940, min(480, r.height() - 60) if r else 480)

    def load(self, refresh: bool = False) -> None:
        try:
            data = self.find(self.kinds, refresh)
        except Exception as e:  # noqa: BLE001 - the node's module failed to load, a folder vanished: say so
            data = {"models": [], "notes": [f"the models could not be listed: {type(e).__name__}: {e}"]}
        models = data.get("models", [])
        dirs = [d for d in model_paths.model_dirs() if os.path.isdir(d)]
        self.machine.setText(f"{len(models)} model(s) in {', '.join(dirs[:3]) or 'no models folder'}"
                             f"{' …' if len(dirs) > 3 else ''} — memory fit for {data.get('machine', '?')}")
        self.machine.setToolTip("\n".join(dirs))
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        current = None
        for e in models:
            g = e.get("family_title") or ("Not recognised" if e["kind"] == "unknown" else "Other")
            if g not in groups:
                groups[g] = QTreeWidgetItem(self.tree, [g])
                f = QFont(groups[g].font(0))
                f.setBold(True)
                groups[g].setFont(0, f)
                groups[g].setFlags(Qt.ItemIsEnabled)
                groups[g].setFirstColumnSpanned(True)
            best = e.get("best") or ("none" if e.get("fits") else "")
            item = QTreeWidgetItem(groups[g], [e.get("variant") or "?", e.get("size_text", ""), e.get("dtype", ""),
                                               e.get("fit_short", ""), e.get("kind_title", ""), e.get("name", "")])
            item.setData(0, ENTRY, e)
            tip = e["path"] + "".join(f"\n{e[k]}" for k in ("note", "needs") if e.get(k))  # needs: what it cannot run without
            for c in range(len(COLUMNS)):
                item.setToolTip(c, tip)
            item.setToolTip(FIT, (e.get("fit") + "\n" if e.get("fit") else "") + _fit_tip(e))
            if best:
                item.setForeground(FIT, QBrush(QColor(FIT_COLOURS.get(best, "#e5c07b"))))
            if e["kind"] == "unknown":
                item.setFlags(Qt.ItemIsEnabled)  # shown, with what it holds, but not chosen
                item.setForeground(0, QBrush(QColor("#888")))
            if self.current and self.current in (e.get("name"), e["path"]):
                current = item
        self.tree.expandAll()
        self.tree.setColumnHidden(FIT, not any(e.get("fits") for e in models))  # LoRAs, VAEs: no plan
        for c in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(c)
        notes = data.get("notes") or []
        self.notes.setText("" if models else "No model of this kind was found: choose where your models are in "
                           "Edit > Preferences… (a models folder, a ComfyUI folder), or type a path.")
        if notes:
            self.notes.setText((self.notes.text() + " " if self.notes.text() else "") +
                               f"{len(notes)} note(s): " + "; ".join(notes[:3]) + (" …" if len(notes) > 3 else ""))
            self.notes.setToolTip("\n".join(notes))
        if current is not None:
            self.tree.setCurrentItem(current)
        self._update_ok(self.tree.currentItem())
        self.apply_filter(self.filter.text())

    def show_families(self) -> None:
        from studio.ui.panels.families import FamiliesDialog
        self.families_dialog = FamiliesDialog(self.families(), self)
        self.families_dialog.open()

    def items(self) -> list[QTreeWidgetItem]:
        """The model rows (not the family headings)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            out += [g.child(j) for j in range(g.childCount())]
        return out

    def apply_filter(self, text: str) -> None:
        filter_grouped(self.tree, text, lambda g, row: " ".join([g.text(0)] + [row.text(c) for c in range(len(COLUMNS))]))

    def _update_ok(self, item) -> None:
        ok = item is not None and item.data(0, ENTRY) is not None and bool(item.flags() & Qt.ItemIsSelectable)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(ok)

    def _choose(self, item) -> None:
        if item is None or item.data(0, ENTRY) is None or not item.flags() & Qt.ItemIsSelectable:
            return
        self.chosen = item.data(0, ENTRY)
        self.accept()
