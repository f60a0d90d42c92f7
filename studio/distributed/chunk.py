"""Render one chunk of a job: build the graph's lazy clip with the same executor as a
single-process render (whole-clip nodes load their results from the job folder instead of
running again), pull frames [A, B) and publish them as one lossless file.

A chunk pulls whatever input frames its frames need, also those before its start (a windowed
node's neighbours, an interpolation's source frames), so its frames equal those of a render
from frame 0."""
from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

import numpy as np

from studio.core.errors import MediaError, NodeExecutionError
from studio.engine.cache import OutputCache
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor, input_value
from studio.engine.plan import Plan

from .job import Job

BLOCK = 8  # frames pulled at a time: the single-process writer's block size
PROGRESS_INTERVAL = 0.25  # seconds between a chunk's progress-file updates


def chunk_plan(plan: Plan, keep: set[str], preloaded: dict[str, dict[str, Any]], cache: OutputCache) -> Plan:
    """The steps a chunk runs: those in ``keep``. Whole-clip nodes return their saved results
    (``preloaded``): their steps (marked cacheable) are seeded into ``cache`` under their
    signatures, so the executor's own cache lookup hands the results on and never runs them."""
    steps = []
    for s in plan.steps:
        if s.node.id not in keep:
            continue
        if s.node.id in preloaded:
            spec = dataclasses.replace(s.node.spec, cacheable=True)
            s = dataclasses.replace(s, node=dataclasses.replace(s.node, spec=spec))
            cache.put(s.signature, preloaded[s.node.id], 0)
        steps.append(s)
    return dataclasses.replace(plan, steps=steps)


def build(job: Job, on_event=None):
    """The job's video clip and sound, as the output node would receive them. Returns
    ``(graph, clip, audio, warnings)``; warnings are those of building the clip. The parent
    that prepared the job builds from its own plan (``job.plan``); a worker or a farm task
    compiles the graph of ``job.json``."""
    graph = job.graph()
    d = job.desc
    warnings: list[str] = []

    def sink(e):
        if isinstance(e, NodeMessage) and e.level == "warning":
            w = f"{e.title}: {e.text}"
            if w not in warnings:
                warnings.append(w)
        if on_event is not None:
            on_event(e)

    ex = Executor(frame_caching=False)
    if job.plan is not None:
        plan = job.plan.only([d["output_id"]])
    else:
        ex.confine_outputs = False  # the parent checked the outputs before it made the job
        plan = ex.compile(graph, targets=[d["output_id"]])
    plan = chunk_plan(plan, set(d["chunk_nodes"]), job.load_whole(), ex.cache)
    frames = tuple(d["frame_range"]) if d.get("frame_range") else None
    res = ex.run(plan, on_event=sink, frame_range=frames)
    video = input_value(res.outputs, tuple(d["video_src"]), "Video")
    audio = input_value(res.outputs, tuple(d["audio_src"]), "Audio") if d.get("audio_src") else None
    return graph, video, (audio if audio is not None else video.audio), warnings


def to_encoder_u8(block: np.ndarray, out: np.ndarray) -> None:
    """What the MP4 writer makes of float frames, bit for bit: x * 255 + 0.5, clipped, truncated;
    one channel is repeated to grey."""
    c = block.shape[-1]
    s = np.multiply(block, np.float32(255.0), dtype=np.float32)
    s += np.float32(0.5)
    np.clip(s, 0, 255, out=s)
    out[...] = s if c == 3 else s[..., :1]


def render_chunk(job_dir: str, a: int, b: int, threads: int = 0) -> dict:
    """Render frames [a, b) of the job in ``job_dir``; return the chunk file's path (frames
    stay on disk, only the path travels) and the warnings the nodes gave."""
    job = Job(job_dir)
    final = job.chunk_path(a, b)
    if os.path.exists(final):
        return {"path": final, "warnings": [], "rendered": False}
    tmp = os.path.join(os.path.dirname(final), f".{os.path.basename(final)}.{os.getpid()}.tmp")
    try:
        warnings = _render_into(job, a, b, threads, tmp, final)
    except OSError as e:
        from studio.core.errors import DiskError, disk_problem
        why = disk_problem(e, f"the chunk files in {os.path.dirname(final)}")
        if why:  # a full disk or a read-only folder: retrying cannot help; one line, no traceback
            raise DiskError(why) from None
        raise
    return {"path": final, "warnings": warnings, "rendered": True}


def _render_into(job: Job, a: int, b: int, threads: int, tmp: str, final: str) -> list[str]:
    """Frames [a, b) into ``tmp``, renamed to ``final`` when whole; returns the nodes' warnings."""
    try:
        job.write_progress(a, b, 0)  # started (the Ray engine reports the chunk running from here)
        if threads > 0:
            from studio.engine.device import set_threads
            set_threads(threads)  # torch is imported only if a node needs it
        _graph, clip, _audio, warnings = build(job)
        if clip.channels not in (1, 3):
            raise MediaError(f"cannot encode a {clip.channels}-channel clip as video "
                             f"(flow? use 'Flow to Colour' first)")
        if b > len(clip):
            raise MediaError(f"chunk {a}-{b} reaches past the clip's {len(clip)} frames")
        mm = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(b - a, clip.height, clip.width, 3))
        _allocate(tmp)  # a full disk is an OSError here, not a SIGBUS when a page of the map is written
        last_report = time.monotonic()
        for s in range(a, b, BLOCK):
            e = min(s + BLOCK, b)
            block = clip.chunk(s, e)
            if not np.isfinite(block).all():
                k = int(np.argwhere(~np.isfinite(block))[0][0])
                who = f" made by '{clip.producer[1]}'" if clip.producer else ""
                raise MediaError(f"frame {s + k}{who} contains NaN or infinite values")
            to_encoder_u8(block, mm[s - a:e - a])
            if time.monotonic() - last_report > PROGRESS_INTERVAL:
                job.write_progress(a, b, e - a)
                last_report = time.monotonic()
        mm.flush()
        del mm
        os.replace(tmp, final)  # published only when complete
        _unlink(job.progress_path(a, b))
    except BaseException:
        _unlink(tmp)
        _unlink(job.progress_path(a, b))
        raise
    return warnings


def _allocate(path: str) -> None:
    """Give the (sparse) file its blocks now, where the system can (posix_fallocate)."""
    if not hasattr(os, "posix_fallocate"):
        return
    with open(path, "r+b") as f:
        try:
            os.posix_fallocate(f.fileno(), 0, os.fstat(f.fileno()).st_size)
        except OSError as e:
            import errno
            if e.errno in (errno.EOPNOTSUPP, errno.EINVAL, getattr(errno, "ENOTSUP", -1)):
                return  # the file system cannot: the map is written as before
            e.filename = path
            raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def describe_failure(e: BaseException) -> str:
    if isinstance(e, NodeExecutionError):
        return str(e)
    return f"{type(e).__name__}: {e}"
