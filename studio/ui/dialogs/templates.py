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

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget)

from studio.core.assets import TEMPLATES_DIR  # noqa: F401 - re-exported for callers
from studio.core.template_categories import ORDER, OTHER, category_of
from studio.core.template_models import Finder, Need, needed_models
from studio.ui import app_filters
from studio.ui.text import escape_html
from studio.ui.dialogs.sizing import resize_fitted

THUMB = QSize(192, 120)
FIRST_CARDS, MORE_CARDS = 6, 3  # the cards made as the browser opens (those in sight), then at each turn of the loop
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
    category: str = OTHER          # its shelf in the browser (studio.core.template_categories)
    wants: tuple[Want, ...] = ()   # files it is made for but runs without (ui.template.wants)
    requires: tuple[Require, ...] = ()  # what it cannot run without besides its models (ui.template.requires)

    def words(self) -> str:
        """Everything the search box matches: title, description, the files and their folders (not the
        shelf: the box beside it chooses that)."""
        return " ".join([self.title, self.description, self.name] +
                        [f"{n.label} {n.name} {n.folder}" for n in self.needs] +
                        [f"{w.label} {w.folder}" for w in self.wants] + [r.label for r in self.requires]).lower()


@dataclass(frozen=True)
class Want:
    """A file a template is made for but runs without (Wan-Move's file beside the plain Wan I2V it
    also runs on): its name in words, its kind folder, the fragments its file name holds, and what
    runs without it."""
    label: str
    folder: str
    match: tuple[str, ...]
    without: str


@dataclass(frozen=True)
class Require:
    """What a template cannot run without besides the models its parameters name (Cosmos's guardrail: a Python
    package and the models it reads from the Hugging Face cache): its name in words, the module to import,
    the Hugging Face names of its models and how to get them, in words."""
    label: str
    module: str
    models: tuple[str, ...]
    how: str

    def found(self) -> bool:
        import importlib.util
        from studio.core.models import hf_snapshot
        return importlib.util.find_spec(self.module) is not None and all(hf_snapshot(m) for m in self.models)


def _requires(t: dict) -> tuple[Require, ...]:
    out = []
    for r in t.get("requires") or ():
        if isinstance(r, dict) and r.get("label") and r.get("module"):
            out.append(Require(str(r["label"]), str(r["module"]), tuple(str(m) for m in r.get("models") or ()),
                               str(r.get("how") or "")))
    return tuple(out)


def _wants(t: dict) -> tuple[Want, ...]:
    out = []
    for w in t.get("wants") or ():
        if isinstance(w, dict) and w.get("label") and w.get("match"):
            out.append(Want(str(w["label"]), str(w.get("folder") or ""), tuple(str(m) for m in w["match"]),
                            str(w.get("without") or "")))
    return tuple(out)


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
                            t.get("gpu") is True, category_of(stem, t.get("category")), _wants(t), _requires(t)))
    return sorted(out, key=lambda t: t.title.lower())


def _placeholder_icon(title: str) -> QPixmap:
    pm = QPixmap(THUMB)
    pm.fill(QColor(45, 48, 52))
    p = QPainter(pm)
    p.setPen(QColor(150, 150, 150))
    p.drawText(pm.rect(), Qt.AlignCenter | Qt.TextWordWrap, title)
    p.end()
    return pm


_THUMBS: dict[tuple, QPixmap] = {}  # (file, its time) -> its card's picture: read and scaled once a process


def _thumb(t: Template) -> QPixmap:
    try:
        key = (t.thumbnail, os.path.getmtime(t.thumbnail)) if t.thumbnail else None
    except OSError:
        key = None
    if key in _THUMBS:
        return _THUMBS[key]
    pm = QPixmap(t.thumbnail) if t.thumbnail else QPixmap()
    if pm.isNull():
        return _placeholder_icon(t.title)
    _THUMBS[key] = pm = pm.scaled(THUMB, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    return pm


FOUND, MISSING = "#8fd18f", "#f0a050"


def _found_word(ok: bool, missing: str = "missing") -> str:
    return (f"<span style='color:{FOUND if ok else MISSING}; font-weight:600'>"
            f"({'found' if ok else missing})</span>")


def _named(n: Need) -> str:
    """A need in words, with its file's name where it is one file ('Upscale x2: RealESRGAN_x2plus.pth')."""
    from studio.core.template_models import FILE_EXTS
    base = os.path.basename(n.name)
    return f"{n.label}: {base}" if base.lower().endswith(FILE_EXTS) and base not in n.label else n.label


def needs_html(t: Template, found, wanted=None) -> str:
    """What ``t`` needs, a line a file: each model found or missing (``found(name)``) and the folder it
    goes in; the files it is made for but runs without (``wanted(want)``); or that it needs none."""
    if not t.needs:
        return ("needs no model; made for a CUDA GPU (far too slow on a CPU)" if t.gpu else
                "needs no model: runs as shipped on a laptop CPU")
    lines = [f"{escape_html(_named(n))} {_found_word(found(n.name))} <span style='color:#888'>→ "
             f"{escape_html(n.folder + '/' if n.folder else 'models folder')}</span>" for n in t.needs]
    for w in t.wants:
        ok = wanted(w) if wanted is not None else False
        word = (f"<span style='color:#888'>(looking…)</span>" if ok is None else  # the scan not done yet
                _found_word(bool(ok), 'missing: ' + w.without if w.without else 'missing'))
        lines.append(f"{escape_html(w.label)} {word} "
                     f"<span style='color:#888'>→ {escape_html(w.folder + '/' if w.folder else 'models folder')}</span>")
    for r in t.requires:  # refused without it: said as a need, with how to get it
        lines.append(f"{escape_html(r.label)} {_found_word(r.found(), 'missing: ' + r.how if r.how else 'missing')}")
    return "needs: " + "<br>".join(lines)


def _tooltip(t: Template, found) -> str:
    models = "".join(f"<br>{escape_html(n.label)}: '{escape_html(n.name)}' ({escape_html(n.title)} &gt; {n.param}), "
                     f"{'found' if found(n.name) else 'missing from the models folders'}: goes in "
                     f"{escape_html(n.where())}" for n in t.needs)
    return (f"<b>{escape_html(t.title)}</b><br>{escape_html(t.description)}{models}"
            f"<br><span style='color:#888'>{escape_html(t.path)}</span>")


class _Row(QWidget):
    """One template: thumbnail, title in bold, its line of description, what it needs."""

    def __init__(self, t: Template, found, parent=None, wanted=None):
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
        self.t, self.found, self.wanted = t, found, wanted
        self.needs = QLabel("", self)
        self.refresh_needs()
        self.needs.setWordWrap(True)
        self.needs.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(4)
        col.addWidget(self.text, 1)
        col.addWidget(self.needs, 1)
        lay.addWidget(self.thumb)
        lay.addLayout(col, 1)

    def refresh_needs(self) -> None:
        self.needs.setText(f"<span style='color:#a8a8a8'>{needs_html(self.t, self.found, self.wanted)}</span>")

    def height_for(self, width: int) -> int:
        """The card's height at ``width``: its wrapped text whole (a card of four files, some wrapping,
        was cut at its last line when its height was counted from its number of files)."""
        return max(THUMB.height() + 12, self.layout().totalHeightForWidth(width))


class _Listed(QObject):
    done = Signal(object)  # {Want: found}, from the thread that listed the models folders


class TemplateBrowser(QDialog):
    """The templates, each with its thumbnail, title, description and the files it needs (found or
    missing, and the folder each goes in), on shelves (a category box) with a search box that matches
    titles, descriptions, shelves, model and folder names. Typing goes to the search; Up/Down/PageUp/
    PageDown move in the list from it, Enter or a double-click opens; the wheel scrolls by pixels, never
    past a card. ``chosen()`` is the path. ``finder``: where the cards look their models up (by default
    the models folders, listed once per opening)."""

    ALL = "All templates"

    def __init__(self, templates: list[Template] | None = None, parent=None, registry=None,
                 finder: Finder | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from Template")
        found = list_templates(registry=registry) if templates is None else list(templates)
        shelf = {c: i for i, c in enumerate(ORDER + (OTHER,))}
        self.templates = sorted(found, key=lambda t: (shelf.get(t.category, len(shelf)), t.title.lower()))
        self.finder = finder if finder is not None else Finder()
        self._wants_found: dict | None = None  # Want -> found, once listed (_look_for_wants)
        self._bridge = _Listed(self)
        self._bridge.done.connect(self._wants_listed)
        lay = QVBoxLayout(self)
        head = QLabel("Start from a ready pipeline; its note on the canvas says which knobs matter. A template "
                      "that needs pretrained models names them, found or missing in your models folders "
                      "(Edit > Preferences…), and the folder each goes in.", self)
        head.setWordWrap(True)
        lay.addWidget(head)
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search: title, model, folder (e.g. voice, VACE, upscale_models)")
        self.search.setClearButtonEnabled(True)
        self.shelf = QComboBox(self)
        shelves = [c for c in ORDER + (OTHER,) if any(t.category == c for t in self.templates)]
        self.shelf.addItems([self.ALL] + shelves)
        row.addWidget(self.search, 1)
        row.addWidget(self.shelf)
        lay.addLayout(row)
        self.list = QListWidget(self)
        self.list.setSpacing(2)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)  # the wheel never skips a card
        self.list.verticalScrollBar().setSingleStep(24)
        for t in self.templates:
            it = QListWidgetItem()
            it.setData(PATH_ROLE, t.path)
            it.setData(TITLE_ROLE, t.title)
            it.setSizeHint(QSize(THUMB.width() + 400, THUMB.height() + 12))  # fit_cards: its height once laid out
            self.list.addItem(it)
        self._unmade = list(range(len(self.templates)))  # the cards still to make (make_cards)
        self.make_cards(FIRST_CARDS)  # those in sight now; the rest a few at a time once the browser is up
        lay.addWidget(self.list, 1)
        self.count = QLabel("", self)
        lay.addWidget(self.count)
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
        self.search.textChanged.connect(self.apply_filter)
        self.shelf.currentTextChanged.connect(self.apply_filter)
        self.search.installEventFilter(self)
        self.list.viewport().installEventFilter(self)  # the cards' heights follow the list's width
        self.apply_filter()
        self.search.setFocus()
        resize_fitted(self, 720, min(760, 180 + len(self.templates) * (THUMB.height() + 20)), margin=40)
        QTimer.singleShot(0, self, self._look_for_wants)  # once the browser is up
        QTimer.singleShot(0, self, self._more_cards)

    @property
    def cards_made(self) -> bool:
        """Every card made (its thumbnail, words and tooltip): the browser makes those in sight as it opens and the
        rest a few at a time (all 36 at once held the GUI thread 0.2-0.5 s, benchmarks/gui_stalls_run.py)."""
        return not self._unmade

    def make_cards(self, n: int | None = None) -> None:
        """The next ``n`` cards still to make (all when None), the window's key filter not asked of their every event."""
        todo, self._unmade = (self._unmade, []) if n is None else (self._unmade[:n], self._unmade[n:])
        with app_filters.paused():
            for i in todo:
                it, t = self.list.item(i), self.templates[i]
                it.setToolTip(_tooltip(t, self.finder.found))
                self.list.setItemWidget(it, _Row(t, self.finder.found, self.list, self._wanted))
        if todo:
            self.fit_cards(todo)  # those just made (fitting every card at each batch held the loop 150-200 ms)

    def _more_cards(self) -> None:
        self.make_cards(MORE_CARDS)
        if self._unmade:
            QTimer.singleShot(0, self, self._more_cards)

    def _wanted(self, w: Want) -> bool | None:
        """Whether the file ``w`` is found; None while the models folders are still being listed."""
        return None if self._wants_found is None else self._wants_found.get(w, False)

    @property
    def looking(self) -> bool:
        """The models folders still being listed for the files the templates are made for (off the GUI thread)."""
        return self._wants_found is None

    def _look_for_wants(self) -> None:
        """The files the templates are made for but run without (Wan-Move's), looked for on a thread of their own:
        listing the models folders took 4-8 s with a few thousand files there, and the browser took that long to
        open (issue 116). The cards say 'looking…' until it is done."""
        wants = {w for t in self.templates for w in t.wants}
        if not wants:
            self._wants_found = {}
            return
        import threading
        dirs = self.finder.dirs

        def work():
            out = {}
            try:
                from studio.core.models import scan
                listed = [m for m in scan(dirs) if m.kind == "file"]
            except OSError:
                listed = []
            for w in wants:
                kind = {"diffusion_models": "denoiser", "loras": "lora"}.get(w.folder, w.folder)
                want = [f.lower() for f in w.match]
                out[w] = any(m.hint == kind and all(f in os.path.basename(m.path).lower() for f in want) for m in listed)
            try:
                self._bridge.done.emit(out)
            except RuntimeError:  # the browser closed meanwhile
                pass
        threading.Thread(target=work, name="template-wants", daemon=True).start()

    def _wants_listed(self, found: dict) -> None:
        self._wants_found = found
        for i, t in enumerate(self.templates):
            card = self.list.itemWidget(self.list.item(i))
            if t.wants and card is not None:  # a card made later reads them as it is made
                card.refresh_needs()
        self.fit_cards()

    def shown(self) -> list[str]:
        """The titles of the cards shown, in order."""
        return [self.list.item(i).data(TITLE_ROLE) for i in range(self.list.count()) if not self.list.item(i).isHidden()]

    def apply_filter(self, *_):
        """Show the cards on the chosen shelf whose words hold every word typed; keep the current card
        when it is still shown, else the first shown."""
        words = self.search.text().lower().split()
        shelf = self.shelf.currentText()
        for i, t in enumerate(self.templates):
            text = t.words()
            self.list.item(i).setHidden(not ((shelf == self.ALL or t.category == shelf)
                                             and all(w in text for w in words)))
        cur = self.list.currentItem()
        if cur is None or cur.isHidden():
            first = next((i for i in range(self.list.count()) if not self.list.item(i).isHidden()), -1)
            self.list.setCurrentRow(first)
        n = len(self.shown())
        self.count.setText(f"{n} of {len(self.templates)} templates" + ("" if n else ": none match; clear the search"))
        self.open_button.setEnabled(self.chosen() is not None)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        """From the search box, the list's keys move in the list (typing stays in the search); the
        list resized: each card as tall as its wrapped text."""
        if obj is self.list.viewport() and event.type() == QEvent.Resize:
            self.fit_cards()
        if obj is self.search and event.type() == QEvent.KeyPress and event.key() in (
                Qt.Key_Down, Qt.Key_Up, Qt.Key_PageDown, Qt.Key_PageUp):
            self.list.setFocus()
            self.list.keyPressEvent(event)
            self.search.setFocus()
            return True
        return super().eventFilter(obj, event)

    def fit_cards(self, rows=None) -> None:
        """Each card as wide as the list's viewport and as tall as its text there: the width set too when
        the height stays (issue 104's walk: cards left at the width of a viewport before its scroll bar
        came, or at their first guess, made a horizontal scroll bar at 1024x700)."""
        width = self.list.viewport().width() - 2 * self.list.spacing()
        for i in range(self.list.count()) if rows is None else rows:
            it = self.list.item(i)
            card = self.list.itemWidget(it)
            if card is None:  # not made yet: its first guess until it is
                continue
            size = QSize(width, card.height_for(width))
            if it.sizeHint() != size:
                it.setSizeHint(size)

    def chosen(self) -> str | None:
        it = self.list.currentItem()
        return it.data(PATH_ROLE) if it is not None and not it.isHidden() else None

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()
