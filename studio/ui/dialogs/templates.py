"""File > New from Template: a dialog listing the ready pipelines in ``assets/graphs``.

A template is a graph file whose ``ui.template`` is ``{"title", "description"}``; its thumbnail is
the PNG of the same name beside it. Choosing one opens it as a new untitled document: its media
paths are made absolute and its ``base_dir`` is None, so its outputs go to the project folder
(see project_paths.py).

Each card says what its template needs: the pretrained models its parameters name, each found or
missing in the models folders (``studio.core.template_models``, looked up once per opening of the
browser), or that it needs none and runs as shipped on a laptop CPU (or, for a template made for a
GPU, ``ui.template.gpu``, that it is)."""
from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QVBoxLayout, QWidget)

from studio.core.assets import TEMPLATES_DIR  # noqa: F401 - re-exported for callers
from studio.core.template_models import Finder, Need, needed_models
from studio.ui.text import escape_html
from studio.ui.dialogs.sizing import resize_fitted

THUMB = QSize(192, 120)
PATH_ROLE = Qt.UserRole + 1
TITLE_ROLE = Qt.UserRole + 2


@dataclass(frozen=True)
class Template:
    name: str            # file stem
    path: str            # the graph file
    title: str
    description: str
    thumbnail: str | None
    needs: tuple[Need, ...] = ()  # the pretrained models its parameters name
    gpu: bool = False              # made for a CUDA GPU (far too slow on a CPU)


def list_templates(folder: str | os.PathLike | None = None, registry=None) -> list[Template]:
    """The templates in ``folder`` (the shipped ones by default), sorted by title. Graph files
    without ``ui.template`` (examples, work in progress) and unreadable files are left out.
    ``registry``: the node declarations that say which parameters name models (the default one)."""
    folder = str(folder or TEMPLATES_DIR)
    if registry is None:
        from studio.core.registry import default_registry
        registry = default_registry()
    out = []
    for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            with open(p, encoding="utf-8") as f:
                doc = json.load(f)
            t = doc.get("ui", {}).get("template")
        except (OSError, ValueError, AttributeError):
            continue
        if not isinstance(t, dict):
            continue
        stem = os.path.splitext(os.path.basename(p))[0]
        thumb = os.path.join(folder, stem + ".png")
        out.append(Template(stem, p, str(t.get("title") or stem), str(t.get("description") or ""),
                            thumb if os.path.exists(thumb) else None, tuple(needed_models(doc, registry)),
                            t.get("gpu") is True))
    return sorted(out, key=lambda t: t.title.lower())


def _placeholder_icon(title: str) -> QPixmap:
    pm = QPixmap(THUMB)
    pm.fill(QColor(45, 48, 52))
    p = QPainter(pm)
    p.setPen(QColor(150, 150, 150))
    p.drawText(pm.rect(), Qt.AlignCenter | Qt.TextWordWrap, title)
    p.end()
    return pm


def _thumb(t: Template) -> QPixmap:
    pm = QPixmap(t.thumbnail) if t.thumbnail else QPixmap()
    if pm.isNull():
        return _placeholder_icon(t.title)
    return pm.scaled(THUMB, Qt.KeepAspectRatio, Qt.SmoothTransformation)


FOUND, MISSING = "#8fd18f", "#f0a050"


def needs_html(t: Template, found) -> str:
    """What ``t`` needs, in a line: each model with found or missing (``found(name)``), or that it
    needs none."""
    if not t.needs:
        return ("needs no model; made for a CUDA GPU (far too slow on a CPU)" if t.gpu else
                "needs no model: runs as shipped on a laptop CPU")
    parts = [f"{escape_html(n.label)} <span style='color:{FOUND if found(n.name) else MISSING}; font-weight:600'>"
             f"({'found' if found(n.name) else 'missing'})</span>" for n in t.needs]
    return "needs: " + ", ".join(parts)


def _tooltip(t: Template, found) -> str:
    models = "".join(f"<br>{escape_html(n.label)}: '{escape_html(n.name)}' ({escape_html(n.title)} &gt; {n.param}), "
                     f"{'found' if found(n.name) else 'missing from the models folders'}" for n in t.needs)
    return (f"<b>{escape_html(t.title)}</b><br>{escape_html(t.description)}{models}"
            f"<br><span style='color:#888'>{escape_html(t.path)}</span>")


class _Row(QWidget):
    """One template: thumbnail, title in bold, its line of description, what it needs."""

    def __init__(self, t: Template, found, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)  # clicks select the list item
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.thumb = QLabel(self)
        self.thumb.setPixmap(_thumb(t))
        self.thumb.setFixedSize(THUMB)
        self.thumb.setAlignment(Qt.AlignCenter)
        self.text = QLabel(f"<b style='font-size:13pt'>{escape_html(t.title)}</b><br>"
                           f"<span style='color:#c8c8c8'>{escape_html(t.description)}</span>", self)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignLeft | Qt.AlignBottom)
        self.needs = QLabel(f"<span style='color:#a8a8a8'>{needs_html(t, found)}</span>", self)
        self.needs.setWordWrap(True)
        self.needs.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(4)
        col.addWidget(self.text, 1)
        col.addWidget(self.needs, 1)
        lay.addWidget(self.thumb)
        lay.addLayout(col, 1)


class TemplateBrowser(QDialog):
    """A list of templates, each with its thumbnail, title and one line of description.
    Double-click or Enter opens the chosen one; ``chosen()`` is its path. ``finder``: where the
    cards look their models up (by default the models folders, listed once per opening)."""

    def __init__(self, templates: list[Template] | None = None, parent=None, registry=None,
                 finder: Finder | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from Template")
        self.templates = list_templates(registry=registry) if templates is None else list(templates)
        self.finder = finder if finder is not None else Finder()
        lay = QVBoxLayout(self)
        head = QLabel("Start from a ready pipeline; its note on the canvas says which knobs matter. A template "
                      "that needs pretrained models names them, found or missing in your models folders "
                      "(Edit > Preferences…).", self)
        head.setWordWrap(True)
        lay.addWidget(head)
        self.list = QListWidget(self)
        self.list.setSpacing(2)
        self.list.setUniformItemSizes(True)
        for t in self.templates:
            it = QListWidgetItem()
            it.setData(PATH_ROLE, t.path)
            it.setData(TITLE_ROLE, t.title)
            it.setToolTip(_tooltip(t, self.finder.found))
            it.setSizeHint(QSize(THUMB.width() + 400, THUMB.height() + 12))
            self.list.addItem(it)
            self.list.setItemWidget(it, _Row(t, self.finder.found, self.list))
        lay.addWidget(self.list, 1)
        if not self.templates:
            lay.addWidget(QLabel(f"No templates found in {TEMPLATES_DIR}.", self))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel, self)
        self.open_button = self.buttons.button(QDialogButtonBox.Open)
        self.open_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.list.currentRowChanged.connect(lambda r: self.open_button.setEnabled(r >= 0))
        if self.templates:
            self.list.setCurrentRow(0)
        self.open_button.setEnabled(bool(self.templates))
        self.list.setFocus()
        resize_fitted(self, 680, min(720, 140 + len(self.templates) * (THUMB.height() + 20)), margin=40)

    def chosen(self) -> str | None:
        it = self.list.currentItem()
        return it.data(PATH_ROLE) if it is not None else None

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()
