"""The cluster's workers, seen from the head: Ray connected to (the cluster at ``address``; "local": a Ray
started here with one worker), one worker actor (worker.py) started on each device of each node: a node's GPUs
(``num_gpus``), else its ``studio_device`` resources (a CPU-only node standing for devices: ``ray start
--resources '{"studio_device": 2, "studio_device_mb": 24000}'``, each of its devices standing for that many MB).
Each actor is pinned to its node and restarted there by Ray when its process dies.

Placement (:meth:`Pool.place`) is Studio's one choice: among the free workers whose device has room for the job's
plan (plan.py), one that has the job's models loaded (the most of its bytes), else one that holds no other models
(kept for the jobs that want them), else the one with the most room; a worker that just lost this job is passed over while another can take it. Ray does the rest."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from studio.core.errors import StudioError

from .plan import Needs, check_fits

DEVICE, DEVICE_MB = "studio_device", "studio_device_mb"
LOCAL = "local"


@dataclass
class Worker:
    name: str
    handle: object
    node_id: str
    memory: int = 0  # bytes of its device
    host: str = ""
    device: str = ""
    pid: int = 0
    warm: set = field(default_factory=set)  # model ids loaded there
    loads: dict = field(default_factory=dict)  # model id -> loads there
    job: str = ""  # the job it runs ('' when free)
    alive: bool = False  # answering (False while Ray restarts it)
    jobs: int = 0

    def label(self) -> str:
        return f"{self.name} on {self.host or '?'}"

    def update(self, info: dict) -> None:
        self.host, self.device, self.pid = info.get("host", ""), info.get("device", ""), int(info.get("pid", 0))
        self.memory = int(info.get("memory", self.memory))
        self.warm, self.loads = set(info.get("warm", ())), dict(info.get("loads", {}))
        self.jobs, self.alive = int(info.get("jobs", 0)), True

    def stats(self) -> dict:
        return {"name": self.name, "host": self.host, "node_id": self.node_id, "pid": self.pid, "device": self.device,
                "memory": self.memory, "alive": self.alive, "running": self.job, "warm": sorted(self.warm),
                "loads": dict(self.loads), "jobs": self.jobs}


def connect(address: str):
    """Ray, connected: to the cluster at ``address``, or started here ("local"). A Ray already initialised in this
    process (a test's cluster) is used as it is."""
    from studio.distributed.ray_engine import ensure_ray
    if address != LOCAL:
        reach(address)
        return ensure_ray(1, address)
    from .worker import device_name
    gpu = device_name() == "cuda"  # Ray counts the GPUs itself; a machine without one: one device, its CPU
    return ensure_ray(os.cpu_count() or 1, None, None if gpu else {DEVICE: 1})


REACH_S = 5.0  # seconds a cluster's address is given to answer before Ray is asked (Ray waits minutes)


def reach(address: str, timeout: float | None = None) -> None:
    """StudioError in words when nothing answers at ``address`` (HOST:PORT, or ray://HOST:PORT) within ``timeout``
    seconds: asked before Ray, which waits for an unreachable head for minutes. Another form ('auto') is Ray's."""
    import socket
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_S if timeout is None else timeout).close()
    except socket.gaierror:
        raise StudioError(f"cannot reach the Ray cluster at {address}: no machine is named '{host}'") from None
    except TimeoutError:
        raise StudioError(f"cannot reach the Ray cluster at {address}: nothing answered within "
                          f"{REACH_S if timeout is None else timeout:g} s") from None
    except OSError as e:
        raise StudioError(f"cannot reach the Ray cluster at {address}: {e.strerror or e} (is its head started: "
                          "ray start --head?)") from None


class Pool:
    """The workers of the cluster. ``setup``: what every worker is given (worker.DeviceWorker)."""

    def __init__(self, address: str, setup: dict | None = None, limit: int | None = None):
        """``limit``: at most this many workers (None: one for each device of the cluster)."""
        self.ray = connect(address)
        self.setup, self.limit = dict(setup or {}), limit
        self.workers: list[Worker] = []
        self._lock = threading.Lock()
        self._start_workers()

    def _start_workers(self) -> None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        from .worker import DeviceWorker
        ray = self.ray
        actor = ray.remote(DeviceWorker)
        nodes = sorted((n for n in ray.nodes() if n.get("Alive")), key=lambda n: n["NodeID"])
        for n in nodes:
            res = n.get("Resources", {})
            gpus, devices = int(res.get("GPU", 0)), int(res.get(DEVICE, 0))
            count, kind = (gpus, {"num_gpus": 1}) if gpus else (devices, {"resources": {DEVICE: 1}})
            stands = int(res.get(DEVICE_MB, 0) / max(1, devices) * 2**20) if devices and not gpus else 0
            for _ in range(count if self.limit is None else max(0, min(count, self.limit - len(self.workers)))):
                name = f"worker-{len(self.workers) + 1}"
                handle = actor.options(
                    name=None, num_cpus=0, **kind, max_restarts=-1, max_task_retries=0, max_concurrency=4,
                    scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False),
                ).remote(name, stands, self.setup)
                self.workers.append(Worker(name, handle, n["NodeID"], stands))
        if not self.workers:
            raise StudioError("the Ray cluster has no device for Studio's workers: start its nodes with a GPU, or "
                              "with --resources '{\"studio_device\": 1}' (ray start)")
        infos = ray.get([w.handle.info.remote() for w in self.workers], timeout=600)
        for w, info in zip(self.workers, infos):
            w.update(info)

    # -- reading --------------------------------------------------------------------------------
    def sizes(self) -> list[int]:
        return [w.memory for w in self.workers]

    def check(self, needs: Needs) -> None:
        """StudioError in words when no worker's device has room for ``needs`` (the job is refused when queued)."""
        check_fits(needs, self.sizes())

    def stats(self) -> list[dict]:
        with self._lock:
            return [w.stats() for w in self.workers]

    def by_name(self, name: str) -> Worker | None:
        return next((w for w in self.workers if w.name == name), None)

    # -- placing --------------------------------------------------------------------------------
    def place(self, needs: Needs, avoid: set[str] = frozenset(), warm_only: bool = False) -> Worker | None:
        """The free worker for a job needing ``needs`` (None: none free has room now), taken (its ``job`` set by
        the caller): warm first (the most of the job's model bytes loaded there), then the most room; a worker in
        ``avoid`` (one that just lost this job) only when no other fits. ``warm_only``: only a worker that has one
        of the job's models loaded."""
        with self._lock:
            fit = [w for w in self.workers if w.alive and not w.job and w.memory >= needs.bytes
                   and (not warm_only or set(needs.models) & w.warm)]
            if not fit:
                return None
            others = [w for w in fit if w.name not in avoid] or fit

            def warmth(w: Worker) -> tuple:  # its models loaded; then a worker warm for no other job; then room
                return (sum(b for m, b in needs.models.items() if m in w.warm), len(set(needs.models) & w.warm),
                        -len(w.warm - set(needs.models)), w.memory)
            return max(others, key=warmth)

    def lost(self, w: Worker) -> None:
        """``w``'s process died: it takes no job until Ray has restarted it (watched on a thread of its own)."""
        w.alive, w.warm = False, set()
        threading.Thread(target=self._wait_back, args=(w,), name=f"studio-{w.name}-back", daemon=True).start()

    def _wait_back(self, w: Worker) -> None:
        end = time.monotonic() + 3600
        while time.monotonic() < end:
            try:
                info = self.ray.get(w.handle.info.remote(), timeout=60)
            except Exception:  # noqa: BLE001 - restarting still (or its node gone): asked again
                time.sleep(1.0)
                continue
            with self._lock:
                w.update(info)
            return

    def refresh(self, w: Worker, info: dict | None = None) -> None:
        """``w``'s models and loads read again (after a job)."""
        try:
            info = info or self.ray.get(w.handle.info.remote(), timeout=60)
        except Exception:  # noqa: BLE001 - gone meanwhile: its loss is seen by the run
            return
        with self._lock:
            w.update(info)

    def close(self) -> None:
        for w in self.workers:
            try:
                self.ray.kill(w.handle)
            except Exception:  # noqa: BLE001 - already gone
                pass


def shared_setup(folder: str, write: list[str] = (), read: list[str] = (), every: float | None = None,
                 runner: str | None = None, env: dict | None = None, warm: list[str] | None = None) -> dict:
    """What every worker is given: the kept-steps folder (on storage every node sees: ``folder``'s
    'kept-steps'), the folders its jobs may write and read, how often a take's steps are kept as it goes, the
    settings' environment (the models folders)."""
    keep_env = {k: v for k, v in os.environ.items() if k in ENV_SHARED}
    return {"kept_steps": os.path.join(os.path.abspath(folder), "kept-steps"), "write": list(write),
            "read": list(read), "every": 10.0 if every is None else every, "runner": runner,
            "env": {**keep_env, **(env or {})}, "warm": list(warm or ())}


# the settings a worker takes from the head's environment (the models folders, the settings folder, offline)
ENV_SHARED = ("STUDIO_MODELS", "STUDIO_CONFIG_DIR", "STUDIO_DATA_DIR", "STUDIO_ALLOWED_DIRS", "HF_HUB_OFFLINE",
              "HF_HOME", "STUDIO_CACHE_DIR")
