"""Runs the engine on a QThread and turns its callbacks into Qt signals.

The worker never touches widgets; the GUI thread only receives signals. One
:class:`~studio.engine.executor.Executor` lives as long as the window, so its signature cache
makes a re-run after one edit run only what changed.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from studio.core.graph import Graph
from studio.engine.context import CancelToken
from studio.engine.executor import Executor


class _Worker(QObject):
    event = Signal(object)
    done = Signal(object, object)  # RunResult or None, exception or None

    def __init__(self, executor: Executor, graph: Graph, kwargs: dict[str, Any], cancel: CancelToken):
        super().__init__()
        self.executor, self.graph, self.kwargs, self.cancel = executor, graph, kwargs, cancel

    @Slot()
    def run(self) -> None:
        try:
            res = self.executor.run(self.graph, on_event=self.event.emit, cancel=self.cancel, **self.kwargs)
        except BaseException as e:  # noqa: BLE001 - reported to the window, never lost in the thread
            self.done.emit(None, e)
        else:
            self.done.emit(res, None)


class RunController(QObject):
    """Start, stop and observe runs. ``finished`` comes after the thread has stopped."""
    started = Signal()
    event = Signal(object)               # studio.engine.events.* as they happen
    finished = Signal(object, object)    # RunResult | None, exception | None

    def __init__(self, executor: Executor | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.executor = executor or Executor()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._cancel: CancelToken | None = None
        self._outcome: tuple[Any, Any] = (None, None)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, graph: Graph, **kwargs) -> bool:
        """Run a snapshot of ``graph`` (``graph.copy()``): later edits do not reach this run."""
        if self._thread is not None:
            return False
        self._cancel = CancelToken()
        self._outcome = (None, None)
        thread = QThread()
        thread.setObjectName("studio-run")
        worker = _Worker(self.executor, graph.copy(), kwargs, self._cancel)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.event.connect(self.event)             # queued to this (GUI) thread
        worker.done.connect(self._on_done)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self.started.emit()
        return True

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()

    @Slot(object, object)
    def _on_done(self, result, error) -> None:
        self._outcome = (result, error)
        if self._thread is not None:
            self._thread.quit()

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.wait(2000)  # returns at once: the thread's loop has ended
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        result, error = self._outcome
        self._outcome = (None, None)
        self.finished.emit(result, error)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel and wait (window closing). Processes the queued quit so it cannot deadlock."""
        if self._thread is None:
            return
        self.stop()
        from PySide6.QtCore import QCoreApplication, QElapsedTimer
        t = QElapsedTimer()
        t.start()
        while self._thread is not None and t.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            if self._thread is not None:
                self._thread.wait(10)
