"""The Ray engine: one Ray task per chunk. The same code runs on a laptop (``ray.init()`` starts
Ray here) and on a cluster (``--address``), where the job folder must be on storage every node
sees and Studio must be installed at the same path.

* retries: ``max_retries`` covers a worker process or node that dies; ``retry_exceptions``
  retries a chunk whose code raised (a flaky disk, a GPU out of memory), but not a
  :class:`StudioError` (bad input fails the same way again), as in the local engine;
* progress: ``ray.wait`` returns chunks as they finish; a chunk is queued in Ray until its
  worker starts it (its progress file appears in the job folder), then running;
* a task returns the chunk file's path (and the warnings), never frames: the frames stay in
  the job folder instead of crossing Ray's object store.
"""
from __future__ import annotations

import os
from typing import Callable

from studio.core.errors import Cancelled, StudioError
from studio.engine.context import CancelToken

from .chunk import describe_failure, render_chunk
from .engines import DONE, FAILED, QUEUED, RUNNING, ChunkFailed, Task, TransientError, retrying_task, threads_per_worker
from .job import progress_name, started_chunks

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _ray():
    try:
        import ray
    except ImportError:
        raise StudioError("the Ray engine needs the 'ray' package (pip install ray)") from None
    return ray


def ensure_ray(workers: int, address: str | None = None, resources: dict | None = None):
    """Connect to Ray: the cluster at ``address``, else a Ray started here with ``workers`` CPUs (and
    ``resources``: a queue's device, studio.cluster). A Ray already initialised in this process (a test
    session, a notebook) is used as it is."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    # workers import studio from this checkout (on a cluster: installed at the same path)
    env = {"env_vars": {"PYTHONPATH": os.pathsep.join(
        p for p in (PROJECT_ROOT, os.environ.get("PYTHONPATH", "")) if p)}}
    kw = dict(runtime_env=env, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        if address:
            ray.init(address=address, **kw)
        else:
            # 'local': a Ray of its own here, never the Ray another process runs on this machine (ray.init() alone
            # joins the latest one its temp folder names, and refuses num_cpus there)
            ray.init(address="local", num_cpus=workers, resources=resources, **kw)
    except ConnectionError as e:
        raise StudioError(f"cannot reach the Ray cluster at {address}: {e}") from None
    return ray


def run_ray(tasks: list[Task], workers: int, on_state: Callable[[Task, str, str], None],
            cancel: CancelToken | None = None, max_retries: int = 2, fn: Callable = render_chunk,
            address: str | None = None, tick: Callable[[], None] | None = None) -> None:
    ray = ensure_ray(workers, address)
    threads = threads_per_worker(workers) if not address else 0  # on a cluster: the node's own policy
    remote = ray.remote(num_cpus=1, max_retries=max_retries, retry_exceptions=[TransientError])(retrying_task)
    refs = {}
    for t in tasks:
        t.attempts = 1
        refs[remote.remote(fn, t.job_dir, t.start, t.stop, threads)] = t
        on_state(t, QUEUED, "submitted to Ray")
    pending = list(refs)
    started: set = set()
    try:
        while pending:
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            waiting = [r for r in pending if r not in started]
            seen = {d: started_chunks(d) for d in {refs[r].job_dir for r in waiting}}  # a listing per job
            for r in waiting:
                t = refs[r]
                if progress_name(t.start, t.stop) in seen[t.job_dir]:
                    started.add(r)
                    on_state(t, RUNNING, "")
            ready, pending = ray.wait(pending, num_returns=1, timeout=0.2)
            if tick is not None:
                tick()
            for r in ready:
                t = refs[r]
                try:
                    t.result = ray.get(r)
                except Exception as e:  # noqa: BLE001 - retries are spent (or bad input): report it
                    cause = getattr(e, "cause", None) or e
                    on_state(t, FAILED, describe_failure(cause))
                    if isinstance(cause, StudioError):
                        raise cause from None  # names the node, like a single-process render
                    raise ChunkFailed(f"chunk {t.name()} failed after {max_retries + 1} attempts: "
                                      f"{describe_failure(cause)}") from None
                on_state(t, DONE, "")
    except BaseException:
        for r in pending:
            ray.cancel(r, force=True)
        raise
