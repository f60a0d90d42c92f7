"""A chunked render from start to end: prepare the job(s), run the chunks on an engine, collect.
The CLI and the Render dialog both call :func:`render`."""
from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from studio.core.errors import Cancelled, StudioError
from studio.engine.context import CancelToken

from .engines import DONE, FAILED, QUEUED, RUNNING, SKIPPED, Task
from .job import Job
from .planner import DEFAULT_CHUNK, analyse, split


@dataclass
class RenderOptions:
    workers: int = 2
    chunk: int = DEFAULT_CHUNK
    engine: str = "local"               # local | ray
    address: str | None = None          # Ray cluster address; None starts Ray here
    resume: bool = False
    frames: tuple[int, int] | None = None  # [a, b) like Executor.run's frame_range
    job_root: str | None = None         # default: .studio-jobs next to each output
    keep_job: bool = False              # keep the chunk files after collecting
    max_retries: int = 2
    task_fn: Callable | None = None     # the chunk function (tests wrap it)


@dataclass
class ChunkEvent:
    """One chunk changed state (queued, running, retrying, done, skipped, failed)."""
    task: Task
    state: str
    detail: str = ""


@dataclass
class ProgressEvent:
    done_frames: int
    total_frames: int


@dataclass
class StageEvent:
    """A step of the render as a whole: 'whole-clip', 'chunks', 'collect', 'done'; ``text`` says what."""
    stage: str
    text: str


@dataclass
class RenderReport:
    outputs: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    rendered: list[tuple[int, int]] = field(default_factory=list)  # chunks rendered in this run
    skipped: list[tuple[int, int]] = field(default_factory=list)   # finished before (--resume)
    warnings: list[str] = field(default_factory=list)
    whole_clip: list[str] = field(default_factory=list)            # titles of nodes run once first
    seconds: float = 0.0


def resolve_output(path: str, base_dir: str | None) -> str:
    if os.path.isabs(path):
        return path
    return os.path.abspath(os.path.join(base_dir, path) if base_dir else path)


def prepare(graph, targets: list[str] | None, opts: RenderOptions, emit: Callable[[Any], None],
            report: RenderReport, cancel: CancelToken | None = None) -> Job:
    """Plan the render, run the whole-clip nodes once, write the job folder."""
    from studio.core.fileformat import graph_to_dict
    from studio.engine.executor import Executor

    from .chunk import build

    an = analyse(graph, targets)
    out_node = graph.nodes.get(an.output_id)
    params = dict(out_node.params) if out_node is not None else {}
    output = resolve_output(params.get("path") or "out.mp4", getattr(graph, "base_dir", None))
    # whole-clip nodes see the frame range too: another range is another job
    key = hashlib.sha256(f"{output}|{opts.frames}".encode()).hexdigest()[:8]
    root = opts.job_root or os.path.join(os.path.dirname(output), ".studio-jobs")
    folder = os.path.join(root, f"{an.signature}-{key}")
    old = None
    if os.path.exists(os.path.join(folder, "job.json")):
        old = Job(folder)
    desc = {"version": 1, "graph": graph_to_dict(graph), "base_dir": getattr(graph, "base_dir", None),
            "output_id": an.output_id, "output_title": an.output_title, "output": output,
            "output_params": {k: v for k, v in params.items() if k in ("crf", "preset", "embed_graph")},
            "video_src": list(an.video_src), "audio_src": list(an.audio_src) if an.audio_src else None,
            "chunk_nodes": an.chunk_nodes, "whole_nodes": an.whole_clip,
            "frame_range": list(opts.frames) if opts.frames else None, "chunk": opts.chunk}
    whole = None  # stays None until the whole-clip nodes' results are all written
    if old is not None and opts.resume and old.desc.get("whole") is not None:
        whole = old.desc["whole"]  # the whole-clip nodes ran in an earlier attempt
    job = Job.create(folder, {**desc, "whole": whole if whole is not None or an.whole_clip else {}})
    if old is not None and not opts.resume:
        job.clear_chunks()
    report.whole_clip += an.whole_clip_titles
    if an.whole_clip and whole is None:
        titles = ", ".join(f"'{t}'" for t in an.whole_clip_titles)
        emit(StageEvent("whole-clip", f"running {titles} once on the whole clip before the chunks"))
        ex = Executor(frame_caching=False)
        # a node inside a group is reached through its group's id (compile flattens groups)
        res = ex.run(graph, targets=sorted({n.split("/")[0] for n in an.whole_clip}),
                     on_event=emit, frame_range=opts.frames, cancel=cancel)
        plan = ex.compile(graph, targets)
        ports = _consumed_ports(plan, an)
        specs = {s.node.id: s.node.spec for s in plan.steps}
        saved = {}
        for nid, title in zip(an.whole_clip, an.whole_clip_titles):
            saved[nid] = {port: job.save_value(nid, title, port, specs[nid].output(port).type,
                                               res.outputs[nid][port]) for port in sorted(ports.get(nid, ()))}
        job.update(whole=saved)
    # the clip's length, from the lazy clip the chunks will build
    _g, clip, _a, warnings = build(job, on_event=emit)
    n = len(clip)
    a, b = opts.frames if opts.frames else (0, n)
    frames = range(max(0, a), min(n, b))
    if len(frames) == 0:
        raise StudioError(f"nothing to render: frames {a}-{b - 1} are outside the clip's {n} frames")
    if opts.frames and (a < 0 or b > n):
        report.warnings.append(f"{an.output_title}: frames {a}-{b - 1} cut to {frames.start}-{frames.stop - 1} "
                               f"(the clip has {n} frames)")
    # a chunk file holds frames [A, B) of this signature whatever the chunk size was, so a resume
    # with another --chunk reuses the files whose ranges still match
    chunks = split(frames, opts.chunk)
    job.update(frames=[frames.start, frames.stop], chunks=[list(c) for c in chunks])
    report.warnings += [w for w in warnings if w not in report.warnings]
    return job


def _consumed_ports(plan, an) -> dict[str, set[str]]:
    """The outputs of the whole-clip nodes that chunk-side nodes (or the output) read."""
    out: dict[str, set[str]] = {}
    chunk_side = set(an.chunk_nodes) - set(an.whole_clip)
    for s in plan.steps:
        if s.node.id in chunk_side or s.node.id == an.output_id:
            for port, src in s.inputs.items():
                if src is not None and src[0] in an.whole_clip:
                    out.setdefault(src[0], set()).add(src[1])
    return out


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
    ``on_event`` gets engine events (NodeMessage ... from the parent's runs) and this module's
    StageEvent, ChunkEvent and ProgressEvent."""
    emit = on_event or (lambda e: None)
    t0 = time.perf_counter()
    report = RenderReport()
    prepared: list[Job] = []
    for graph, targets in jobs:
        if cancel is not None:
            cancel.check()
        prepared.append(prepare(graph, targets, opts, emit, report, cancel))
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
                    + (f", {len(report.skipped)} finished before" if report.skipped else "")))
    emit(ProgressEvent(done, total))
    lock = threading.Lock()
    running: dict[int, Task] = {}
    jobs_by_dir = {j.folder: j for j in prepared}
    shown = [done]

    def tick() -> None:
        """Frames done inside running chunks, from their progress files."""
        with lock:
            partial = sum(jobs_by_dir[t.job_dir].read_progress(t.start, t.stop) for t in running.values())
            now = done + partial
        if now != shown[0]:
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
            shown[0] = done + sum(jobs_by_dir[x.job_dir].read_progress(x.start, x.stop) for x in list(running.values()))
            emit(ProgressEvent(shown[0], total))

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
