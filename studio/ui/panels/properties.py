"""The properties panel, generated from a node's declaration (its ``params``).

Each edit is a command on the document's undo stack (one history with the canvas); the panel
follows the model's ``param_changed`` events, so undo/redo update the widgets too."""
from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QFormLayout, QHBoxLayout, QInputDialog,
                               QLabel, QLineEdit, QScrollArea, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget)

from studio.core.errors import StudioError
from studio.core.library import delete_preset, list_presets

from studio.ui import app_filters
from studio.ui.document.document import Document
from studio.ui.panels.notes_area import NotesArea
from studio.ui.panels.param_editors import ParamEditor, PathEditor, editor_for
from studio.ui.text import breakable, escape_html
from studio.ui.wrap_label import WrapLabel


FIRST_ROWS = 4  # the fields made at once when a node is shown: the first turn stays short (issue 116)
ROWS_A_TURN = 4  # then this many an event-loop turn


class _WheelToScroll(QObject):
    """Event filter: a wheel event on an unfocused value widget goes to the scroll area instead."""

    def __init__(self, scroll: QScrollArea, parent=None):
        super().__init__(parent)
        self.scroll = scroll

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            QApplication.sendEvent(self.scroll.verticalScrollBar(), event)
            return True
        return False


WRAPPED_TITLE = 18  # characters: a parameter's title this long wraps (shorter ones keep one line, their rows low)


def _side_by_side(parent: QWidget, wide: QWidget, narrow: QWidget) -> QWidget:
    row = QWidget(parent)
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(4)
    lay.addWidget(wide, 1)
    lay.addWidget(narrow)
    return row


class PropertiesPanel(QWidget):
    """Shows the selected node's title, mode and parameters."""
    message = Signal(str)   # problems (the log shows them as warnings)
    info = Signal(str)      # confirmations

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.node_id: str | None = None
        self._editors: dict[str, ParamEditor] = {}
        self._pending: list = []  # the shown node's parameters whose fields are still to be made (_more_fields)
        self._scroll_to = 0  # where to scroll once they are all made (the node's place when it was left)
        self._more = QTimer(self)  # makes the next few fields, an event-loop turn after the last
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._more_fields)
        self._graph = doc.graph  # the graph the editors were made for (show_node)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        # the labels above the fields wrap, a long path too, and never widen the dock (wrap_label.py)
        # the notes over the fields scroll inside a bounded height: many long warnings never make the window taller
        self.notes = NotesArea(self)
        outer.addWidget(self.notes)
        self.header = self.notes.add(WrapLabel("Select a node to edit its parameters.", self.notes.inner))
        self.checks = WrapLabel("", self.notes.inner)  # what the node will not do as set (window/edit_checks.py)
        self.checks.setTextFormat(Qt.RichText)
        self.checks.hide()
        self.notes.add(self.checks)
        self.estimate = WrapLabel("", self.notes.inner)  # the node's time before a run (window/edit_checks.py)
        self.estimate.setObjectName("node-estimate")
        self.estimate.hide()
        self.notes.add(self.estimate)
        self.help = WrapLabel("", self.notes.inner)  # the help's first sentence: after what the node will not do
        self.help.hide()
        self.notes.add(self.help)
        self._scroll_at: dict[str, int] = {}     # node id -> the panel's scroll position when it was left
        self._applied: dict[str, str] = {}       # node id -> the preset last applied or saved here
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # fields shrink instead
        outer.addWidget(self.scroll, 1)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.scroll.setWidget(self.body)
        self._wheel_guard = _WheelToScroll(self.scroll, self)
        ev = doc.events  # the kinds the panel shows, for the node it shows
        ev.param_changed.connect(self._on_param)
        ev.node_removed.connect(self._on_removed)
        ev.mode_changed.connect(self._on_mode)
        ev.title_changed.connect(self._on_title)
        ev.reset.connect(self._on_removed)
        doc.replaced.connect(lambda: self.show_node(None))

    @staticmethod
    def known(node_id: str) -> tuple[list, str | None]:
        """What was last said of a node (its checks, its time), shown with it: the window's checker sets this."""
        return [], None

    def set_checks(self, said: list) -> None:
        """Show what the shown node will not do as set: [(level, words)], errors red, warnings amber."""
        lines = [f"<span style='color:{'#ff6e6e' if lv == 'error' else '#e6b450'}'>⚠ {escape_html(breakable(w))}</span>"
                 for lv, w in said]
        text = "<br>".join(lines)
        if text != self.checks.text():
            self.checks.setText(text)
        if self.checks.isHidden() == bool(lines):  # shown or hidden only when that changes: each is a new layout
            self.checks.setVisible(bool(lines))

    def set_estimate(self, words: str | None) -> None:
        """Show how long the shown node will take, before a run ('time: about 2 min (load ..., 25 steps ...,
        decode ...; measured on ...)'); hidden when it has nothing to say."""
        text = breakable(words or "")
        if text != self.estimate.text():
            self.estimate.setText(text)
        if self.estimate.isHidden() == bool(words):
            self.estimate.setVisible(bool(words))

    def show_node(self, node_id: str | None) -> None:
        """The node's notes and fields, made without the application's event filters (app_filters.py: each of the
        thousands of events that making 30 fields sends cost a trip into Python)."""
        with app_filters.paused():
            self._show_node(node_id)
            for kind in (QEvent.PolishRequest, QEvent.LayoutRequest):  # their fields polished and laid out here too
                QApplication.sendPostedEvents(None, kind)

    def _show_node(self, node_id: str | None) -> None:
        if node_id is not None and node_id not in self.doc.graph.nodes:
            node_id = None
        self.flush_edits()  # a prompt typed just before another node is chosen goes to its own node
        if self.node_id is not None:  # where the user had scrolled this node's parameters to
            self._scroll_at[self.node_id] = self.scroll.verticalScrollBar().value()
        self.node_id = node_id
        self._graph = self.doc.graph  # the graph the editors were made for
        said, est = self.known(node_id) if node_id is not None else ([], None)
        self.set_checks(said)  # what is known of the node already, at once (not hidden, then shown again)
        self.set_estimate(est)
        self._editors = {}
        self._pending, self._scroll_to = [], 0
        self._more.stop()
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(2)
        self.form.setContentsMargins(4, 2, 4, 2)
        if node_id is None:
            self.header.setText("Select a node to edit its parameters.")
            self.help.hide()
            self.scroll.setWidget(self.body)
            return
        inst = self.doc.graph.nodes[node_id]
        spec = inst.spec
        # the help's first sentence (all of it in the tooltip): the parameters fit without scrolling
        self.header.setText(f"<b>{inst.label}</b> <span style='color:#888'>{inst.type_id} · {node_id}</span>"
                            + (f"<br><span style='color:#ff6e6e'>{escape_html(breakable(inst.error))}</span>"
                               if inst.error else ""))
        self.header.setToolTip(spec.help if spec and spec.help else "")
        # the help after the node's warnings: a long first sentence pushed them below the notes' fold (issue 116)
        self.help.setText(f"<span style='color:#aaa'>{_first_sentence(spec.help)}</span>" if spec and spec.help else "")
        self.help.setToolTip(spec.help if spec and spec.help else "")
        self.help.setVisible(bool(spec and spec.help))
        self.title_edit = QLineEdit(inst.title or "", self.body)
        self.title_edit.setPlaceholderText(spec.title if spec else inst.type_id)
        self.title_edit.editingFinished.connect(lambda: self._set_title(node_id))
        self.mode_combo = QComboBox(self.body)
        self.mode_combo.addItems(["normal", "mute", "bypass"])
        self.mode_combo.setCurrentText(inst.mode)
        self.mode_combo.setToolTip("node mode: normal, mute (M: makes nothing) or bypass (B: passes its input on)")
        self.mode_combo.currentTextChanged.connect(lambda m: self.doc.set_mode([node_id], m))
        # one row for the title and the node's mode: a row more for the parameters at 700 px high (issue 61)
        self.form.addRow("Title", _side_by_side(self.body, self.title_edit, self.mode_combo))
        self._build_presets(inst)
        params = list(spec.params) if spec is not None else []
        # what the panel shows at once, the rest an event-loop turn at a time; a node left scrolled down: all of them,
        # shown where it was at once (not at the top, then jumping there)
        first = len(params) if self._scroll_at.get(node_id, 0) else FIRST_ROWS
        self._add_fields(params[:first])
        self._guard_wheel(self.body)
        self.scroll.setWidget(self.body)
        self._update_preset_state()
        self._pending, self._scroll_to = params[first:], self._scroll_at.get(node_id, 0)
        if self._pending:
            self._more.start()
        else:
            self._scrolled_back()

    @property
    def editors(self) -> dict[str, ParamEditor]:
        """The shown node's field of each parameter (those still to be made made now: one is asked for by name)."""
        self.finish_fields()
        return self._editors

    def finish_fields(self) -> None:
        """Make every field still to be made, now."""
        if self.doc.graph is not self._graph or self.node_id not in self.doc.graph.nodes:
            self._pending = []  # another graph, or the node gone: its fields are not wanted
        if self._pending:
            self._more.stop()
            with app_filters.paused():
                self._fields_made(self._pending)
                for kind in (QEvent.PolishRequest, QEvent.LayoutRequest):  # laid out too, as a turn's fields are
                    QApplication.sendPostedEvents(None, kind)

    def _more_fields(self) -> None:
        """The next ROWS_A_TURN fields (a node of 31 settings stalled the window 100-480 ms making them at once:
        issue 116); the window answers between turns."""
        if self.doc.graph is not self._graph or self.node_id not in self.doc.graph.nodes:
            self._pending = []  # another graph, or the node gone: its fields are not wanted
        if not self._pending:
            return
        with app_filters.paused():
            self._fields_made(self._pending[:ROWS_A_TURN])
            for kind in (QEvent.PolishRequest, QEvent.LayoutRequest):
                QApplication.sendPostedEvents(None, kind)
        if self._pending:
            self._more.start()

    def _fields_made(self, params: list) -> None:
        self._pending = self._pending[len(params):]
        before = set(self._editors)
        self._add_fields(params)
        for name, ed in self._editors.items():
            if name not in before:
                self._guard_wheel(ed)
        if not self._pending:
            self._scrolled_back()

    def _add_fields(self, params: list) -> None:
        """A row of the form for each of ``params`` of the shown node."""
        inst = self.doc.graph.nodes[self.node_id]
        spec = inst.spec
        for p in params:
            ed = editor_for(p, lambda v, name=p.name: self._commit(name, v), self.body)
            ed.set_value(inst.params.get(p.name, p.default))
            if isinstance(ed, PathEditor):
                ed.base_dir = self.graph_folder
                ed.find_models = lambda kinds, refresh=False, s=spec: s.cls.model_choices(kinds, refresh)
                if spec.lists_models:
                    ed.find_families = self.doc.graph.registry.model_families  # Help's list: one list
            ed.refused.connect(lambda t, title=p.title: self.message.emit(f"{inst.label}: {title} {t}"))
            lbl = QLabel(p.title, self.body)
            if len(p.title) >= WRAPPED_TITLE:  # 'Pose strength temporal' on two lines: the fields keep their room
                lbl.setWordWrap(True)
            lbl.setToolTip(p.help)
            self.form.addRow(lbl, ed)
            self._editors[p.name] = ed

    def _scrolled_back(self) -> None:
        """Every field made: back where the node was scrolled to when it was left (issue 25: it jumped to the top)."""
        at, node_id = self._scroll_to, self.node_id
        if at:
            self.body.adjustSize()
            self.scroll.verticalScrollBar().setValue(at)
            QTimer.singleShot(0, self, lambda n=node_id, v=at: self.node_id == n and
                              self.scroll.verticalScrollBar().setValue(v))

    def _guard_wheel(self, root: QWidget) -> None:
        """The mouse wheel scrolls the panel: a combo box, spin box or slider under the pointer
        takes it only once clicked (focused). Otherwise scrolling down a long panel silently changed
        whichever value passed under the pointer (seen: Train's model switched to 'gan')."""
        for kind in (QComboBox, QAbstractSpinBox, QSlider):
            for w in root.findChildren(kind):
                w.setFocusPolicy(Qt.StrongFocus)
                w.installEventFilter(self._wheel_guard)

    def graph_folder(self) -> str:
        """Where the file pickers open: the graph's folder, else the project folder."""
        from studio.ui.project_paths import graph_folder
        return graph_folder(self.doc.graph, self.doc.path)

    # -- presets ------------------------------------------------------------------------------
    def _build_presets(self, inst) -> None:
        row = QWidget(self.body)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        self.preset_combo = QComboBox(row)
        self.preset_combo.setToolTip("apply a saved preset (one undo step)")
        self.preset_save = QToolButton(row)
        # icons, not words: the row fits a narrow panel (1024-wide window) without scrolling
        self.preset_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.preset_combo.setMinimumContentsLength(6)
        self.preset_save.setIcon(self.style().standardIcon(QStyle.SP_DialogSaveButton))
        self.preset_save.setText("Save…")
        self.preset_save.setToolTip("save this node's parameters as a preset")
        self.preset_delete = QToolButton(row)
        self.preset_delete.setIcon(self.style().standardIcon(QStyle.SP_TrashIcon))
        self.preset_delete.setText("Delete")
        self.preset_delete.setToolTip("delete the preset shown")
        lay.addWidget(self.preset_combo, 1)
        lay.addWidget(self.preset_save)
        lay.addWidget(self.preset_delete)
        usable = inst.spec is not None and inst.subgraph is None and bool(inst.spec.params)
        row.setEnabled(usable)
        if inst.subgraph is not None:
            row.setToolTip("groups keep their settings in the library: Edit > Save Group to Library")
        self.refresh_presets()
        self.preset_combo.activated.connect(self._preset_chosen)
        self.preset_combo.currentIndexChanged.connect(lambda i: self.preset_delete.setEnabled(i > 0))
        self.preset_save.clicked.connect(self.save_preset)
        self.preset_delete.clicked.connect(self.delete_preset)
        self.form.addRow("Preset", row)

    def preset_names(self) -> list[str]:
        inst = self.doc.graph.nodes.get(self.node_id) if self.node_id else None
        if inst is None or inst.spec is None or inst.subgraph is not None:
            return []
        return sorted(list_presets(inst.type_id), key=str.lower)

    def refresh_presets(self, current: str | None = None) -> None:
        names = self.preset_names()
        if current is None and self.node_id is not None:
            current = self._applied.get(self.node_id)
        with QSignalBlocker(self.preset_combo):
            self.preset_combo.clear()
            self.preset_combo.addItem("(none)" if names else "(no presets)")
            for n in names:
                self.preset_combo.addItem(n, n)
            self.preset_combo.setCurrentIndex(names.index(current) + 1 if current in names else 0)
        self.preset_delete.setEnabled(self.preset_combo.currentIndex() > 0)
        self._update_preset_state()

    def preset_shown(self) -> str:
        """The name of the preset the box shows ("" for none), whatever its label says."""
        if self.preset_combo.currentIndex() <= 0:
            return ""
        return self.preset_combo.currentData() or self.preset_combo.currentText()

    def _update_preset_state(self) -> None:
        """The box says "(modified)" once the parameters differ from the preset it shows
        (issue 25: it kept the preset's name as if nothing had changed)."""
        i = self.preset_combo.currentIndex() if self.node_id is not None else -1
        inst = self.doc.graph.nodes.get(self.node_id) if self.node_id else None
        if i <= 0 or inst is None or inst.spec is None:
            return
        name = self.preset_shown()
        values = list_presets(inst.type_id).get(name)
        if values is None:
            return
        same = all(inst.spec.param(k) is None or inst.spec.param(k).to_json(inst.params.get(k)) == v
                   for k, v in values.items())
        label = name if same else f"{name} (modified)"
        if self.preset_combo.itemText(i) != label:
            self.preset_combo.setItemText(i, label)
        self.preset_combo.setToolTip("apply a saved preset (one undo step)" if same else
                                     f"the parameters differ from preset '{name}': choose it again to re-apply it, "
                                     "or save them as a preset")

    def ask_preset_name(self, default: str) -> str | None:
        """The name to save a preset under, or None (tests replace this)."""
        name, ok = QInputDialog.getText(self, "Save preset", "Preset name:", text=default)
        return name.strip() if ok and name.strip() else None

    def save_preset(self) -> str | None:
        if self.node_id is None:
            return None
        cur = self.preset_shown()
        name = self.ask_preset_name(cur or "my preset")
        if not name:
            return None
        try:
            self.doc.save_preset(self.node_id, name)
        except StudioError as e:
            self.message.emit(str(e))
            return None
        self._applied[self.node_id] = name
        self.refresh_presets(name)
        self.info.emit(f"saved preset '{name}' for {self.doc.graph.nodes[self.node_id].spec.title}")
        return name

    def flush_edits(self) -> None:
        """Every edit the panel shows committed (a run or a save takes what is on screen: a prompt typed
        just before F5 was left out, its 400 ms pause not yet over, and the node then marked stale)."""
        if self.node_id is None or self.doc.graph is not self._graph or self.node_id not in self.doc.graph.nodes:
            return  # none shown; another graph now (its node of the same id is another node); or it was deleted
        for ed in list(self._editors.values()):  # a field still to be made has no edit of its own
            ed.flush()
        self._set_title(self.node_id)

    def _set_title(self, node_id: str) -> None:
        try:
            self.doc.set_title(node_id, self.title_edit.text().strip() or None)
        except StudioError as e:  # refused (too long, not valid text): say so, show the title kept
            self.message.emit(str(e))
            self.title_edit.setText(self.doc.graph.nodes[node_id].title or "")

    def apply_preset(self, name: str) -> bool:
        """Apply a saved preset to the shown node: one undo step."""
        if self.node_id is None:
            return False
        try:
            self.doc.apply_preset(self.node_id, name)
        except StudioError as e:
            self.message.emit(str(e))
            self.refresh_presets()  # it may have been deleted elsewhere
            return False
        self._applied[self.node_id] = name
        self.refresh_presets(name)
        return True

    def delete_preset(self) -> None:
        if self.node_id is None or self.preset_combo.currentIndex() <= 0:
            return
        name = self.preset_shown()
        delete_preset(self.doc.graph.nodes[self.node_id].type_id, name)
        self._applied.pop(self.node_id, None)
        self.refresh_presets()
        self.info.emit(f"deleted preset '{name}'")

    def _preset_chosen(self, index: int) -> None:
        if index > 0:
            self.apply_preset(self.preset_combo.itemData(index) or self.preset_combo.itemText(index))

    def _commit(self, name: str, value: Any) -> None:
        if self.node_id is None:
            return
        try:
            self.doc.set_param(self.node_id, name, value)
        except StudioError as e:
            self._editors[name].set_value(self.doc.graph.nodes[self.node_id].params[name])
            self.message.emit(str(e))
            raise

    # -- the model's events, for the node shown ------------------------------------------------
    def _on_param(self, e) -> None:
        ed = self._editors.get(e.name) if e.node_id == self.node_id else None  # one still to be made reads it then
        if ed is not None:
            ed.set_value(e.value)
        if e.node_id == self.node_id:
            self._update_preset_state()  # "(modified)" once the values differ from the preset

    def _on_removed(self, e) -> None:
        """The node shown was removed, or the graph was reset."""
        if self.node_id is not None and getattr(e, "node_id", self.node_id) == self.node_id:
            self.show_node(None)

    def _on_mode(self, e) -> None:
        if self.node_id is not None and e.node_id == self.node_id:
            with QSignalBlocker(self.mode_combo):
                self.mode_combo.setCurrentText(e.mode)

    def _on_title(self, e) -> None:
        if self.node_id is not None and e.node_id == self.node_id:
            with QSignalBlocker(self.title_edit):
                self.title_edit.setText(e.title or "")
            inst = self.doc.graph.nodes.get(e.node_id)
            if inst is not None:  # the header names the node by its title too (it kept the old one)
                old = self.header.text()
                head, sep, rest = old.partition(" <span")
                self.header.setText(f"<b>{escape_html(inst.label)}</b>{sep}{rest}" if sep else old)


def _first_sentence(text: str) -> str:
    """The help's first sentence: up to the first full stop, not an ellipsis ('HAT, DAT... recognised'
    was cut at 'DAT...', which read as a text cut off)."""
    text = " ".join(str(text).split())
    m = re.search(r"(?<!\.)\.(?!\.) ", text)
    return text if m is None else text[: m.start() + 1]
