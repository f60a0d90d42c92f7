"""The local engine: a process pool (spawn, so no forked torch/Qt state), one chunk per task.

A worker that dies (a crash, ``os._exit``, the OOM killer) breaks the whole pool in
``concurrent.futures``; the engine then starts a new pool and resubmits the chunks that had not
finished, each up to ``max_retries`` times. An exception inside a chunk is retried the same way,
except a :class:`StudioError` (bad input: retrying cannot help), which fails the render at once."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from studio.core.errors import Cancelled, StudioError
from studio.engine.context import CancelToken

from .chunk import describe_failure, render_chunk
from .engines import DONE, FAILED, RETRY, RUNNING, ChunkFailed, Task, threads_per_worker


def run_local(tasks: list[Task], workers: int, on_state: Callable[[Task, str, str], None],
              cancel: CancelToken | None = None, max_retries: int = 2,
              fn: Callable = render_chunk, tick: Callable[[], None] | None = None) -> None:
    """Run every task; ``on_state(task, state, detail)`` reports progress. Raises
    :class:`ChunkFailed` when a chunk fails ``max_retries + 1`` times, ``Cancelled`` on cancel.
    ``tick()`` is called a few times a second (progress within chunks)."""
    workers = max(1, min(workers, len(tasks) or 1))
    threads = threads_per_worker(workers)
    todo = list(tasks)
    ctx = mp.get_context("spawn")
    while todo:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=watch_parent, initargs=(os.getpid(),))
        queue, retry = list(todo), []
        try:
            futs: dict = {}
            pending: set = set()
            # one chunk per free worker: a chunk reported running is on a worker (the pool would
            # take them all at once and report queued ones as running)
            _fill(pool, queue, pending, futs, workers, threads, fn, on_state)
            started: set = set()  # handed to a worker: only these can have killed it
            broken: list = []
            while pending:
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                started.update(f for f in pending if f.running())
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if tick is not None:
                    tick()
                for f in finished:
                    t = futs[f]
                    try:
                        t.result = f.result()
                    except BrokenProcessPool:
                        broken.append(f)
                        continue
                    except StudioError as e:
                        on_state(t, FAILED, describe_failure(e))
                        raise
                    except Exception as e:  # noqa: BLE001 - retried, then reported with the chunk
                        why = describe_failure(e)
                    else:
                        on_state(t, DONE, "")
                        continue
                    _retry_or_fail(t, why, max_retries, on_state, retry)
                if not broken:
                    _fill(pool, queue, pending, futs, workers, threads, fn, on_state)
            # a dead worker breaks the whole pool: the chunks that were on a worker are suspects and
            # spend an attempt; those not yet on one go again for free (all, if none was seen started)
            suspects = [f for f in broken if f in started] or broken
            for f in broken:
                if f in suspects:
                    _retry_or_fail(futs[f], "a worker process died", max_retries, on_state, retry)
                else:
                    futs[f].attempts -= 1
                    retry.append(futs[f])
            retry.extend(queue)
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown(wait=True)
        todo = retry


WATCH_INTERVAL = 0.5  # seconds between a worker's looks at its parent (where the kernel cannot tell it)


def watch_parent(parent_pid: int) -> None:
    """Run in each worker as it starts: the worker ends when the render that started it dies
    (``kill -9`` of the parent left workers alive forever, holding its pipes). On Linux the
    kernel sends SIGKILL at the parent's death (prctl PR_SET_PDEATHSIG); everywhere a daemon
    thread also checks that the parent is still the one it was and exits otherwise."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if os.getppid() != parent_pid:
                os._exit(1)
    threading.Thread(target=watch, name="studio-watch-parent", daemon=True).start()


def _fill(pool, queue: list[Task], pending: set, futs: dict, workers: int, threads: int, fn, on_state) -> None:
    """Hand queued chunks to the pool until every worker has one."""
    while queue and len(pending) < workers:
        t = queue.pop(0)
        t.attempts += 1
        f = pool.submit(fn, t.job_dir, t.start, t.stop, threads)
        futs[f] = t
        pending.add(f)
        on_state(t, RUNNING, f"attempt {t.attempts}")


def _retry_or_fail(t: Task, why: str, max_retries: int, on_state, retry: list[Task]) -> None:
    if t.attempts > max_retries:
        on_state(t, FAILED, why)
        raise ChunkFailed(f"chunk {t.name()} failed {t.attempts} times; last: {why}")
    on_state(t, RETRY, why)
    retry.append(t)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the pool's worker processes (ours; ``_processes`` is the
    only handle concurrent.futures gives to them)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
