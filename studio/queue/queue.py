"""The job queue: jobs added from anywhere (the window, `main.py queue`, the server), kept on disk
at every change (store.py), run one at a time on the device by a worker thread with one executor
(its model cache kept from job to job). Jobs can be cancelled (a queued one at once, the running one
at its next check), moved, retried; the queue can be paused (the running job ends first).

Listeners are called on the worker's or the caller's thread as ``listener(kind, job, event)``: kind
"added", "changed" (state, place, pause), "started", "event" (an engine event of the running job),
"ended". They must be quick (the window posts them to its own thread; the server to its loop)."""
from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from typing import Any, Callable, Iterable

from studio.core.errors import StudioError

from . import seal
from .foreseen import Foreseen
from .job import CANCELLED, DONE, ENDED, FAILED, QUEUED, RUNNING, Job
from .run import ended_by
from .schema import MAX_JOBS, job_problem
from .store import ADD_LIMIT, JobStore, QueueFull

MAX_ENDED = 1000  # ended jobs kept (history); the oldest go first
Listener = Callable[[str, Job, Any], None]


class JobQueue:
    def __init__(self, folder: str, runner: Callable | None = None, executor_factory: Callable | None = None,
                 may_start: Callable[[], bool] | None = None, memory_cap: int | None = None):
        """``folder``: where the queue is kept. ``runner(job, executor, cancel, on_event)`` runs one
        job (run.run_job); ``executor_factory()`` makes the one executor jobs run on. ``may_start()``:
        False while the device is busy otherwise (the window's own run): the next job waits. ``memory_cap``:
        the bytes of resident memory past which a running job is stopped (watch.py; None: the settings')."""
        from .run import run_job
        self.store = JobStore(folder)
        self.store.lock()  # QueueBusy when another process holds this queue
        self._jobs: list[Job] = self.store.load()
        self._by_id = {j.id: j for j in self._jobs}
        _drop_unsealed_outputs(self._jobs)
        for j in self.store.interrupted:
            sweep_partial(j)
        self.notes: list[str] = self.store.notes  # what reading the folder found (a damaged file set aside)
        self._paused = self.store.paused()
        self._runner = runner or run_job
        self._may_start = may_start
        self._factory = executor_factory or job_executor
        self._memory_cap = memory_cap
        self._executor = None
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._listeners: list[Listener] = []
        self._cancel = None  # the running job's CancelToken
        self._running: Job | None = None
        self._ending: Job | None = None  # a job ended whose listeners are being told (wait_idle waits for them)
        self._thread: threading.Thread | None = None
        self._closing = False
        self._foreseen = Foreseen()  # each job's time from its nodes' estimates (foreseen.py), asked once
        self._number = max((j.number for j in self._jobs), default=0)
        if any(j.state == FAILED and j.error.startswith("interrupted") and j.ended for j in self._jobs):
            self._save()  # the interrupted job's state is kept as read

    # -- listeners ------------------------------------------------------------------------------
    def listen(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def unlisten(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _tell(self, kind: str, job: Job, event: Any = None) -> None:
        for fn in list(self._listeners):
            try:
                fn(kind, job, event)
            except Exception:  # noqa: BLE001 - a listener's fault never stops the queue
                traceback.print_exc()

    # -- reading --------------------------------------------------------------------------------
    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._by_id.get(job_id)

    @property
    def running(self) -> Job | None:
        return self._running

    def snapshot(self) -> tuple[Job | None, list[Job]]:
        """(the running job, the waiting ones) read together under the queue's lock: read one after the other, a
        job starting between the two reads was in neither (a client polling /queue then took it for gone)."""
        with self._lock:
            return self._running, self.pending()

    def runs(self) -> list[Job]:
        """The jobs running now: one here (a cluster's queue, studio.cluster, runs one on each worker)."""
        with self._lock:
            return [self._running] if self._running is not None else []

    def snapshot_runs(self) -> tuple[list[Job], list[Job]]:
        """(the running jobs, the waiting ones) read together under the queue's lock (:meth:`snapshot`)."""
        with self._lock:
            return self.runs(), self.pending()

    @property
    def paused(self) -> bool:
        return self._paused

    def pending(self) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs if j.state == QUEUED]

    def position(self, job_id: str) -> int | None:
        """1 for the next job to run; None for a job not queued."""
        return self.positions().get(job_id)

    def positions(self) -> dict[str, int]:
        """Each queued job's place (1: next to run), in one pass (a list of every job asks this once)."""
        return {j.id: k + 1 for k, j in enumerate(self.pending())}

    def estimate(self, job: Job) -> float | None:
        """Seconds the job should take: foreseen from its graph's nodes (foreseen.py: a generator's load, encode,
        steps and decode), else the mean of the last finished jobs of the same graph (its node types), else of any
        finished job; None before any finished."""
        return _Means(self.jobs(), self._foreseen).of(job)

    def estimates(self, jobs: Iterable[Job] | None = None) -> dict[str, float | None]:
        """:meth:`estimate` of each of ``jobs`` (all by default), the finished jobs read once."""
        means = _Means(self.jobs(), self._foreseen)
        return {j.id: means.of(j) for j in (self.jobs() if jobs is None else jobs)}

    def eta(self, job_id: str) -> float | None:
        """Seconds until the job ends: what is left of the running one and the jobs before it."""
        job = self.get(job_id)
        if job is None or job.state in ENDED:
            return None
        total = 0.0
        run, means = self._running, _Means(self.jobs(), self._foreseen)
        if run is not None:
            est = means.of(run)
            if est is None:
                return None
            total += max(0.0, est * (1.0 - run.progress)) if run.progress else max(0.0, est - (run.seconds or 0.0))
            if run.id == job_id:
                return total
        for j in self.pending():
            est = means.of(j)
            if est is None:
                return None
            total += est
            if j.id == job_id:
                break
        return total

    # -- changing -------------------------------------------------------------------------------
    def add(self, job: Job) -> Job:
        """Queue ``job``, sealed as this user's (seal.py); StudioError, nothing queued, when it cannot be."""
        return self.add_many([job])[0]

    def add_many(self, jobs: list[Job]) -> list[Job]:
        """Queue ``jobs`` together (one write of the queue file: 1,000 variations are not 1,000 writes of a
        growing file); all or none (StudioError, nothing queued, naming the first that cannot be)."""
        with self._lock:
            ids = set()
            for job in jobs:
                why = job_problem(job.to_dict())  # what the queue writes it reads back (schema.py)
                if why or job.id in ids or self.get(job.id) is not None:
                    raise StudioError(f"the job '{job.title[:80]}' {why}: it is not queued" if why else
                                      f"a job {job.id[:80]} is already in the queue")
                ids.add(job.id)
            if len(self._jobs) + len(jobs) > MAX_JOBS:
                raise StudioError(f"the queue holds {len(self._jobs):,} jobs; {len(jobs):,} more would pass the "
                                  f"{MAX_JOBS:,} a queue holds: run or remove some first")
            kept, number = len(self._jobs), self._number
            for job in jobs:
                self._number += 1
                job.number, job.state, job.seal = self._number, QUEUED, seal.seal(job)
                self._jobs.append(job)
            before = self._jobs
            trimmed = self._trim()
            try:
                if trimmed or not self.store.journaled():  # a short queue, or ended jobs dropped: written whole
                    self.store.save(self._jobs, self._paused, limit=ADD_LIMIT)
                    self._by_id = {j.id: j for j in self._jobs}
                else:  # only the new jobs' lines written (store.py's journal): the same cost at any length
                    self.store.append(jobs, limit=ADD_LIMIT)
                    self._by_id.update((j.id, j) for j in jobs)
            except QueueFull:
                self._jobs = before
                del self._jobs[kept:]
                self._number = number
                self._by_id = {j.id: j for j in self._jobs}
                raise
            self._wake.notify_all()
        for job in jobs:
            self._tell("added", job)
        return jobs

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued job (at once) or the running one (at its next check); False when it had ended."""
        return bool(self.cancel_many([job_id]))

    def cancel_many(self, job_ids: Iterable[str]) -> int:
        """Cancel each of ``job_ids`` as :meth:`cancel` does, the queue written once for all of them (a client
        clearing 500 waiting prompts: one write, not 500); how many were cancelled or asked to stop."""
        changed, n = [], 0
        with self._lock:
            for job_id in job_ids:
                job = self.get(job_id)
                if job is None or job.state in ENDED:
                    continue
                n += 1
                if job.state == RUNNING:
                    self._stop_running(job)
                    job.say("cancel asked")
                    continue
                job.state, job.ended = CANCELLED, time.time()
                job.say("cancelled before it ran")
                changed.append(job)
            if changed:
                self._save()
        for job in changed:
            self._tell("changed", job)
        return n

    def _stop_running(self, job: Job) -> None:
        """Ask the running ``job`` to stop at its next check (the queue's lock held)."""
        if self._cancel is not None:
            self._cancel.cancel()

    def cancel_running(self) -> Job | None:
        job = self._running
        if job is not None:
            self.cancel(job.id)
        return job

    def clear_pending(self) -> int:
        return self.cancel_many([j.id for j in self.pending()])

    def move(self, job_id: str, place: int) -> None:
        """Put a queued job at ``place`` among the queued jobs (0: next to run)."""
        with self._lock:
            job = self.get(job_id)
            if job is None or job.state != QUEUED:
                raise StudioError("only a queued job can be moved")
            pending = [j for j in self._jobs if j.state == QUEUED and j is not job]
            place = max(0, min(place, len(pending)))
            self._jobs.remove(job)
            at = self._jobs.index(pending[place]) if place < len(pending) else len(self._jobs)
            self._jobs.insert(at, job)
            self._save()
        self._tell("changed", job)

    def retry(self, job_id: str) -> Job:
        """A new queued job with an ended job's graph, overrides and seed."""
        old = self.get(job_id)
        if old is None:
            raise StudioError(f"no job {job_id}")
        seal.check(old)  # a job changed outside Studio is not made the user's by queueing it again
        return self.add(Job(graph=old.graph, title=old.title, overrides=list(old.overrides), seed=old.seed,
                            base_dir=old.base_dir, source=old.source, workflow=old.workflow, origin=dict(old.origin)))

    def remove(self, job_id: str) -> None:
        """Forget an ended job (its files stay)."""
        with self._lock:
            job = self.get(job_id)
            if job is None or job.state not in ENDED:
                raise StudioError("only an ended job can be removed (cancel it first)")
            self.remove_many([job_id])

    def remove_many(self, job_ids: Iterable[str]) -> list[str]:
        """Forget the ended jobs among ``job_ids`` (their files stay), the queue written once for all of them (a
        client clearing 1,000 of history); the ids forgotten. In one pass over the queue, not one per job."""
        with self._lock:
            gone = {i for i in job_ids if (j := self._by_id.get(i)) is not None and j.state in ENDED}
            if gone:
                self._jobs = [j for j in self._jobs if j.id not in gone]
                for i in gone:
                    del self._by_id[i]
                self._save()
        return sorted(gone)

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = bool(paused)
            self._save()
            self._wake.notify_all()
        for j in self.pending()[:1]:
            self._tell("changed", j)

    # -- the worker -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start running jobs (on a thread of its own)."""
        with self._lock:
            if self._thread is not None:
                return
            self._closing = False
            self._thread = threading.Thread(target=self._work, name="studio-queue", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop: the running job is cancelled and queued again (it runs first next time)."""
        with self._lock:
            self._closing = True
            if self._cancel is not None:
                self._cancel.cancel()
            self._wake.notify_all()
            t = self._thread
        if t is not None:
            t.join(timeout)
        self._thread = None
        self.store.unlock()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no job is queued or running (tests, `main.py queue run`)."""
        end = time.monotonic() + timeout
        with self._lock:
            while self._running is not None or self._ending is not None or (self.pending() and not self._paused):
                left = end - time.monotonic()
                if left <= 0 or not self.working:
                    return False
                self._wake.wait(min(left, 0.5))
        return True

    @property
    def working(self) -> bool:
        """Whether the worker thread runs (started and not stopped)."""
        t = self._thread
        return t is not None and t.is_alive()

    def _work(self) -> None:
        from studio.engine.context import CancelToken
        while True:
            with self._lock:
                while not self._closing and (self._paused or not self.pending() or not self._free()):
                    self._wake.wait(0.25 if self._may_start is not None else None)
                if self._closing:
                    return
                job = self.pending()[0]
                sealed = seal.holds(job)  # asked before its outputs are cleared (they are part of the seal)
                job.state, job.started, job.progress = RUNNING, time.time(), 0.0
                job.outputs, job.node_outputs, job.error, job.error_node = [], {}, "", ""
                self._running, self._cancel = job, CancelToken()
                cancel = self._cancel
                self._save_said(job)
            self._tell("started", job)
            self._run(job, cancel, sealed)
            with self._lock:
                if sealed or job.base_dir is None:  # what the run wrote is the user's: sealed with the job
                    job.seal = seal.seal_or(job, job.seal)
                self._running, self._cancel = None, None
                if self._closing and job.state == CANCELLED and job.error == "":
                    job.state, job.started, job.ended = QUEUED, None, None
                    job.say("stopped with Studio: queued again")
                self._ending = job if job.state in ENDED else None
                self._save_said(job)
                self._wake.notify_all()
            if job.state in ENDED:
                self._tell("ended", job)  # before wait_idle returns: `queue run` hears every job's end
                with self._lock:
                    self._ending = None
                    self._wake.notify_all()

    def _run(self, job: Job, cancel, sealed: bool) -> None:
        from .watch import MemoryWatch, default_cap
        mark = [("", 0)]
        cap, why = (self._memory_cap, "the queue's cap") if self._memory_cap is not None else default_cap()
        watch = MemoryWatch(cap, why, cancel)

        def heard(e: Any) -> None:
            watch.heard(e)
            self._heard(job, e, mark, sealed)
        try:
            seal.check(job, sealed)  # its folder is the user's, not the queue file's say
            if self._executor is None:
                self._executor = self._factory()
            with watch:
                self._runner(job, self._executor, cancel, heard)
            job.state, job.error_node = DONE, ""
        except Exception as e:  # noqa: BLE001 - a job's fault never stops the queue (Cancelled included)
            ended_by(job, e, watch.message, watch.node_id)
        job.ended = time.time()

    def _heard(self, job: Job, event: Any, mark: list, sealed: bool) -> None:
        """An engine event of the running job, told to the listeners; the queue is saved when a node starts
        writing files or the job's list of written files grows, so that after a kill -9 the job lists the
        files it finished and names the node whose files are incomplete (run.py keeps it in error_node)."""
        now = (job.error_node, len(job.outputs))
        if now != mark[0]:
            mark[0] = now
            with self._lock:
                if sealed or job.base_dir is None:  # the files it wrote are sealed with it, as at its end
                    job.seal = seal.seal_or(job, job.seal)
                self._save_said(job)
        self._tell("event", job, event)

    def _free(self) -> bool:
        try:
            return self._may_start is None or bool(self._may_start())
        except Exception:  # noqa: BLE001 - a broken check never stops the queue for good
            return True

    def _save(self) -> None:
        self.store.save(self._jobs, self._paused)

    def _save_said(self, job: Job) -> None:
        """Save after a job ran; a failed write (a full disk) is said on the job, never the worker's end."""
        try:
            self._save()
        except Exception as e:  # noqa: BLE001 - the worker goes on; the next change writes the queue again
            from studio.core.errors import disk_problem
            job.say(f"error: the queue could not be saved: {disk_problem(e) or e}")

    def _trim(self) -> bool:
        """The oldest ended jobs past MAX_ENDED dropped; whether any was."""
        ended = [j for j in self._jobs if j.state in ENDED]
        drop = {id(j) for j in ended[:max(0, len(ended) - MAX_ENDED)]}
        if drop:
            self._jobs = [j for j in self._jobs if id(j) not in drop]
        return bool(drop)


def _drop_unsealed_outputs(jobs: list[Job]) -> None:
    """The files a job names as its outputs are opened from the window: kept only under the job's seal."""
    for j in jobs:
        if (j.outputs or j.node_outputs) and not seal.holds(j):
            j.outputs, j.node_outputs = [], {}
            j.say("its list of output files was changed outside Studio: not kept")


def sweep_partial(job: Job) -> None:
    """The video a killed run of ``job`` was encoding (the encoder's ``.render-<pid>-`` file beside each of
    its outputs, its process gone) removed: a job's outputs themselves are whole or absent (each written
    beside, then renamed), an image sequence's frames included. Only for a job whose seal holds: a queue file
    decides nothing about where Studio deletes."""
    import os

    from studio.core.paths import sweep_stale
    from studio.core.targets import file_outputs
    if not seal.holds(job):
        return
    try:
        from studio.core.fileformat import graph_from_dict
        graph = graph_from_dict(job.graph, None, source=job.title or job.id)
    except Exception:  # noqa: BLE001 - a graph that no longer reads: nothing to sweep, the job says why at Again
        return
    for n, pname in file_outputs(graph):
        path = n.params.get(pname) or ""
        if path:
            path = os.path.join(job.base_dir or os.getcwd(), os.path.expanduser(path))
            for folder in {os.path.dirname(path), path}:
                if os.path.isdir(folder):
                    sweep_stale(folder, ".render-")


class _Means:
    """The estimates of a queue's jobs, its finished jobs read once: the job's time foreseen from its graph's
    nodes (load, encode, steps, decode: foreseen.py) where they say one, else the mean of the last 8 finished jobs
    of the same graph (its node types), else of the last 8 of any."""

    def __init__(self, jobs: list[Job], foreseen: Foreseen | None = None):
        self.foreseen = foreseen
        self.kinds: dict[tuple, deque] = {}
        self.any: deque = deque(maxlen=8)
        for j in jobs:
            if j.state == DONE and j.seconds is not None:
                self.kinds.setdefault(_kind(j), deque(maxlen=8)).append(j.seconds)
                self.any.append(j.seconds)

    def of(self, job: Job) -> float | None:
        said = self.foreseen.of(job) if self.foreseen is not None else None
        if said is not None:
            return said
        pool = self.kinds.get(_kind(job)) or self.any
        return sum(pool) / len(pool) if pool else None


def _kind(job: Job) -> tuple:
    nodes = job.graph.get("nodes", [])
    return tuple(sorted(str(n.get("type", "")) for n in nodes if isinstance(n, dict))) if isinstance(nodes, list) \
        else ()


def job_executor(models=None):
    """The executor jobs run on; ``models``: a model cache to share (the window's: a graph it ran, then
    queued, finds its model loaded instead of loading a second copy beside the first)."""
    from studio.engine.executor import Executor
    return Executor(frame_caching=False, disk_cache=None, models=models)
