"""Loading the engine in the background once the window shows (issue 25, point 14): the first
run froze the window 1.5-3 s while the GUI thread imported torch and the node modules.

:class:`EngineLoader` runs :func:`studio.engine.warmup.warm_up` (torch's libraries mapped with the
GIL released, then torch, PyAV and the open graph's node modules) and imports pyqtgraph for the
Training dock, on a plain Python thread; ``loaded`` comes on the GUI thread when it is done. A run
started before that waits for it on the run's own thread, never on the GUI's.
"""
from __future__ import annotations

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
