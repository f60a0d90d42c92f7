"""The value editors of the properties panel (properties.py): one widget per kind of parameter, made
from its declaration (``editor_for``), each edit handed to ``commit`` (a document command)."""
from __future__ import annotations

import os
import random
from typing import Any, Callable

from PySide6.QtCore import QEvent, QPoint, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPixmap, QRegion
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSlider, QToolButton, QWidget)

from studio.core.errors import StudioError
from studio.core.params import Param

from studio.ui.panels.number_field import FloatField, IntField

SLIDER_STEPS = 1000
INT_MAX = 2**31 - 1


class ParamEditor(QWidget):
    """One parameter: a widget that shows a value and calls ``commit(value)`` on edits."""
    refused = Signal(str)  # a typed value was refused (out of range): the sentence that says so

    def __init__(self, param: Param, commit: Callable[[Any], None], parent=None):
        super().__init__(parent)
        self.param = param
        self.commit = commit
        self.setToolTip(param.help)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.lay = lay
        self.build()

    def build(self):  # pragma: no cover - overridden
        pass

    def set_value(self, value: Any) -> None:  # pragma: no cover - overridden
        pass

    def flush(self) -> None:
        """Commit what the field shows and has not committed yet (a number typed without Enter, text
        typed without leaving the field, a prompt inside its pause): a run or a save takes what is on
        screen. An unchanged value changes nothing (the document compares)."""

    def _number_field(self, field):
        """The spin box of a number editor: its range in the tooltip; a typed value out of range
        refused in place (number_field.py), the range shown beside it until the next edit."""
        self.range_note = QLabel(self)
        self.range_note.setStyleSheet("color:#ff6e6e")
        self.range_note.hide()
        field.refused.connect(self.refused)
        field.refused.connect(lambda t: (self.range_note.setText(t.split("must be ", 1)[-1]),  # the range:
                                         self.range_note.setToolTip(t)))  # short, a narrow panel keeps it
        field.refusedChanged.connect(self.range_note.setVisible)
        return field

    def _safe_commit(self, value: Any) -> None:
        try:
            self.commit(value)
        except StudioError:  # the panel reports it and puts the model's value back
            pass


class _NumberEditor(ParamEditor):
    """An editor whose field is a number box (``self.spin``, made by ``_number_field``): committed on Enter."""

    def flush(self):
        if self.spin.check_typed():  # out of range: refused in place, as Enter would
            self.spin.interpretText()  # valueChanged: committed


class IntEditor(_NumberEditor):
    def build(self):
        p = self.param
        self.spin = self._number_field(IntField(self))
        lo = p.min if p.min is not None else -INT_MAX
        hi = p.max if p.max is not None else INT_MAX
        self.spin.setRange(max(lo, -INT_MAX), min(hi, INT_MAX))
        self.spin.setSingleStep(p.step)
        if getattr(p, "special", "") and p.min is not None:
            self.spin.setSpecialValueText(p.special)  # the minimum shows as its word (batch 0: 'auto')
        self.spin.setKeyboardTracking(False)
        self.spin.setAccelerated(True)
        self.slider = None
        if p.min is not None and p.max is not None and 0 < p.max - p.min <= 100_000 and p.kind == "int":
            self.slider = QSlider(Qt.Horizontal, self)
            self.slider.setRange(p.min, p.max)
            self.slider.valueChanged.connect(self._from_slider)
            self.lay.addWidget(self.slider, 3)
        self.lay.addWidget(self.spin, 2)
        self.lay.addWidget(self.range_note)
        self.spin.show_range_in_tooltip(p.help)
        self.spin.valueChanged.connect(lambda v: self._safe_commit(int(v)))

    def _from_slider(self, v):
        self._safe_commit(int(v))

    def set_value(self, value):
        with QSignalBlocker(self.spin):
            self.spin.setValue(int(value))
        self.spin.show_start()
        if self.slider is not None:
            with QSignalBlocker(self.slider):
                self.slider.setValue(int(value))


class SeedEditor(IntEditor):
    def build(self):
        super().build()
        self.reroll = QToolButton(self)
        self.reroll.setText("Roll")
        self.reroll.setToolTip("re-roll: a new random seed")
        self.reroll.clicked.connect(self.roll)
        self.lay.addWidget(self.reroll)

    def roll(self):
        lo = self.param.min if self.param.min is not None else 0
        hi = self.param.max if self.param.max is not None else INT_MAX
        self._safe_commit(random.randint(lo, hi))


class FloatEditor(_NumberEditor):
    def build(self):
        p = self.param
        self.spin = self._number_field(FloatField(self))
        self.spin.setDecimals(p.decimals)
        self.spin.setRange(p.min if p.min is not None else -1e12, p.max if p.max is not None else 1e12)
        self.spin.setSingleStep(p.step)
        if getattr(p, "special", "") and p.min is not None:
            self.spin.setSpecialValueText(p.special)  # the minimum shows as its word (batch 0: 'auto')
        self.spin.setKeyboardTracking(False)
        self.slider = None
        if p.min is not None and p.max is not None and p.max > p.min:
            self.slider = QSlider(Qt.Horizontal, self)
            self.slider.setRange(0, SLIDER_STEPS)
            self.slider.valueChanged.connect(self._from_slider)
            self.lay.addWidget(self.slider, 3)
        self.lay.addWidget(self.spin, 2)
        self.lay.addWidget(self.range_note)
        self.spin.show_range_in_tooltip(p.help)
        self.spin.valueChanged.connect(lambda v: self._safe_commit(float(v)))

    def _from_slider(self, k):
        p = self.param
        v = round(p.min + (p.max - p.min) * k / SLIDER_STEPS, p.decimals)
        self._safe_commit(min(p.max, max(p.min, v)))

    def set_value(self, value):
        with QSignalBlocker(self.spin):
            self.spin.setValue(float(value))
        self.spin.show_start()
        if self.slider is not None:
            p = self.param
            with QSignalBlocker(self.slider):
                self.slider.setValue(round((float(value) - p.min) / (p.max - p.min) * SLIDER_STEPS))


class BoolEditor(ParamEditor):
    def build(self):
        self.box = QCheckBox(self)
        self.lay.addWidget(self.box)
        self.box.toggled.connect(lambda v: self._safe_commit(bool(v)))

    def set_value(self, value):
        with QSignalBlocker(self.box):
            self.box.setChecked(bool(value))


class ChoiceEditor(ParamEditor):
    def build(self):
        self.combo = QComboBox(self)
        self.combo.addItems(list(self.param.choices))
        self.lay.addWidget(self.combo)
        self.combo.currentTextChanged.connect(self._safe_commit)

    def set_value(self, value):
        with QSignalBlocker(self.combo):
            self.combo.setCurrentText(str(value))


class StringEditor(ParamEditor):
    def build(self):
        self.edit = QLineEdit(self)
        self.lay.addWidget(self.edit)
        self.edit.editingFinished.connect(lambda: self._safe_commit(self.edit.text()))

    def flush(self):
        self._safe_commit(self.edit.text())

    def set_value(self, value):
        if self.edit.text() != value:
            with QSignalBlocker(self.edit):
                self.edit.setText(str(value))


class TextEditor(ParamEditor):
    """Multi-line text (prompts): committed while typing, after a short pause."""

    def build(self):
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        # three lines, not five: two prompts left Properties 3 rows for the rest at 1024x700 (issue 61)
        self.edit.setMinimumHeight(3 * self.edit.fontMetrics().lineSpacing() + 10)
        self.edit.setMaximumHeight(max(70, self.edit.minimumHeight()))
        self.lay.addWidget(self.edit)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(400)
        self.timer.timeout.connect(self.flush)
        self.edit.textChanged.connect(self.timer.start)

    def flush(self):
        self.timer.stop()
        self._safe_commit(self.edit.toPlainText())

    def set_value(self, value):
        if self.edit.toPlainText() != value:
            with QSignalBlocker(self.edit):
                self.edit.setPlainText(str(value))


def _scrolled(edit: QLineEdit) -> None:
    """A line edit's text scrolled to its cursor, as a paint does, without painting the window: painted into a pixel
    (repaint() painted the whole window, each path field of a node twice: 20-60 ms of a selection's stall)."""
    if edit.isVisible():  # one not shown yet is scrolled when it shows (PathEditor.eventFilter)
        if not _PIXEL:
            _PIXEL.append(QPixmap(1, 1))
        edit.render(_PIXEL[0], QPoint(), QRegion(0, 0, 1, 1))


_PIXEL: list = []  # the pixel _scrolled paints into (made once an application is up)


class PathEditor(StringEditor):
    """A path: its field shows the file's name (the start of the last part of the path when the
    field is narrower than the whole), the whole path in its tooltip."""

    def build(self):
        super().build()
        self.edit.editingFinished.connect(lambda: QTimer.singleShot(0, self, self.show_name))  # after the focus has gone
        self.edit.textEdited.connect(self._typed)  # the artist's own keys (not a graph's value shown)
        self.edit.editingFinished.connect(self._commit_typed)
        self.edit.installEventFilter(self)  # and each time the field is laid out at a new width
        self.button = QToolButton(self)
        self.button.setText("…")
        self.button.setToolTip("choose " + ("a folder" if self.param.mode == "dir" else "a file"))
        self.button.clicked.connect(self.browse)
        self.lay.addWidget(self.button)
        self.picker = None
        if getattr(self.param, "models", ""):  # a loader's model: the models found, in a picker
            self.models_button = QToolButton(self)
            self.models_button.setText("☰")  # compact: the field keeps the width to show the model's name
            self.models_button.setToolTip("Models…: choose from the models found in the models folders")
            self.models_button.setAccessibleName("Models…")
            self.models_button.clicked.connect(self.pick_model)
            self.lay.addWidget(self.models_button)

    def set_value(self, value):
        super().set_value(value)
        self.show_name()

    def flush(self):  # F5 with the typing cursor still in the field: allowed before it runs
        self._commit_typed()
        super().flush()

    def eventFilter(self, obj, ev):  # noqa: N802 - Qt's name
        if obj is self.edit and ev.type() in (QEvent.Resize, QEvent.Show) and not getattr(self, "_name_due", False):
            self._name_due = True  # once a turn: a node's fields laid out resized each field ten times, each a repaint
            QTimer.singleShot(0, self, self._show_name_due)
        return False

    def _show_name_due(self) -> None:
        self._name_due = False
        self.show_name()

    def show_name(self) -> None:
        """Scroll the field to the file's name (a path shown by its end cut the name: '2.safetensors')."""
        text = self.edit.text()
        self.edit.setToolTip(text)
        if not self.edit.hasFocus():
            name = text.rstrip("/\\")
            self.edit.setCursorPosition(len(text))
            _scrolled(self.edit)  # the field scrolls when painted: to the end first, then back to the name
            self.edit.setCursorPosition(max(name.rfind("/"), name.rfind("\\")) + 1)

    base_dir = staticmethod(os.getcwd)  # the panel sets: the graph's folder (or the project folder)
    find_models = None  # the panel sets: the node class's model_choices(kinds, refresh)
    find_families = None  # and its model_families() (the picker's "Families…")

    def pick_model(self):
        """The model picker, window-modal; choosing a model sets the parameter."""
        from studio.ui.panels.model_picker import ModelPicker
        if self.find_models is not None:
            self.picker = ModelPicker(self.param.title, self.param.models, self.find_models, self.edit.text(), self,
                                      families=self.find_families)
            self.picker.accepted.connect(self._model_picked)
            self.picker.open()

    def _model_picked(self):
        from studio.ui.panels.model_picker import value_for
        if self.picker is not None and self.picker.chosen:
            self.edit.setText(value_for(self.param, self.picker.chosen))
            self._safe_commit(self.edit.text())
            self.show_name()

    def browse(self):
        p = self.param
        from studio.ui.project_paths import resolve_for_dialog
        start = resolve_for_dialog(self.edit.text(), self.base_dir())
        if getattr(p, "models", ""):  # in the models folders (ComfyUI's loras for a LoRA)
            from studio.ui.panels.model_picker import start_dir
            start = start_dir(p, self.edit.text(), self.base_dir())
        path = self.ask_path(p, start)
        if path:  # chosen in a file dialog: the artist allows that folder (to read from, or write into)
            self.allow(path)
            self.edit.setText(path)
            self._safe_commit(path)
            self.show_name()

    def allow(self, path: str) -> None:
        """The artist gave ``path`` (picked or typed): its folder may be read (kept for another day) or,
        for an output, written into this session, as a pick in a file dialog or a typed ``--set`` allows it.
        A graph's own value is not allowed so: only what the artist's keys or dialogs gave."""
        from studio.core.confine import allow_for_session, remember_read_folder
        full = os.path.join(self.base_dir(), os.path.expanduser(path))  # relative: the graph's folder
        folder = full if self.param.mode == "dir" else os.path.dirname(os.path.abspath(full))
        if folder:
            (allow_for_session if self.param.mode in ("save", "dir") else remember_read_folder)(folder)

    def _typed(self, _text: str) -> None:
        self._typed_now = True

    def _commit_typed(self) -> None:
        """A path typed into the field (README's examples type them): allowed as a pick is (issue 104's
        walk: the typed path was refused at F5 first), then committed."""
        if getattr(self, "_typed_now", False) and self.edit.text().strip():
            self.allow(self.edit.text().strip())
        self._typed_now = False

    def ask_path(self, p, start: str) -> str:
        """The file dialog (tests replace this)."""
        if p.mode == "dir":
            path = QFileDialog.getExistingDirectory(self, p.title, start)
        elif p.mode == "save":
            path, _ = QFileDialog.getSaveFileName(self, p.title, start, p.filters)
        else:
            path, _ = QFileDialog.getOpenFileName(self, p.title, start, p.filters + ";;All files (*)"
                                                  if p.filters else "")
        return path


class ColorEditor(ParamEditor):
    def build(self):
        self.button = QPushButton(self)
        self.button.setMinimumWidth(90)
        self.button.clicked.connect(self.pick)
        self.lay.addWidget(self.button)
        self.value = "#ffffff"

    def pick(self):
        c = QColorDialog.getColor(QColor(self.value), self, self.param.title)
        if c.isValid():
            self._safe_commit(c.name())

    def set_value(self, value):
        self.value = str(value)
        self.button.setText(self.value)
        self.button.setStyleSheet(f"background:{self.value}; color:{'#000' if QColor(self.value).lightness() > 128 else '#fff'}")


EDITORS = {"int": IntEditor, "float": FloatEditor, "bool": BoolEditor, "choice": ChoiceEditor,
           "string": StringEditor, "path": PathEditor, "color": ColorEditor, "seed": SeedEditor}


def editor_for(param: Param, commit, parent=None) -> ParamEditor:
    if getattr(param, "multiline", False):  # prompts, a camera path's keys
        return TextEditor(param, commit, parent)
    return EDITORS.get(param.kind, StringEditor)(param, commit, parent)
