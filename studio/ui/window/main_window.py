"""The studio window: canvas in the centre, palette, properties, viewer, timeline and log docks,
a toolbar to run. Its parts are composed, each in its own module: files, autosave and recovery
(files.py, ``window.files``); running and what a run reports (run_feedback.py, ``window.runs``);
group nodes (group_actions.py, ``window.group_actions``); dock sizes (layout.py); menus, toolbar
and shortcuts (menus.py)."""
from __future__ import annotations

import logging
import os
import sys
import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDockWidget, QInputDialog, QLabel, QMainWindow, QMessageBox,
                               QPlainTextEdit, QWidget)

from studio.core.assets import DEMO_GRAPH  # noqa: F401 - app and scripts/shots import it from here
from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.engine.device import known_devices
from studio.ui.canvas.canvas import Canvas
from studio.ui.window.group_actions import GroupActions
from studio.ui.document.document import Document
from studio.ui.panels.palette import NodePalette
from studio.ui.panels.properties import PropertiesPanel
from studio.ui.text import escape_html
from studio.ui.window import edit_checks, first_frames, key_marks, plates
from studio.ui.window.files import FileActions, read_graph_file, rebase_paths  # noqa: F401 - their old home
from studio.ui.dialogs.sizing import keep_on_screen, keep_on_screen_once_framed, resize_fitted
from studio.ui.window.engine_loader import EngineLoader
from studio.ui.window.queue_dock import add_queue_dock
from studio.ui.window.layout import LayoutKeeper, apply_dock_sizes, graph_trains, place_corners
from studio.ui.window.run_feedback import RunFeedback, show_dock_beside
from studio.ui.window.status_bar import ElidedLabel, StatusBar
from studio.ui.window.status_log import link_status_to_log
from studio.ui.window.keyboard import Refocus, TransportKeys, WindowFilter
from studio.ui.window.menus import SHORTCUTS, build_menus, build_toolbar
from studio.ui.worker import RunController

log = logging.getLogger(__name__)
_MISSING: dict[str, str] = {}  # a part that failed to import -> why (the window opens without it, and says so)

try:  # the viewer and the timeline
    from studio.ui.preview.area import PreviewArea
except Exception as e:  # noqa: BLE001 - broken (a missing library): the window still opens
    PreviewArea = None
    _MISSING["viewer"] = f"{type(e).__name__}: {e}"

try:  # the Training dock: loss curves of the node that trains
    from studio.ui.panels.training import TrainingPanel
except Exception as e:  # noqa: BLE001 - the window still opens without it
    TrainingPanel = None
    _MISSING["training dock"] = f"{type(e).__name__}: {e}"

APP = "Studio"
AUTOSAVE_MS = 60_000


def default_data_dir() -> str:
    env = os.environ.get("STUDIO_DATA_DIR")
    if env:
        return env
    import platformdirs
    return platformdirs.user_data_dir(APP, APP)


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        import resource
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024
    except Exception:  # noqa: BLE001
        return None


class MainWindow(QMainWindow):
    run_finished = Signal(object, object)  # RunResult | None, exception | None (after the thread stopped)

    def __init__(self, settings: QSettings | None = None, data_dir: str | None = None, registry=None,
                 autosave_ms: int = AUTOSAVE_MS):
        super().__init__()
        self.settings = settings or QSettings(APP, APP)
        self.data_dir = data_dir or default_data_dir()
        self.autosave_path = os.path.join(self.data_dir, "autosave", f"autosave-{os.getpid()}.json")
        self.registry = registry
        self.doc = Document(Graph(registry) if registry is not None else Graph(), self)
        self.runner = RunController(parent=self)
        self.engine_loader = EngineLoader(self)  # torch and the node modules, off the GUI thread
        self.canvas = Canvas(self.doc, self)
        self.files = FileActions(self)          # new, open, save, recent, autosave, recovery
        self.setCentralWidget(self.canvas.widget)
        self.setAcceptDrops(True)
        self.runs = RunFeedback(self)           # run, stop, what a run says, the results
        self.group_actions = GroupActions(self)  # group, ungroup, edit inside, save to the library

        self._build_docks()
        # Space, J/K/L, arrows...: window-wide; the focus back here after a dialog (without a window manager)
        self.transport_keys, self.refocus = TransportKeys.for_window(self), Refocus(self)
        self.window_filter = WindowFilter(self, self.transport_keys, self.refocus)
        build_menus(self)
        build_toolbar(self)
        self._build_status()

        self.doc.undo_stack.cleanChanged.connect(lambda *_: self.files.update_title())
        self.doc.path_changed.connect(lambda *_: self.files.update_title())
        self.doc.events.settings_changed.connect(lambda e: self.settings_to_toolbar(e.settings))
        self.doc.events.timeline_changed.connect(lambda e: self._in_out_from_graph())
        self.doc.replaced.connect(self._on_replaced)
        self.canvas.turns.built.connect(self._fit_opened)  # a graph drawn in turns fitted once whole
        self.doc.events.node_removed.connect(lambda e: self.runs.node_removed(e.node_id))
        self.canvas.selection_changed.connect(self._on_selection)
        self.canvas.message.connect(lambda m: self.log(m, "warn"))
        self.canvas.info.connect(self._on_canvas_info)
        ga = self.group_actions
        self.canvas.hooks.update(run_to=self.runs.run_to, group=ga.group_selection, ungroup=ga.ungroup_selection,
                                 edit_group=ga.edit_group, save_group=ga.save_group_to_library)
        self.canvas.files_dropped.connect(lambda ps: self.files.open_path(ps[0]))
        self.properties.message.connect(lambda m: self.log(m, "warn"))
        self.properties.info.connect(lambda m: self.log(m, "ok"))
        self.palette.activated.connect(self._add_from_palette)
        self.canvas.node_graph.node_double_clicked.connect(self.group_actions.on_double_click)
        self._last_preview_message = ""
        if self.preview is not None and hasattr(self.preview, "message"):
            self.preview.message.connect(self._on_preview_message)
        if self.preview is not None and hasattr(self.preview, "inOutChanged"):
            self.preview.inOutChanged.connect(self._in_out_to_graph)
            self.doc.events.node_removed.connect(lambda e: self.preview.node_removed(e.node_id))
        first_frames.bind(self)  # a loader's first frame as soon as its path is set
        edit_checks.bind(self)  # what a node will not do as set, said on it and in Properties as it is edited
        key_marks.bind(self)  # the shown generator's keyframes follow its 'keyframes' setting
        self.runner.event.connect(self.runs.on_engine_event)
        self.runner.finished.connect(self.runs.on_run_finished)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(self.files.autosave)
        self.autosave_timer.start()

        resize_fitted(self, 1500, 920)  # never larger than the screen (without a window manager, too)
        geo = self.settings.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
            keep_on_screen(self)  # saved on a bigger screen
        state = self.settings.value("window/state")
        self._restored_state = isinstance(state, QByteArray) and self.restoreState(state)
        place_corners(self)  # also over a layout saved before the right column ran the whole height
        self.layout_keeper = LayoutKeeper(self, restored=self._restored_state)  # docks refitted on resize
        self.files.update_title()
        for part, why in self.missing.items():
            self.log(f"the {part} is unavailable: {why}", "error")

    @property
    def training(self):
        """The Training dock's panel, made on first use or soon after start-up: pyqtgraph's
        import (~0.6 s) is left out of the time to a usable window (bench_startup.py)."""
        if self._training is None and self.training_dock is not None:
            self._training = TrainingPanel(self)
            self._training.trainingStarted.connect(lambda *_: self.show_training_dock())
            self.training_dock.setWidget(self._training)
        return self._training

    @property
    def training_made(self) -> bool:  # whether the Training dock's panel exists yet
        return self._training is not None

    def training_if_loaded(self, event=None):  # the Training panel, if the event needs it and the engine is loaded
        return self.engine_loader.training_panel(event)

    # -- layout -----------------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(f"dock-{title.lower()}")
        d.setWidget(widget)
        self.addDockWidget(area, d)
        return d

    def _build_docks(self) -> None:
        self.palette = NodePalette(self.doc.graph.registry, self)
        self.properties = PropertiesPanel(self.doc, self)
        self.log_view = QPlainTextEdit(self)
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.preview = None
        self.missing = dict(_MISSING)  # parts the window opened without, and why (logged when shown)
        if PreviewArea is not None:
            try:
                self.preview = PreviewArea(self.runner.executor.frame_cache, self)
                viewer_w, timeline_w = self.preview.viewer_widget, self.preview.timeline_widget
            except Exception as e:  # noqa: BLE001 - a viewer that cannot be built must not stop the window
                self.preview = None
                self.missing["viewer"] = f"{type(e).__name__}: {e}"
                log.exception("the viewer could not be built")
        if self.preview is None:
            why = self.missing.get("viewer", "")
            viewer_w = QLabel(f"Viewer unavailable\n{why}", self)
            timeline_w = QLabel("Timeline unavailable", self)
            for w in (viewer_w, timeline_w):
                w.setAlignment(Qt.AlignCenter)
                w.setStyleSheet("color:#888")
        self.palette_dock = self._dock("Nodes", self.palette, Qt.LeftDockWidgetArea)
        self.properties_dock = self._dock("Properties", self.properties, Qt.RightDockWidgetArea)
        self.viewer_dock = self._dock("Viewer", viewer_w, Qt.RightDockWidgetArea)
        self.timeline_dock = self._dock("Timeline", timeline_w, Qt.BottomDockWidgetArea)
        self.log_dock = self._dock("Log", self.log_view, Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.viewer_dock, self.properties_dock, Qt.Vertical)
        place_corners(self)  # the right column runs the whole height, beside the timeline (layout.py)
        self._training = self.training_dock = None
        if TrainingPanel is not None:  # right of the timeline (split before the log joins it as a tab)
            placeholder = QLabel("no training yet: run a Train node (its loss is plotted here)", self)
            self.training_dock = self._dock("Training", placeholder, Qt.BottomDockWidgetArea)
            self.splitDockWidget(self.timeline_dock, self.training_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.timeline_dock, self.log_dock)
        add_queue_dock(self)  # the job queue, tabbed beside the Log (queue_dock.py)
        self.timeline_dock.raise_()
        if self.training_dock is not None:
            self.training_dock.hide()  # out of the timeline's way until a node trains (View menu)
        self._default_state = self.saveState()
        self._sized = False  # docks are sized for the window when it is first shown (layout.py)


    def _build_status(self) -> None:
        self.setStatusBar(StatusBar(self))  # a long message cut at its end, whole in its tooltip and the Log
        sb = self.statusBar()
        sb.addPermanentWidget(self.runs.run_label)  # the verdict stays while messages come and go
        sb.addPermanentWidget(self.runs.output_link)  # where the last run's files went (a click opens)
        # cut at their end when the bar is short of room: a long node message ("… decoding 45 frames
        # with the VAE…"), the verdict, the output link and the memory line widened a 1024-wide window to
        # 1238-1267 px (issue 61, seen twice under Xvfb)
        self.node_label = ElidedLabel("", self)
        self.device_label = QLabel("", self)
        self.mem_label = ElidedLabel("", self)
        self.mem_label.MAX_SHARE = 0.3
        sb.addPermanentWidget(self.node_label)
        sb.addPermanentWidget(self.device_label)
        sb.addPermanentWidget(self.mem_label)
        link_status_to_log(self)  # a click on the message, the verdict or the node's line opens the Log there
        self._mem_timer = QTimer(self)
        self._mem_timer.setInterval(2000)
        self._mem_timer.timeout.connect(self.update_status)
        self._mem_timer.start()
        self.update_status()

    def refresh_devices(self) -> None:
        """Offer every device torch can use (once it is loaded: start-up does not import it)."""
        have = {self.device_combo.itemText(i) for i in range(self.device_combo.count())}
        for d in known_devices()[::-1]:
            if d not in have:
                self.device_combo.addItem(d)
        self.update_status()

    def load_engine(self) -> None:
        self.engine_loader.start_for_window()

    def update_status(self) -> None:
        from studio.engine.device import describe_device
        from studio.engine.warmup import warmed_up
        setting = self.doc.graph.settings.get("device", "auto")
        try:  # resolving "auto" needs torch: not before it has loaded (its import holds a lock)
            dev = describe_device(setting) if warmed_up() else str(setting)
        except StudioError:
            dev = "unavailable"
        self.device_label.setText(f" device: {dev} ")
        parts = []
        rss = _rss_bytes()
        if rss:
            parts.append(f"RAM {rss / 2**30:.2f} GiB")
        try:
            torch = sys.modules.get("torch")  # not imported here: start-up does not wait for it
            if torch is not None and torch.cuda.is_available():
                parts.append(f"GPU {torch.cuda.memory_allocated() / 2**30:.2f} GiB")
        except Exception:  # noqa: BLE001
            pass
        cache = self.runner.executor.cache.bytes + self.runner.executor.frame_cache.bytes
        parts.append(f"cache {cache / 2**20:.0f} MiB")
        models = self.runner.executor.models
        if len(models):  # loaded models, kept between runs (studio.engine.model_cache)
            size = sum(e.nbytes for e in models.entries())
            parts.append(f"{len(models)} model(s) in memory {size / 2**30:.1f} GiB")
        self.mem_label.setText(" " + " · ".join(parts) + " ")
        self.mem_label.setToolTip(self.mem_label.text().strip())
        self.node_label.setText(self.runs.status_text())
        self.node_label.setToolTip(self.node_label.text().strip())
        if hasattr(self, "preview_toggle"):  # the Device setting or torch's devices changed what 'on CPU' does
            self.preview_toggle.sync()

    def runs_on_cpu(self) -> bool:
        """Whether the next run's device is the CPU (the toolbar's Preview says what 'on CPU' does): 'auto'
        counts as the CPU until torch has loaded and says otherwise."""
        from studio.engine.device import describe_device
        from studio.engine.warmup import warmed_up
        setting = str(self.doc.graph.settings.get("device", "auto"))
        if setting == "auto" and warmed_up():
            try:
                setting = describe_device(setting)
            except StudioError:
                return True
        return setting in ("auto", "cpu")

    def settings_to_toolbar(self, settings: dict) -> None:
        from PySide6.QtCore import QSignalBlocker
        with QSignalBlocker(self.device_combo):
            d = settings.get("device", "auto")
            if self.device_combo.findText(d) < 0:
                self.device_combo.addItem(d)
            self.device_combo.setCurrentText(d)
        with QSignalBlocker(self.seed_spin):
            self.seed_spin.setValue(int(settings.get("seed", 0)))
        if hasattr(self, "device_label"):
            self.update_status()

    def _on_preview_message(self, message: str) -> None:
        """The viewer's notes (no audio device, a frame that failed): the status bar and the log,
        once each time it changes (playback says 'no audio device' once per session)."""
        if message == self._last_preview_message:
            self.statusBar().showMessage(message, 8000)
            return
        self._last_preview_message = message
        low = message.lower()
        self.log(message, "warn" if ("no audio" in low or "error" in low or "fail" in low) else "info")
        self.statusBar().showMessage(message, 8000)

    def _on_canvas_info(self, message: str) -> None:
        self.log(message, "ok")
        if self.properties.node_id is not None and hasattr(self.properties, "refresh_presets"):
            self.properties.refresh_presets()  # a preset saved from the canvas menu

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        self.layout_keeper.reset()

    def showEvent(self, e):  # noqa: N802
        super().showEvent(e)
        if not self._sized:  # the first show, at its real size: docks get their share (unless restored)
            self._sized = True
            if not self._restored_state:
                apply_dock_sizes(self)
            keep_on_screen_once_framed(self)  # all of it on the screen, its title bar included
            self._warm = QTimer(self)  # after the first paint: load what start-up left out, off this thread
            self._warm.setSingleShot(True)
            self._warm.timeout.connect(self.load_engine)
            self._warm.start(1500)

    def open_render_dialog(self):
        """Run > Render in Chunks: the modeless Render dialog (imported on first use)."""
        from studio.ui.dialogs.render import open_render_dialog
        return open_render_dialog(self)

    def show_training_dock(self) -> None:
        """The Training dock beside the timeline at a third of the window (not squeezed)."""
        if self.training_dock is None:
            return
        if self._training is None and not self.engine_loader.done:
            self.load_engine()  # the dock shows its placeholder; the panel replaces it once loaded
        elif self.training is None:
            return
        show_dock_beside(self, self.training_dock)

    # -- log --------------------------------------------------------------------------------
    def log(self, message: str, level: str = "info", status: bool = True) -> None:
        """A line in the Log; errors and warnings also flash in the status bar unless ``status``
        is False (the run's verdict already shows them there)."""
        stamp = time.strftime("%H:%M:%S")
        colour = {"error": "#ff6e6e", "warn": "#e6b450", "ok": "#8fd18f"}.get(level)
        text = escape_html(message)
        self.log_view.appendHtml(f"<span style='color:#777'>{stamp}</span> "
                                 + (f"<span style='color:{colour}'>{text}</span>" if colour else text))
        sb = self.log_view.verticalScrollBar()  # the newest line stays in view
        sb.setValue(sb.maximum())
        if status and level in ("error", "warn"):
            self.statusBar().showMessage(message, 8000)

    # -- dialogs (tests replace these hooks) -------------------------------------------------
    def run_dialog(self, dlg: QDialog) -> bool:
        """Show a modal dialog; True when the user accepted it."""
        return dlg.exec() == QDialog.Accepted

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def open_preferences(self) -> bool:
        from studio.ui.dialogs.preferences import edit_preferences  # Edit > Preferences…
        return edit_preferences(self)

    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    # -- drag and drop files ------------------------------------------------------------------
    def dragEnterEvent(self, e):  # noqa: N802
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e):  # noqa: N802
        paths = [u.toLocalFile() for u in e.mimeData().urls() if u.toLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.files.open_path(paths[0])

    # -- editing helpers ----------------------------------------------------------------------
    def _add_from_palette(self, type_id: str) -> None:
        c = self.canvas.view.mapToScene(self.canvas.view.viewport().rect().center())
        self.canvas.add_node_at(type_id, (c.x(), c.y()))
        self.canvas.focus()  # Delete/M/B act on the new node

    def _on_replaced(self) -> None:
        self.runs.forget()  # the last run's results and verdict were about the graph now gone
        if self._training is not None:
            self._training.clear_all()
        if self.training_dock is not None and not graph_trains(self.doc.graph):
            self.training_dock.hide()  # shown for a graph that trained; this one does not (View menu has it)
        self.settings_to_toolbar(self.doc.graph.settings)
        if self.preview is not None:
            self.preview.clear()
            self._in_out_from_graph()
        self.files.update_title()
        if self.canvas.turns.building:  # drawn a few nodes a turn: fitted when the whole graph is there
            return
        self.canvas.fit_all(readable=True)
        QTimer.singleShot(0, self._fit_opened)

    def _fit_opened(self) -> None:
        """A graph just opened, at a zoom its titles read at (issue 61 item 6); F shows all of it."""
        if self.canvas.fit_all(readable=True):
            self.statusBar().showMessage("zoomed to read the titles: F (Fit Graph) shows the whole graph", 8000)

    def _in_out_to_graph(self, *_) -> None:
        """The timeline's in/out points are part of the graph (``ui.timeline``), saved with it:
        set through the document (one undo step; the file is marked modified)."""
        if self.preview is None or not hasattr(self.preview, "in_out_points"):
            return
        pts = self.preview.in_out_points()
        self.doc.set_in_out(pts.get("in"), pts.get("out"))

    def _in_out_from_graph(self) -> None:
        if self.preview is not None and hasattr(self.preview, "set_in_out_points"):
            self.preview.set_in_out_points(*self.doc.in_out())

    def _on_selection(self, ids: list[str]) -> None:
        nid = ids[0] if len(ids) == 1 else None
        self.properties.show_node(nid)
        if self._training is not None:
            self._training.follow(nid)
        if self.preview is not None and hasattr(self.preview, "node_selected"):
            self.preview.node_selected(nid, self.doc, self.data_dir)  # the record panel
        if nid is not None and not self.runs.show_result(nid):
            # a mask or points node not run yet: its plate, to click on; a loader: its file's first frame
            if not plates.show_plate(self, nid):
                first_frames.show_first_frame(self, nid)

    # -- help -------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Shortcuts", SHORTCUTS)

    def show_families(self) -> None:
        """Help > Model families: what every registered node reads (Registry.model_families)."""
        from studio.ui.panels.families import FamiliesDialog
        self.families_dialog = FamiliesDialog(self.doc.graph.registry.model_families(), self)
        self.families_dialog.open()

    # -- closing ----------------------------------------------------------------------------
    def closeEvent(self, e):  # noqa: N802
        if not self.files.maybe_save():
            e.ignore()
            return
        self.runner.shutdown()
        self.files.conversions.shutdown()  # a workflow converting: its thread ends before the window goes
        if self.queue_panel is not None:  # a running job stops and is queued again for next time
            self.queue_panel.close_queue()
        if self.preview is not None and hasattr(self.preview, "close"):
            try:
                self.preview.close()
            except Exception:  # noqa: BLE001
                pass
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.files.discard_autosave()
        self._disconnect_document()
        e.accept()

    def _disconnect_document(self) -> None:
        """Stop the document's signals reaching the views once the window is closed. A signal is
        disconnected only while it has receivers: a second close (the test fixture's, say) has
        nothing left to do, where a bare ``disconnect()`` warned 'Failed to disconnect (None)'."""
        from PySide6.QtCore import SIGNAL
        for obj, sig in ((self.doc.undo_stack, "cleanChanged(bool)"), (self.doc, "path_changed(QString)"),
                         (self.doc, "replaced()"), (self.doc.events, "settings_changed(PyObject)"),
                         (self.doc.events, "timeline_changed(PyObject)"), (self.doc.events, "node_removed(PyObject)")):
            if obj.receivers(SIGNAL(sig)) > 0:
                try:
                    getattr(obj, sig.split("(")[0]).disconnect()
                except (RuntimeError, TypeError):
                    pass
