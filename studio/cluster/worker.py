"""A worker of the cluster: one Ray actor per device (pool.py starts them), running one job at a time through the
same executor a queue runs on (studio.queue.run.run_job), its loaded models kept from job to job in a model cache
of its own, keyed by what each loader loads and how (studio.engine.model_cache). Before a job, the least recently
used models it does not use are unloaded until its plan fits the device (the cache unloads them the same way
before each load); the head learns which of the job's models stayed loaded (``info``), so the next job of that
model comes here.

The actor is threaded: ``run`` holds one thread while the head asks ``poll`` (the job's engine events, its
progress, log and files so far) and ``cancel`` on others. Engine events cross to the head without what they
carry in memory (a loader's model, a node's frames): the head's listeners read names, steps and previews.

Its kept steps go to the folder the head names (``STUDIO_KEPT_STEPS_DIR``, written as the take goes:
nodes/video_models/resume/kept_steps.py), so a job whose worker is killed goes on elsewhere from them. A device's
memory is the GPU's own (or the host's on a CPU-only node), or what the node's ``studio_device_mb`` resource says
it stands for (a test's nodes)."""
from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from collections import Counter
from typing import Any

from studio.core.errors import StudioError


WARM = ("studio.engine.executor", "torch")  # what a worker imports as it starts (the server's warm-up too)


def device_name() -> str:
    """The device jobs run on here: "cuda" where torch sees a GPU, else "cpu"."""
    try:
        import torch
        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


def device_memory(device: str) -> int:
    """Bytes of ``device``'s memory (the GPU's total; on a CPU, this machine's)."""
    if device.startswith("cuda"):
        import torch
        return int(torch.cuda.mem_get_info()[1])
    from studio.queue.watch import machine_bytes
    return machine_bytes()


def portable(e: Any) -> Any:
    """An engine event as it crosses to the head: without the outputs a node made (a model, frames) and with its
    error in words (an exception of a library may not cross)."""
    from studio.engine.events import NodeFailed, NodeFinished, RunFinished
    if isinstance(e, NodeFinished) and e.outputs:
        return dataclasses.replace(e, outputs={})
    if isinstance(e, (NodeFailed, RunFinished)) and e.error is not None and not isinstance(e.error, StudioError):
        err = StudioError(f"{type(e.error).__name__}: {e.error}")
        err.node_id = getattr(e.error, "node_id", "") or ""
        return dataclasses.replace(e, error=err)
    return e


def _runner(path: str | None):
    """The function that runs a job (``module:function``; default studio.queue.run.run_job)."""
    if not path:
        from studio.queue.run import run_job
        return run_job
    import importlib
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class DeviceWorker:
    """``name``: how the head calls it; ``memory``: bytes its device stands for (0: measured); ``setup``: what the
    head shares with every worker ({"kept_steps": folder, "every": seconds, "env": {...}, "write": [folders],
    "read": [folders], "runner": "module:function", "warm": [modules imported as it starts]})."""

    def __init__(self, name: str, memory: int = 0, setup: dict | None = None):
        setup = dict(setup or {})
        os.environ.update({str(k): str(v) for k, v in (setup.get("env") or {}).items()})
        from nodes.video_models.resume.kept_steps import EVERY_ENV, KEPT_DIR_ENV
        if setup.get("kept_steps"):
            os.environ[KEPT_DIR_ENV] = setup["kept_steps"]
        os.environ[EVERY_ENV] = str(setup.get("every", os.environ.get(EVERY_ENV, 10.0)))
        from studio.core.confine import allow_for_session, allow_reading_for_session
        for d in setup.get("write") or ():
            allow_for_session(d)
        for d in setup.get("read") or ():
            allow_reading_for_session(d)
        import importlib
        for module in setup.get("warm") or WARM:  # imported once as the worker starts, not in its first job
            try:
                importlib.import_module(module)
            except ImportError:  # a node without it: the jobs that need it say so
                pass
        from studio.engine.model_cache import ModelCache
        from studio.queue.queue import job_executor
        self.name, self.runner = name, _runner(setup.get("runner"))
        self.device = device_name()
        self.stands_for = bool(memory)  # a test's node: its memory is what its resource says
        self.memory = int(memory) or device_memory(self.device)
        self.models = ModelCache(free_bytes=self._free, reserve={"cuda": 0, "cpu": 0, "mps": 0}) \
            if self.stands_for else ModelCache()
        self.executor = job_executor(self.models)
        self.keys: dict[str, str] = {}  # model id (plan.py) -> its key in the model cache here
        self.loads: Counter = Counter()  # model id -> times it was loaded here
        self.jobs = 0
        self._lock = threading.Lock()
        self._events: list = []
        self._job = None
        self._cancel = None

    def _free(self, device: str) -> int:
        return self.memory - self.models.bytes_on(device)

    # -- what the head asks ---------------------------------------------------------------------
    def info(self) -> dict:
        """What the head places by: this worker's machine, process, device and memory, and the models it holds."""
        import ray
        ids = ray.get_runtime_context()
        job = self._job
        return {"name": self.name, "host": socket.gethostname(), "node_id": ids.get_node_id(), "pid": os.getpid(),
                "device": self.device, "memory": self.memory, "stands_for": self.stands_for,
                "warm": sorted(m for m, k in self.keys.items() if k in self.models),
                "loaded_bytes": self.models.bytes_on(self.device), "loads": dict(self.loads), "jobs": self.jobs,
                "running": job.id if job is not None else ""}

    def poll(self) -> dict:
        """The running job's events since the last poll, and its progress, log and files so far."""
        with self._lock:
            events, self._events = self._events, []
            job = self._job
        if job is None:
            return {"events": events}
        return {"events": events, "progress": job.progress, "log": list(job.log), "outputs": list(job.outputs),
                "node_outputs": {k: list(v) for k, v in job.node_outputs.items()}, "error_node": job.error_node}

    def cancel(self) -> bool:
        """Stop the running job at its next check (its steps kept, as a Stop keeps them)."""
        c = self._cancel
        if c is not None:
            c.cancel()
        return c is not None

    def run(self, job_dict: dict, needs: dict, options: dict | None = None) -> dict:
        """Run one job (a Job's dict): its end (state, error, log, files). ``needs``: what the head foresaw
        (plan.Needs' models and clip), room made for it first."""
        from studio.engine.context import CancelToken
        from studio.engine.events import ModelStatus
        from studio.queue.job import DONE, Job
        from studio.queue.run import ended_by
        from studio.queue.watch import MemoryWatch, default_cap
        job = Job.from_dict(job_dict)
        cancel = CancelToken()
        with self._lock:
            self._job, self._cancel, self._events = job, cancel, []
        ids = self._model_ids(job)  # node id -> model id, for what this job loads here
        self._make_room(needs, set(ids.values()))
        cap, why = default_cap()
        watch = MemoryWatch(cap, why, cancel)

        def heard(e: Any) -> None:
            watch.heard(e)
            if isinstance(e, ModelStatus) and e.state == "loaded" and e.node_id in ids:
                self.loads[ids[e.node_id]] += 1
            with self._lock:
                self._events.append(portable(e))
        t0 = time.time()
        try:
            with watch:
                self.runner(job, self.executor, cancel, heard, options)
            job.state, job.error_node = DONE, ""
        except Exception as e:  # noqa: BLE001 - a job's fault is its own: the worker goes on (Cancelled included)
            ended_by(job, e, watch.message, watch.node_id)
        self.jobs += 1
        with self._lock:
            self._job, self._cancel = None, None
        return {"state": job.state, "error": job.error, "error_node": job.error_node, "log": job.log,
                "outputs": job.outputs, "node_outputs": job.node_outputs, "progress": job.progress,
                "seconds": time.time() - t0, "events": self.poll()["events"]}

    def _model_ids(self, job) -> dict[str, str]:
        """node id -> model id (plan.py) of each loader of ``job``, its key in this worker's cache kept."""
        from studio.engine.signatures import model_key
        from studio.queue.run import job_graph

        from .plan import loaders, model_id
        try:
            plan = self.executor.compile(job_graph(job))
        except Exception:  # noqa: BLE001 - a graph that does not compile fails in the run, with its message
            return {}
        out = {}
        for st in loaders(plan):
            mid = out[st.node.id] = model_id(st)
            self.keys[mid] = model_key(st, plan.base_dir)
        return out

    def _make_room(self, needs: dict, uses: set[str]) -> None:
        """The least recently used models the job does not use unloaded while its plan does not fit the device."""
        keep = {self.keys[m] for m in uses if self.keys.get(m)}
        loaded = {m: b for m, b in (needs.get("models") or {}).items() if self.keys.get(m) in self.models}
        want = int(needs.get("clip", 0)) + sum(b for m, b in (needs.get("models") or {}).items() if m not in loaded)
        if want > 0:
            self.models.make_room(self.device, want, keep)

