"""The window's menus (File, Edit, View, Run, Help), its Run toolbar (run, stop, device, seed)
and the shortcuts it lists (Help > Shortcuts). Built once by :class:`MainWindow`, whose actions
they hold (``win.run_action``, ``win.stop_action``...)."""
from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QToolButton

from studio.engine.device import known_devices
from studio.ui.window.help_menu import add_guides, show_about
from studio.ui.window.web_page import open_web_page, page_url


class DeviceCombo(QComboBox):
    """The device list: start-up offers "auto" and "cpu" without importing torch; opening the
    list loads the engine (saying so) and adds the accelerators torch finds."""

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        win = self.window()
        if hasattr(win, "load_engine"):
            win.load_engine()
        super().showPopup()


def add_action(win, text: str, slot, shortcut=None, menu=None, canvas_only=False, tip: str = "") -> QAction:
    a = QAction(text, win)
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        a.setShortcuts([QKeySequence(k) for k in keys])
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.triggered.connect(lambda *_: slot())
    if canvas_only:  # single keys must not fire while typing in a panel
        a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        win.canvas.widget.addAction(a)
    else:
        win.addAction(a)
    if menu is not None:
        menu.addAction(a)
    return a


def build_menus(win) -> None:
    """File, Edit, View, Run and Help, in that order."""
    mb = win.menuBar()
    _file_menu(win, mb)
    _edit_menu(win, mb)
    _view_menu(win, mb)
    _run_menu(win, mb)
    h = mb.addMenu("&Help")
    add_action(win, "&Shortcuts", win.show_shortcuts, QKeySequence.HelpContents, h)
    add_action(win, "Model &families…", win.show_families, menu=h,
               tip="every kind of model Studio reads: families, variants, tasks and their inputs, formats")
    h.addSeparator()
    add_guides(win, h, add_action)
    h.addSeparator()
    add_action(win, "&About Studio", lambda: show_about(win), menu=h)


def _file_menu(win, mb) -> None:
    """New, templates, open, recent files, save, ComfyUI's web page and quit."""
    f = mb.addMenu("&File")
    add_action(win, "&New", win.files.new_graph, QKeySequence.New, f)
    add_action(win, "New from &Template…", win.files.new_from_template, "Ctrl+Shift+N", f,
                 tip="start from a ready pipeline")
    add_action(win, "&Open…", win.files.open_dialog, QKeySequence.Open, f)
    win.recent_menu = f.addMenu("Open &Recent")
    f.addSeparator()
    add_action(win, "&Save", win.files.save, QKeySequence.Save, f)
    add_action(win, "Save &As…", win.files.save_as, "Ctrl+Shift+S", f)
    f.addSeparator()
    add_action(win, "Open ComfyUI's &page in a browser", lambda: open_web_page(win), menu=f,
               tip=f"ComfyUI's own web page on Studio's server ({page_url()}, started by 'main.py serve')")
    f.addSeparator()
    add_action(win, "&Quit", win.close, QKeySequence.Quit, f)
    win.files.rebuild_recent()


def _edit_menu(win, mb) -> None:
    """Undo and redo, the canvas's edits, groups, and the preferences."""
    e = mb.addMenu("&Edit")
    win.undo_action = win.doc.undo_stack.createUndoAction(win, "&Undo")
    win.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    win.redo_action = win.doc.undo_stack.createRedoAction(win, "&Redo")
    win.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for a in (win.undo_action, win.redo_action):
        win.addAction(a)
        e.addAction(a)
    e.addSeparator()
    add_action(win, "&Copy", win.canvas.clipboard.copy, QKeySequence.Copy, e, canvas_only=True)
    add_action(win, "&Paste", win.canvas.clipboard.paste_at_cursor, QKeySequence.Paste, e, canvas_only=True)
    add_action(win, "D&uplicate", win.canvas.clipboard.duplicate, "Ctrl+D", e, canvas_only=True)
    add_action(win, "&Delete", win.canvas.delete_selected, [QKeySequence.Delete, "Backspace"], e,
                 canvas_only=True)
    add_action(win, "Select &All", win.canvas.node_graph.select_all, QKeySequence.SelectAll, e, canvas_only=True)
    e.addSeparator()
    add_action(win, "&Mute", lambda: win.canvas.toggle_mode("mute"), "M", e, canvas_only=True,
                 tip="mute: the node and what needs it do not run")
    add_action(win, "&Bypass", lambda: win.canvas.toggle_mode("bypass"), "B", e, canvas_only=True,
                 tip="bypass: the node passes its input through")
    add_action(win, "Add &Node…", win.canvas.open_search, None, e, tip="Tab on the canvas")
    add_action(win, "Add Back&drop", lambda: win.canvas.annotations.add("backdrops"), "Ctrl+G", e, canvas_only=True,
                 tip="a titled frame around the selected nodes (double-click to rename)")
    add_action(win, "Add No&te", lambda: win.canvas.annotations.add("notes"), None, e,
                 tip="a text note on the canvas (double-click to edit)")
    e.addSeparator()
    _group_items(win, e)
    e.addSeparator()
    win.preferences_action = add_action(win, "Pre&ferences…", win.open_preferences, "Ctrl+,", e,
                                           tip="models folders, project folder, allowed output folders")
    win.preferences_action.setMenuRole(QAction.PreferencesRole)  # the app menu on macOS


def _group_items(win, e) -> None:
    """Group, ungroup, edit and save a group (the window keeps each action)."""
    ga = win.group_actions
    win.group_action = add_action(win, "&Group Selection…", ga.group_selection, "Ctrl+Shift+G", e,
                                     canvas_only=True, tip="make the selected nodes one group node")
    win.ungroup_action = add_action(win, "U&ngroup", ga.ungroup_selection, "Ctrl+Shift+U", e,
                                       canvas_only=True, tip="put the nodes of a group back in its place "
                                                             "(to edit inside it)")
    win.edit_group_action = add_action(win, "&Edit Group…", ga.edit_group, "Ctrl+Shift+E", e,
                                          canvas_only=True, tip="edit inside the selected group "
                                                                "(or double-click it)")
    win.save_group_action = add_action(win, "Save Group to &Library…", ga.save_group_to_library, None, e,
                                          tip="keep the selected group in your library (palette > Library)")


def _view_menu(win, mb) -> None:
    """Fit, zoom, the docks shown and the layout reset."""
    v = mb.addMenu("&View")
    add_action(win, "&Fit Graph", lambda: win.canvas.fit_all(), "F", v, canvas_only=True)
    add_action(win, "Reset &Zoom", lambda: win.canvas.node_graph.reset_zoom(), "Ctrl+0", v)
    v.addSeparator()
    for d in (win.palette_dock, win.properties_dock, win.viewer_dock, win.timeline_dock, win.log_dock,
              win.training_dock, win.queue_dock):
        if d is not None:
            v.addAction(d.toggleViewAction())
    v.addSeparator()
    add_action(win, "Reset &Layout", win.reset_layout, None, v)


def _run_menu(win, mb) -> None:
    """Run, run selected, stop, clear the cache, render in chunks."""
    r = mb.addMenu("&Run")
    win.run_action = add_action(win, "&Run", win.runs.run_graph, "F5", r, tip="run the graph (F5)")
    win.run_sel_action = add_action(win, "Run &Selected", win.runs.run_selected, "Ctrl+F5", r,
                                       tip="run the selected nodes and what they need")
    win.stop_action = add_action(win, "S&top", win.runs.stop, ["Shift+F5", "Ctrl+."], r, tip="stop the run")
    win.stop_action.setEnabled(False)
    win.pause_action = add_action(win, "&Pause (free memory)", win.runs.pause, "Ctrl+Shift+.", r,
                                  tip="stop the run keeping its finished steps, and unload the models to free "
                                      "their memory; Run resumes")
    win.pause_action.setIconText("Pause")  # the toolbar's word; the menu says what it frees
    win.pause_action.setEnabled(False)
    r.addSeparator()
    add_action(win, "&Clear Cache", win.runs.clear_cache, None, r)
    add_action(win, "Render in &Chunks…", win.open_render_dialog, "Ctrl+Shift+R", r,
                 tip="render on several processes or machines (chunks, resume, sweeps)")


def build_toolbar(win) -> None:
    tb = win.addToolBar("Run")
    tb.setObjectName("toolbar-run")
    tb.addAction(win.run_action)
    tb.addAction(win.stop_action)
    tb.addAction(win.pause_action)
    # Draft / Final and Preview / Full size beside Run, Stop and Pause: they say what the next run makes (issue
    # 104: at 1024x700 they had stood past Device and Seed, away from the run they govern)
    from .quality import PreviewToggle, QualityToggle
    win.quality_toggle = QualityToggle(win.doc, win)
    tb.addWidget(win.quality_toggle)
    win.preview_toggle = PreviewToggle(win.doc, win.runs_on_cpu, win)  # says Preview when the run previews
    tb.addWidget(win.preview_toggle)
    tb.addSeparator()
    tb.addWidget(QLabel(" Device ", win))
    win.device_combo = DeviceCombo(win)
    win.device_combo.addItems(["auto"] + known_devices()[::-1])
    win.device_combo.setToolTip("where nodes run: auto picks CUDA, then MPS, then the CPU")
    win.device_combo.currentTextChanged.connect(lambda d: win.doc.change_setting("device", d))
    tb.addWidget(win.device_combo)
    tb.addWidget(QLabel("  Seed ", win))
    win.seed_spin = QSpinBox(win)
    win.seed_spin.setRange(0, 2**31 - 1)
    win.seed_spin.setKeyboardTracking(False)
    win.seed_spin.setToolTip("the graph's seed: each node derives its own from it")
    win.seed_spin.valueChanged.connect(lambda s: win.doc.change_setting("seed", int(s)))
    tb.addWidget(win.seed_spin)
    reroll = QToolButton(win)
    reroll.setText("Roll")
    reroll.setToolTip("re-roll the graph seed")
    reroll.clicked.connect(lambda: win.doc.change_setting("seed", random.randint(0, 2**31 - 1)))
    tb.addWidget(reroll)
    if getattr(win, "queue_panel", None) is not None:  # the Queue dock's size follows it until picked there
        win.preview_toggle.toggled.connect(lambda _on: win.queue_panel.sync_size())
        win.queue_panel.sync_size()
    win.settings_to_toolbar(win.doc.graph.settings)


SHORTCUTS = """Tab: add a node at the cursor (search)
Space: play · J/K/L: shuttle · Left/Right (Shift: 10) · Home/End · I/O: in/out (anywhere but a text field)
F5: run · Ctrl+F5: run selected · Shift+F5: stop
Ctrl+Z / Ctrl+Shift+Z: undo / redo
Ctrl+C / Ctrl+V / Ctrl+D / Delete: copy, paste (at the mouse), duplicate, delete
M: mute · B: bypass · Ctrl+G: backdrop (double-click it to rename) · F: fit
Right-click: add node / paste here, node actions (run to here, presets, groups), delete a link
Drag a free node onto a wire: it is inserted there
Drag a wire from a port onto empty canvas: search the nodes that fit it; the one chosen is wired
Ctrl+Shift+G: group selection · Ctrl+Shift+E or double-click: edit inside a group · Ctrl+Shift+U: ungroup
Ctrl+N / Ctrl+Shift+N / Ctrl+O / Ctrl+S / Ctrl+Shift+S: new, new from template, open, save, save as"""
