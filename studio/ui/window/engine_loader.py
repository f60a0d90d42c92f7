"""Loading the engine in the background once the window shows (issue 25, point 14): the first
run froze the window 1.5-3 s while the GUI thread imported torch and the node modules.

:class:`EngineLoader` runs :func:`studio.engine.warmup.warm_up` (torch's libraries mapped with the
GIL released, then torch, PyAV and the open graph's node modules) and imports pyqtgraph for the
Training dock, on a plain Python thread; ``loaded`` comes on the GUI thread when it is done. A run
started before that waits for it on the run's own thread, never on the GUI's.
"""
from __future__ import annotations

import contextlib
import threading
import time

from PySide6.QtCore import QObject, Signal


class EngineLoader(QObject):
    loaded = Signal(float)  # seconds the loading took (after it, on the GUI thread)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.thread: threading.Thread | None = None
        self.seconds: float | None = None
        self.error: str | None = None
        self.win = parent if hasattr(parent, "statusBar") else None  # the main window it loads for
        if self.win is not None:
            self.loaded.connect(self._on_loaded)

    # -- the window's side ------------------------------------------------------------------
    @contextlib.contextmanager
    def loading(self):
        """Around the first thing that needs torch and the node modules (the first run, the
        device list): they load on this loader's thread and the run's own thread waits for them,
        never the GUI thread (issue 25: the first run froze the window for 1.5 s). The status
        bar says "loading the engine…" until they have loaded."""
        if not self.done:
            self.win.statusBar().showMessage("loading the engine…")
            self.start_for_window()
        yield

    def start_for_window(self) -> bool:
        """Start loading (once), with the node modules of the window's graph."""
        g = self.win.doc.graph
        return self.start({n.type_id for n in g.nodes.values()}, g.registry)

    def _on_loaded(self, _seconds: float) -> None:
        win = self.win
        if win.statusBar().currentMessage() == "loading the engine…":
            win.statusBar().clearMessage()
        if self.error:
            win.log(f"loading the engine: {self.error}", "warn")
        win.refresh_devices()
        win.training  # noqa: B018 - the Training dock's panel, now that pyqtgraph is loaded

    def training_panel(self):
        """The Training dock's panel when making it costs nothing on the GUI thread: made already,
        or pyqtgraph loaded here. Run events go to it: the first run must not import pyqtgraph on
        the GUI thread (or wait there for this loader importing it)."""
        win = self.win
        if win._training is None and not self.done:
            return None
        panel = win.training
        if panel is not None and not panel._titles:
            panel._titles.update({nid: n.label for nid, n in win.doc.graph.nodes.items()})
        return panel

    @property
    def started(self) -> bool:
        return self.thread is not None

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
            from studio.engine.warmup import warm_up
            warm_up(type_ids, registry)
            import pyqtgraph  # noqa: F401 - the Training dock's plots: its import off the GUI thread
        except Exception as e:  # noqa: BLE001 - the run will load what it needs and say what failed
            self.error = f"{type(e).__name__}: {e}"
        self.seconds = time.perf_counter() - t0
        try:
            self.loaded.emit(self.seconds)  # queued to the GUI thread (this QObject lives there)
        except RuntimeError:  # the window closed meanwhile
            pass
