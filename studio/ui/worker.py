"""Runs the engine on a QThread and turns its callbacks into Qt signals.

The worker never touches widgets; the GUI thread only receives signals. One
:class:`~studio.engine.executor.Executor` lives as long as the window, so its signature cache
makes a re-run after one edit run only what changed.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from studio.core.graph import Graph
from studio.engine.context import CancelToken
from studio.engine.executor import Executor

PRETRAINED = "video_models."  # nodes that run a pretrained model (minutes on the CPU)


class _Worker(QObject):
    event = Signal(object)
    done = Signal(object, object)  # the job's result or None, exception or None

    def __init__(self, job: Callable[[Callable[[Any], None], CancelToken], Any], cancel: CancelToken):
        super().__init__()
        self.job, self.cancel = job, cancel

    @Slot()
    def run(self) -> None:
        try:
            res = self.job(self.event.emit, self.cancel)
        except BaseException as e:  # noqa: BLE001 - reported to the window, never lost in the thread
            self.done.emit(None, e)
        else:
            self.done.emit(res, None)


class ThreadJob(QObject):
    """Runs ``job(on_event, cancel)`` on a QThread: its events arrive as ``event`` on the GUI
    thread, and ``finished(result, error)`` comes after the thread has stopped. One at a time."""
    started = Signal()
    event = Signal(object)
    finished = Signal(object, object)    # the job's result | None, exception | None

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._name = name
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._cancel: CancelToken | None = None
        self._outcome: tuple[Any, Any] = (None, None)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start_job(self, job: Callable[[Callable[[Any], None], CancelToken], Any]) -> bool:
        if self._thread is not None:
            return False
        self._cancel = CancelToken()
        self._outcome = (None, None)
        thread = QThread()
        thread.setObjectName(self._name)
        worker = _Worker(job, self._cancel)
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


class RunController(ThreadJob):
    """Start, stop and observe runs of the engine. ``finished`` comes after the thread has stopped."""

    def __init__(self, executor: Executor | None = None, parent: QObject | None = None):
        super().__init__("studio-run", parent)
        self.executor = executor or Executor()

    def start(self, graph: Graph, **kwargs) -> bool:
        """Run a snapshot of ``graph`` (``graph.copy()``): later edits do not reach this run."""
        if self.running:
            return False
        g = graph.copy()

        pretrained = any(n.type_id.startswith(PRETRAINED) and n.mode != "mute" for n in g.nodes.values())

        def job(on_event, cancel):  # on the run's thread: the engine loads here, never on the GUI's
            from studio.engine.device import threads_for_run
            from studio.engine.disk_cache import DiskCache
            from studio.engine.warmup import warm_up
            warm_up()
            self.executor.disk_cache = DiskCache.from_settings()  # its size as Preferences says now
            threads_for_run(pretrained)  # a pretrained model: every core, at a lower priority
            try:
                return self.executor.run(g, on_event=on_event, cancel=cancel, **kwargs)
            finally:
                if pretrained:
                    threads_for_run(False)  # the next thread torch starts takes the policy again
        return self.start_job(job)
