"""The queue, dispatched over a cluster: studio.queue's JobQueue (the same file on disk, the same listeners, the
same seals) running one job on each free worker at once instead of one job on this machine.

* Placement: a job waits until a worker whose device has room for its plan is free (pool.py chooses: warm first);
  a job no worker could ever fit is refused when it is queued, in words (plan.py).
* Following a job: its worker is asked for its events, progress, log and files a few times a second; the
  events go to the listeners as a local run's do (the server's /ws, the window's Queue dock), the job naming
  its worker (``Job.worker``).
* Nothing lost: a worker killed mid-job (its process, or its node) gives its job back to the queue, which places
  it on another worker; there it goes on from the steps the killed run kept (written as it went, in the shared
  folder: worker.py), the frames an uninterrupted run makes. A queue whose head was killed comes back with the
  jobs that were running queued again (not failed as a local queue's are): they too go on from their kept
  steps. Each output is written whole or not at all (written beside, then renamed, as every run writes).
* Cancel and interrupt reach the job's worker (its steps kept, as a Stop keeps them)."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from studio.core.errors import StudioError
from studio.queue import seal
from studio.queue.job import CANCELLED, ENDED, FAILED, QUEUED, RUNNING, Job
from studio.queue.queue import JobQueue, sweep_partial
from studio.queue.run import ended_by

from .plan import Needs, needs
from .pool import Pool

POLL_S = 0.25  # seconds between two asks of a running job's worker
MAX_LOSSES = 3  # a job whose worker died this many times fails (it may be what kills them)


class ClusterQueue(JobQueue):
    """``folder``: the queue's; ``pool``: the cluster's workers (pool.Pool); ``options_for(job)``: the run's
    options (the tags its files keep: the server's), None by default."""

    def __init__(self, folder: str, pool: Pool, options_for: Callable[[Job], dict | None] | None = None,
                 may_start: Callable[[], bool] | None = None):
        super().__init__(folder, may_start=may_start)
        self.pool = pool
        self._options_for = options_for or (lambda job: None)
        self._needs: dict[str, Needs] = {}
        self._runs: dict[str, tuple[Job, Any]] = {}  # job id -> (the job, its worker)
        self._stops: set[str] = set()  # running jobs asked to stop
        self._avoid: dict[str, set[str]] = {}  # job id -> workers that died running it
        self._threads: list[threading.Thread] = []
        self._endings = 0  # jobs ended whose listeners are being told
        back = [j for j in self.store.interrupted if j in self._jobs]
        for j in back:  # its head was killed: it goes on from its kept steps, placed again
            j.state, j.started, j.ended, j.error, j.error_node, j.progress = QUEUED, None, None, "", "", 0.0
            j.say("the queue stopped while it ran: queued again; it goes on from the steps it kept")
        if back:
            self._save()

    # -- reading --------------------------------------------------------------------------------
    def runs(self) -> list[Job]:
        with self._lock:
            return [j for j, _ in self._runs.values()]

    @property
    def running(self) -> Job | None:
        runs = self.runs()
        return runs[0] if runs else None

    def snapshot(self) -> tuple[Job | None, list[Job]]:
        with self._lock:
            return self.running, self.pending()

    # -- changing -------------------------------------------------------------------------------
    def add_many(self, jobs: list[Job]) -> list[Job]:
        """As JobQueue's, each job's plan first checked against the workers: one no worker has room for is refused
        in words (nothing queued)."""
        found = {}
        for job in jobs:
            try:
                n = needs(job)
                self.pool.check(n)
            except StudioError as e:
                raise StudioError(f"the job '{job.title[:80] or job.id[:8]}' is not queued: {e}") from None
            found[job.id] = n
        self._needs.update(found)
        return super().add_many(jobs)

    def _stop_running(self, job: Job) -> None:
        self._stops.add(job.id)

    def close(self, timeout: float = 30.0) -> None:
        """Stop: the running jobs are stopped (their steps kept) and queued again (the workers stay: their pool's
        maker closes it)."""
        with self._lock:
            self._closing = True
            self._stops.update(self._runs)
            self._wake.notify_all()
        end = time.monotonic() + timeout
        for t in list(self._threads):
            t.join(max(0.1, end - time.monotonic()))
        super().close(max(0.1, end - time.monotonic()))

    def wait_idle(self, timeout: float = 60.0) -> bool:
        end = time.monotonic() + timeout
        with self._lock:
            while self._runs or self._endings or (self.pending() and not self._paused):
                left = end - time.monotonic()
                if left <= 0 or not self.working:
                    return False
                self._wake.wait(min(left, 0.5))
        return True

    # -- the dispatcher -------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._lock:
                started = []
                while not self._closing and not started:
                    started = self._place_some()
                    if not started:
                        self._wake.wait(0.25)
                if self._closing:
                    return
            for job, w, sealed, n in started:
                if w is None:  # refused as it was placed: its end told
                    self._ended(job)
                    continue
                self._tell("started", job)
                t = threading.Thread(target=self._follow, args=(job, w, sealed, n), name=f"studio-{w.name}",
                                     daemon=True)
                self._threads = [x for x in self._threads if x.is_alive()] + [t]
                t.start()

    def _place_some(self) -> list:
        """The waiting jobs placed on free workers; the queue's lock held. First each of the next few jobs whose
        model a free worker has loaded goes there (a model loaded once serves the jobs that want it: a later job
        may pass one waiting for a worker warm for its own model), then the others in the queue's order (a job
        that waits for a larger device lets the next ones take the smaller free ones)."""
        if self._paused or not self._free():
            return []
        out: list = []
        pending = self.pending()
        ahead = max(4, 2 * len(self.pool.workers))
        for warm_only, jobs in ((True, pending[:ahead]), (False, pending)):
            for job in jobs:
                if job.state != QUEUED:  # placed in the first pass, or refused
                    continue
                n = self._needs_of(job, out)
                if n is None:
                    continue
                w = self.pool.place(n, self._avoid.get(job.id, set()), warm_only=warm_only and bool(n.models))
                if w is not None and (not warm_only or n.models):
                    out.append(self._start(job, w, n))
        return out

    def _needs_of(self, job: Job, out: list) -> Needs | None:
        """What ``job`` needs (foreseen once); None when no worker can take it: failed in words (told in ``out``)."""
        n = self._needs.get(job.id)
        if n is not None:
            return n
        try:
            n = self._needs[job.id] = needs(job)
            self.pool.check(n)
            return n
        except StudioError as e:  # a job queued before (a restart): refused now, in words
            job.state, job.ended = FAILED, time.time()
            job.error = f"it cannot run on the cluster: {e}"
            job.say(f"error: {job.error}")
            self._save_said(job)
            self._endings += 1
            out.append((job, None, False, None))
            return None

    def _start(self, job: Job, w, n: Needs) -> tuple:
        """``job`` placed on ``w``: running there (the queue's lock held)."""
        w.job = job.id
        sealed = seal.holds(job)  # asked before its outputs are cleared (they are part of the seal)
        job.state, job.started, job.ended, job.progress = RUNNING, time.time(), None, 0.0
        job.outputs, job.node_outputs, job.error, job.error_node = [], {}, "", ""
        job.worker = w.label()
        job.say(f"runs on {job.worker}")
        self._runs[job.id] = (job, w)
        self._save_said(job)
        return job, w, sealed, n

    def _follow(self, job: Job, w, sealed: bool, n: Needs) -> None:
        """One job on worker ``w``, from its start to its end (a thread of its own)."""
        lost = ""
        try:
            seal.check(job, sealed)  # its folder is the user's, not the queue file's say
            lost = self._remote(job, w, sealed, n)
        except Exception as e:  # noqa: BLE001 - a job's fault never stops the queue
            ended_by(job, e)
        with self._lock:
            self._runs.pop(job.id, None)
            if lost:
                self._lost(job, w, lost, job.id in self._stops)
            self._stops.discard(job.id)
            if sealed or job.base_dir is None:  # what the run wrote is the user's: sealed with the job
                job.seal = seal.seal_or(job, job.seal)
            if self._closing and job.state == CANCELLED and job.error == "":
                job.state, job.started, job.ended = QUEUED, None, None
                job.say("stopped with Studio: queued again; it goes on from the steps it kept")
            ended = job.state in ENDED
            if ended:
                job.ended = job.ended or time.time()
                self._endings += 1
            self._save_said(job)
            self._wake.notify_all()
        if not lost:
            self.pool.refresh(w)
        if ended:  # told before its worker takes the next job: `queue run` says this one's end first
            self._ended(job)
        else:
            self._tell("changed", job)
        with self._lock:
            w.job = ""
            self._wake.notify_all()

    def _ended(self, job: Job) -> None:
        self._tell("ended", job)
        with self._lock:
            self._endings -= 1
            self._wake.notify_all()

    def _lost(self, job: Job, w, why: str, stopping: bool) -> None:
        """``w`` died running ``job``: the job queued again at the head of the queue, to go on elsewhere from its
        kept steps (failed once its workers died MAX_LOSSES times; cancelled when it was asked to stop); the
        queue's lock held."""
        self.pool.lost(w)
        avoid = self._avoid.setdefault(job.id, set())
        avoid.add(w.name)
        sweep_partial(job)  # the killed run's half-written encoder file
        if stopping and not self._closing:
            job.state, job.ended = CANCELLED, time.time()
            job.say(f"cancelled ({w.label()} was lost as it stopped: {why})")
            return
        if len(avoid) >= MAX_LOSSES:
            job.state, job.ended = FAILED, time.time()
            job.error = f"its worker died {len(avoid)} times while it ran (last: {w.label()}, {why})"
            job.say(f"error: {job.error}")
            return
        job.state, job.started, job.ended, job.progress = QUEUED, None, None, 0.0
        job.say(f"{w.label()} was lost while it ran ({why}): queued again, it goes on elsewhere from its kept steps")
        self._jobs.remove(job)
        first = next((k for k, j in enumerate(self._jobs) if j.state == QUEUED), len(self._jobs))
        self._jobs.insert(first, job)

    def _remote(self, job: Job, w, sealed: bool, n: Needs) -> str:
        """Run ``job`` on ``w``, its progress followed; '' when it ended there, else why its worker was lost."""
        import ray
        from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError, WorkerCrashedError
        ref = w.handle.run.remote(job.to_dict(), {"models": dict(n.models), "clip": n.clip}, self._options_for(job))
        mark = [("", 0)]
        asked = False
        while True:
            ready, _ = ray.wait([ref], timeout=POLL_S)
            if job.id in self._stops and not asked:
                asked = True
                w.handle.cancel.remote()
            if ready:
                try:
                    end = ray.get(ref)
                except (RayActorError, WorkerCrashedError) as e:
                    return _why(e)
                except RayTaskError as e:  # the worker's own fault (it catches the job's): the job fails, said
                    raise StudioError(f"the worker failed: {getattr(e, 'cause', None) or e}") from None
                self._apply(job, end, mark, sealed)
                job.state, job.error, job.error_node = end["state"], end["error"], end["error_node"]
                job.ended = time.time()
                return ""
            try:
                update = ray.get(w.handle.poll.remote(), timeout=30)
            except (RayActorError, WorkerCrashedError, GetTimeoutError):
                continue  # the run's own result says what became of it
            self._apply(job, update, mark, sealed)

    def _apply(self, job: Job, update: dict, mark: list, sealed: bool) -> None:
        """What the worker said of the job: its progress, log and files kept on the job (the queue saved when a
        node starts writing files or a file is finished, as a local run saves it), its events told."""
        if "progress" in update:
            job.progress = float(update["progress"])
            job.log = list(update["log"])
            job.outputs, job.node_outputs = list(update["outputs"]), dict(update["node_outputs"])
            job.error_node = update["error_node"]
        now = (job.error_node, len(job.outputs))
        if now != mark[0]:
            mark[0] = now
            with self._lock:
                if sealed or job.base_dir is None:
                    job.seal = seal.seal_or(job, job.seal)
                self._save_said(job)
        for e in update.get("events") or ():
            self._tell("event", job, e)


def _why(e: Exception) -> str:
    """Why a worker was lost, in words (Ray's own are an RPC's)."""
    from ray.exceptions import ActorDiedError
    if isinstance(e, ActorDiedError) and "node" in str(e).lower() and "died" in str(e).lower():
        return "its machine left the cluster or its process died"
    return "its process died: killed, crashed, or stopped by the system for memory"
