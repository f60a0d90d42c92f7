"""A chunked render from start to end: prepare the job(s) (:mod:`.prepare`), run the chunks on an
engine while the collect step encodes beside it.
The CLI and the Render dialog both call :func:`render`."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from studio.core.errors import Cancelled, StudioError
from studio.engine.context import CancelToken

from .engines import (DONE, FAILED, QUEUED, RUNNING, SKIPPED, ChunkEvent, ProgressEvent, RenderOptions,
                      RenderReport, StageEvent, Task)
from .job import Job
from .prepare import prepare


def run_tasks(tasks: list[Task], opts: RenderOptions, on_state, cancel, tick=None) -> None:
    from .chunk import render_chunk
    fn = opts.task_fn or render_chunk
    if opts.engine == "local":
        from .local import run_local
        run_local(tasks, opts.workers, on_state, cancel, opts.max_retries, fn, tick)
    elif opts.engine == "ray":
        from .ray_engine import run_ray
        run_ray(tasks, opts.workers, on_state, cancel, opts.max_retries, fn, opts.address, tick)
    else:
        raise StudioError(f"unknown engine '{opts.engine}' (use local or ray)")


def render(jobs: list[tuple[Any, list[str] | None]], opts: RenderOptions,
           on_event: Callable[[Any], None] | None = None,
           cancel: CancelToken | None = None) -> RenderReport:
    """Render each ``(graph, targets)`` in chunks over one engine run; return what happened.
    A job may be ``(graph, targets, plan)``: the caller's compile of that graph (see prepare).
    ``on_event`` gets engine events (NodeMessage ... from the parent's runs) and this module's
    StageEvent, ChunkEvent and ProgressEvent."""
    emit = on_event or (lambda e: None)
    t0 = time.perf_counter()
    report = RenderReport()
    prepared: list[Job] = []
    try:
        for graph, targets, *plan in jobs:
            if cancel is not None:
                cancel.check()
            prepared.append(prepare(graph, targets, opts, emit, report, cancel, *plan))
        for job in prepared:
            job.sweep_temporaries()  # a killed attempt's half-written chunks and progress files
        return _render_prepared(prepared, opts, emit, cancel, report, t0)
    except BaseException as e:
        _clean_after_failure(prepared, e, opts, emit)
        raise


def _clean_after_failure(prepared: list[Job], e: BaseException, opts: RenderOptions, emit) -> None:
    """A failed or cancelled render leaves no temporary file. Finished chunks stay for --resume,
    except when the disk is full or the folder is read-only: then the job folders go too (they
    are what fills the disk) and the render starts over."""
    from studio.core.errors import disk_problem
    disk = disk_problem(e)
    for job in prepared:
        job.sweep_temporaries()
        if disk and not opts.keep_job:
            job.remove()
        elif isinstance(e, Exception) and not isinstance(e, Cancelled):
            done = len(job.chunks) - len(job.missing()) if job.desc.get("chunks") else 0
            if done:
                emit(StageEvent("failed", f"{done} finished chunk(s) kept in {job.folder}: "
                                          "render again with --resume to continue from them"))
            elif not opts.keep_job:
                job.remove()


def _render_prepared(prepared: list[Job], opts: RenderOptions, emit, cancel, report: RenderReport,
                     t0: float) -> RenderReport:
    tasks: list[Task] = []
    total = 0
    done = 0
    for job in prepared:
        report.jobs.append(job.folder)
        for a, b in job.chunks:
            t = Task(job.folder, a, b, index=len(tasks))
            total += b - a
            tasks.append(t)
    todo = []
    for t in tasks:
        if Job(t.job_dir).is_done(t.start, t.stop):
            report.skipped.append((t.start, t.stop))
            done += t.frames
            emit(ChunkEvent(t, SKIPPED, "finished in an earlier attempt"))
        else:
            todo.append(t)
            emit(ChunkEvent(t, QUEUED))
    emit(StageEvent("chunks", f"{len(todo)} chunk(s) to render on {opts.workers} {opts.engine} worker(s)"
                    + (f", {len(report.skipped)} finished before" if report.skipped else
                       (", none finished before (nothing to resume)" if opts.resume else ""))))
    emit(ProgressEvent(done, total))
    lock = threading.Lock()
    running: dict[int, Task] = {}
    jobs_by_dir = {j.folder: j for j in prepared}
    shown = [done]

    def tick() -> None:
        """Frames done inside running chunks, from their progress files. Never backwards: a chunk
        that has just finished has no progress file any more but may not be counted done yet."""
        with lock:
            partial = sum(jobs_by_dir[t.job_dir].read_progress(t.start, t.stop) for t in running.values())
            now = done + partial
            if now <= shown[0]:
                return
            shown[0] = now
        emit(ProgressEvent(now, total))

    def on_state(t: Task, state: str, detail: str) -> None:
        nonlocal done
        with lock:
            if state == RUNNING:
                running[t.index] = t
            else:
                running.pop(t.index, None)
            if state == DONE:
                done += t.frames
                report.rendered.append((t.start, t.stop))
                for w in t.result.get("warnings", []) if isinstance(t.result, dict) else []:
                    if w not in report.warnings:
                        report.warnings.append(w)
        emit(ChunkEvent(t, state, detail))
        if state == DONE:
            with lock:
                shown[0] = max(shown[0], done)
                now = shown[0]
            emit(ProgressEvent(now, total))

    collector = _Collector(prepared, opts, emit, cancel)
    collector.start()
    try:
        if todo:
            run_tasks(todo, opts, on_state, _Either(cancel, collector), tick)
    except BaseException as e:
        collector.stop()
        if isinstance(e, Cancelled) and collector.error is not None and not isinstance(collector.error, Cancelled):
            raise collector.error from None  # the encoder failed: that stopped the workers
        raise
    report.outputs += collector.finish()
    report.seconds = time.perf_counter() - t0
    emit(StageEvent("done", f"rendered {', '.join(report.outputs)} in {report.seconds:.1f} s"))
    return report


class _Either:
    """Stop the engine on the user's cancel or when the collect step failed."""

    def __init__(self, cancel: CancelToken | None, collector: "_Collector"):
        self.cancel, self.collector = cancel, collector

    @property
    def cancelled(self) -> bool:
        return (self.cancel is not None and self.cancel.cancelled) or self.collector.error is not None


class _Collector(threading.Thread):
    """Encodes the outputs beside the workers, each chunk as soon as it and those before it are
    published; stops when the render fails or is cancelled."""

    def __init__(self, jobs: list[Job], opts: RenderOptions, emit, cancel: CancelToken | None):
        super().__init__(name="studio-collect", daemon=True)
        self.jobs, self.opts, self.emit, self.cancel = jobs, opts, emit, cancel
        self._halt = threading.Event()
        self.outputs: list[str] = []
        self.error: BaseException | None = None

    def _wait(self) -> None:
        if self._halt.is_set() or (self.cancel is not None and self.cancel.cancelled):
            raise Cancelled()

    def run(self) -> None:
        from .collect import collect
        try:
            for job in self.jobs:
                self.emit(StageEvent("collect", f"encoding {job.desc['output']} as its chunks finish"))
                self.outputs.append(collect(job, check=self._wait, keep_frames=self.opts.keep_job, wait=self._wait))
        except BaseException as e:  # noqa: BLE001 - handed to the thread that called render()
            self.error = e

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def finish(self) -> list[str]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.outputs


__all__ = ["RenderOptions", "RenderReport", "ChunkEvent", "ProgressEvent", "StageEvent", "render",
           "prepare", "FAILED"]
