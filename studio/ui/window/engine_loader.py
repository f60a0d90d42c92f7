"""Loading the engine in the background once the window shows (issue 25, point 14): the first
run froze the window 1.5-3 s while the GUI thread imported torch and the node modules.

:class:`EngineLoader` runs :func:`studio.engine.warmup.warm_up` (torch's libraries mapped with the
GIL released, then torch, PyAV and the open graph's node modules) on a plain Python thread;
``loaded`` comes on the GUI thread when it is done. A run started before that waits for it on the
run's own thread, never on the GUI's. Nothing Qt is imported on that thread: pyqtgraph (the
Training dock) defines PySide6 classes as it imports, and doing that beside the GUI thread
crashed one start in 25; the dock's panel is made on the GUI thread once no run is going.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi


class EngineLoader(QObject):
    loaded = Signal(float)  # seconds the loading took (after it, on the GUI thread)

    def __init__(self, parent=None):
        # no Qt parent: the loader is owned by Python, and its thread (which holds it) keeps it alive,
        # so the thread's emit never meets a C++ object that the window's destruction is deleting
        # (a window closed while the engine loaded crashed the process: seen once in the suite)
        super().__init__()
        self.thread: threading.Thread | None = None
        self.seconds: float | None = None
        self.error: str | None = None
        self.win: WindowApi | None = parent if hasattr(parent, "statusBar") else None  # the window it loads for
        if self.win is not None:
            self.loaded.connect(self._on_loaded)

    # -- the window's side ------------------------------------------------------------------
    def start_saying_so(self) -> None:
        """Before the first thing that needs torch and the node modules (the first run, the device
        list): they load on this loader's thread and the run's own thread waits for them, never the
        GUI thread (issue 25: the first run froze the window for 1.5 s). The status bar says
        "loading the engine…" until they have loaded."""
        if not self.done:
            self.win.statusBar().showMessage("loading the engine…")
            self.start_for_window()

    def start_for_window(self) -> bool:
        """Start loading (once), with the node modules of the window's graph."""
        g = self.win.doc.graph
        return self.start({n.type_id for n in g.nodes.values()}, g.registry)

    def _on_loaded(self, _seconds: float) -> None:
        win = self.win
        if not shiboken6.isValid(win):  # the window closed while the engine loaded
            return
        if win.statusBar().currentMessage() == "loading the engine…":
            win.statusBar().clearMessage()
        if self.error:
            win.log(f"loading the engine: {self.error}", "warn")
        win.refresh_devices()
        self._make_training_panel_when_idle()

    def _make_training_panel_when_idle(self) -> None:
        """Make the Training dock's panel (pyqtgraph's import, ~0.2 s) on the GUI thread while no
        run is going: never on another thread, where PySide6's class set-up races the GUI thread
        (a segfault in about 1 of 25 starts), and never in the middle of a run's live updates. A
        training run that needs the panel sooner makes it at once (``training_panel``)."""
        win = self.win
        if win.training_made or win.training_dock is None:
            return
        s = win.runs.session
        if s is not None and not s.finished and not win.training_dock.isVisible():
            def once(*_):
                win.run_finished.disconnect(once)
                QTimer.singleShot(0, self._make_training_panel_when_idle)
            win.run_finished.connect(once)
            return
        win.training  # noqa: B018 - the Training dock's panel

    def training_panel(self, event=None):
        """The Training dock's panel for a run's ``event``: made already, or made now when the
        engine has loaded and the event has values to plot (a training run's losses). A run with
        nothing to plot never makes it (pyqtgraph's import would hold the GUI thread mid-run)."""
        win = self.win
        if not win.training_made and (not self.done or not getattr(event, "values", None)):
            return None
        panel = win.training
        if panel is not None:
            panel.name_nodes({nid: n.label for nid, n in win.doc.graph.nodes.items()})
        return panel

    @property
    def done(self) -> bool:
        return self.seconds is not None

    def start(self, type_ids=(), registry=None) -> bool:
        """Begin loading (once); False when it had begun already."""
        if self.thread is not None:
            return False
        ids = list(type_ids)
        self.thread = threading.Thread(target=self._work, args=(ids, registry), name="studio-engine-load",
                                       daemon=True)
        self.thread.start()
        return True

    def _work(self, type_ids, registry) -> None:
        t0 = time.perf_counter()
        try:
            # first the converter and its catalogue of ComfyUI's types (a workflow opened is told apart and converted
            # without importing them or parsing the catalogue's 2 MB beside the window: each holds the GIL ~0.1 s), then
            # torch and the node modules (the first run's)
            from studio.engine.quiet_gc import imports_quietly
            with imports_quietly():  # no full collection holding the GIL while the catalogue and modules come in
                import studio.convert.mapping.file  # noqa: F401
                from studio.convert.catalogue import node_type
                node_type("KSampler")
                from studio.engine.warmup import warm_up
                warm_up(type_ids, registry)  # no Qt here: pyqtgraph is imported on the GUI thread
        except Exception as e:  # noqa: BLE001 - the run will load what it needs and say what failed
            self.error = f"{type(e).__name__}: {e}"
        self.seconds = time.perf_counter() - t0
        try:
            self.loaded.emit(self.seconds)  # queued to the GUI thread (this QObject lives there)
        except RuntimeError:  # the window closed meanwhile
            pass
