"""The queue on a Ray cluster (studio.cluster, issue 114), on this machine: N jobs of two models (tiny Wan and
tiny LTX takes, a seed each, alternating) run on K workers against one worker, each configuration on workers
started fresh (no model loaded), a local Ray cluster of K nodes each standing for one device.

    .venv/bin/python benchmarks/cluster_queue.py [--jobs 12] [--workers 3] [--gpu-seconds 3.0] [--modes gpu-time,real]
    .venv/bin/python benchmarks/cluster_queue.py --kills 10 --modes ''

Two modes, both printed:

* ``gpu-time``: each job is its real tiny take plus ``--gpu-seconds`` of waiting inside the worker, standing for
  the time a real take keeps a GPU busy (a real take: minutes) (a process waiting on its GPU leaves the CPU free, as this wait does).
  This is what the dispatcher can show on a machine without GPUs: whether K workers run K jobs at once, with
  the loads, the polling and Ray's hops counted in.
* ``real``: the tiny takes alone. On a machine of 2 cores shared with other work these are CPU-bound and K
  workers share the same 2 cores: the ratio says what this machine can do, not what K GPUs would.

``--kills N``: N tiny Wan takes (6 steps, a seed each), each held at a random step on its worker, whose process is
then killed (kill -9 of the process Ray runs it in, as it reported itself): how many completed on another worker,
resumed from their kept steps, with the frames an uninterrupted run (in this process) makes.

Each worker imports the model libraries as it starts, before the clock (in both configurations). Figures: wall
seconds from the queue's start to its last job's end, jobs a minute, the ratio to one worker
(aim on K=3: >= 2.7x in gpu-time mode), and the model loads of each worker (aim: at most one of each model a
worker)."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

GPU_ENV = "STUDIO_BENCH_GPU_SECONDS"
# imported by each worker as it starts, before the clock (a worker is a long-lived service: its first job does not
# pay for importing the model libraries, 5-8 s of CPU a process here)
WARM = ["studio.engine.executor", "torch", "diffusers", "transformers", "nodes.video_models.loading.node"]


def gpu_time_runner(job, executor, cancel, on_event, options=None):
    """A job's run in gpu-time mode: the queue's own run, then the wait that stands for a GPU's time."""
    from studio.queue.run import run_job
    run_job(job, executor, cancel, on_event, options)
    end = time.monotonic() + float(os.environ.get(GPU_ENV, "0") or 0)
    while time.monotonic() < end and not cancel.cancelled:
        time.sleep(0.02)


def take(model: str, folder: str, seed: int):
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 9, "width": 32, "height": 32, "steps": 4, "guidance": 2.0,
                                              "previews": False, "preview_size": "off", "seed": seed}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.add_node("io.save_images", {"folder": folder}, node_id="save")
    g.connect("gen", "video", "save", "video")
    return g


def run(address: str, setup: dict, workers: int, models: list[str], jobs: int, work: str, tag: str) -> dict:
    from studio.cluster.pool import Pool
    from studio.cluster.queue import ClusterQueue
    from studio.queue.job import DONE
    from studio.queue.make import job_from_graph
    pool = Pool(address, setup, limit=workers)  # started (and their imports made) before the clock
    try:
        q = ClusterQueue(os.path.join(work, f"queue-{tag}"), pool)
        try:
            made = q.add_many([job_from_graph(take(models[k % 2], os.path.join(work, f"{tag}-{k}"), 100 + k),
                                              f"job {k}") for k in range(jobs)])
            t0 = time.perf_counter()
            q.start()
            q.wait_idle(3600)
            seconds = time.perf_counter() - t0
        finally:
            q.close()
        for w in pool.workers:
            pool.refresh(w)
        failed = [(j.title, j.error) for j in made if j.state != DONE]
        loads = {w.name: sorted(w.loads.values()) for w in pool.workers}
        per_worker = {w.name: sum(j.worker == w.label() for j in made) for w in pool.workers}
        return {"seconds": seconds, "failed": failed, "loads": loads, "jobs": per_worker}
    finally:
        pool.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=12)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--gpu-seconds", type=float, default=3.0)
    ap.add_argument("--modes", default="gpu-time,real")
    ap.add_argument("--kills", type=int, default=0)
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import ray
    from ray.cluster_utils import Cluster

    from studio.cluster.pool import connect, shared_setup
    from studio.core.confine import allow_for_session, allow_reading_for_session
    from tests.tiny_models import Shelf
    work = tempfile.mkdtemp(prefix="studio-cluster-bench-")
    shelf = Shelf(os.path.join(work, "models"))
    models = [shelf("wan-t2v", "tiny-wan"), shelf("ltx", "tiny-ltx")]
    allow_for_session(work)
    for m in models:
        allow_reading_for_session(m)
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    for _ in range(a.workers):
        c.add_node(num_cpus=1, resources={"studio_device": 1, "studio_device_mb": 1024})
    connect(c.address)
    print(f"{a.jobs} jobs of 2 models (tiny Wan, tiny LTX: 9 frames at 32x32, 4 steps) on {a.workers} workers "
          f"against 1; this machine: {os.cpu_count()} cores")
    try:
        for mode in [m.strip() for m in a.modes.split(",") if m.strip()]:
            gpu = a.gpu_seconds if mode == "gpu-time" else 0.0
            setup = shared_setup(work, read=models, runner="benchmarks.cluster_queue:gpu_time_runner", warm=WARM,
                                 env={GPU_ENV: str(gpu), "STUDIO_ALLOWED_DIRS": work, "HF_HUB_OFFLINE": "1",
                                      "OMP_NUM_THREADS": "1"})
            one = run(c.address, setup, 1, models, a.jobs, work, f"{mode}-1")
            many = run(c.address, setup, a.workers, models, a.jobs, work, f"{mode}-{a.workers}")
            label = (f"gpu-time mode (each job: its tiny take + {gpu:g} s of waiting standing for a GPU's time)"
                     if gpu else "real mode (the tiny takes alone, CPU-bound on this machine's cores)")
            print(f"\n{label}")
            for n, r in ((1, one), (a.workers, many)):
                print(f"  {n} worker(s): {r['seconds']:6.1f} s, {a.jobs / r['seconds'] * 60:5.1f} jobs/min; jobs per "
                      f"worker {r['jobs']}; model loads per worker {r['loads']}"
                      + (f"; FAILED {r['failed']}" if r["failed"] else ""))
            most = max((n for loads in many["loads"].values() for n in loads), default=0)
            print(f"  {a.workers} workers against 1: {one['seconds'] / many['seconds']:.2f}x throughput; at most "
                  f"{most} load(s) of a model on a worker")
        if a.kills:
            kills(c.address, work, models[0], a.kills)
    finally:
        ray.shutdown()
        c.shutdown()
    return 0


def kills(address: str, work: str, model: str, n: int) -> None:
    import random
    import re
    import signal

    import numpy as np

    from studio.cluster.pool import Pool, shared_setup
    from studio.cluster.queue import ClusterQueue
    from studio.engine.executor import Executor
    from studio.queue.job import DONE
    from studio.queue.make import job_from_graph
    from tests.cluster.helpers import wait_for_mark
    from tests.cluster.test_cluster_queue import frames, wan_take
    marks = os.path.join(work, "marks")
    os.makedirs(marks, exist_ok=True)
    setup = shared_setup(work, read=[model], every=0.0, runner="tests.cluster.helpers:hold_once", warm=WARM,
                         env={"STUDIO_TEST_MARKS": marks, "STUDIO_ALLOWED_DIRS": work, "HF_HUB_OFFLINE": "1",
                              "OMP_NUM_THREADS": "1"})
    pool = Pool(address, setup)
    q = ClusterQueue(os.path.join(work, "queue-kills"), pool)
    ok, local, rng = 0, Executor(), random.Random(7)
    try:
        q.start()
        for k in range(n):
            at, seed = rng.randint(1, 5), 500 + k
            job = q.add(job_from_graph(wan_take(model, os.path.join(work, f"killed-{k}"), seed), f"hold-at-{at}"))
            pid = wait_for_mark(marks, job.id, job=job)
            w = next(w for w in pool.workers if w.label() == job.worker)
            assert w.pid == pid, (w.pid, pid)
            os.kill(pid, signal.SIGKILL)
            q.wait_idle(600)
            local.run(wan_take(model, os.path.join(work, f"whole-{k}"), seed), device="cpu")
            same = all(np.array_equal(x, y) for x, y in zip(frames(os.path.join(work, f"killed-{k}")),
                                                             frames(os.path.join(work, f"whole-{k}"))))
            kept = re.search(r"resumed (from step \d+ of 6|after its last step)", "\n".join(job.log))
            good = job.state == DONE and job.worker != w.label() and kept is not None and same
            ok += good
            print(f"  kill {k + 1}: held at step {at}, {w.label()} killed; {job.state} on {job.worker}, "
                  f"{'resumed ' + kept[1] if kept else 'NOT resumed'}, frames "
                  f"{'identical' if same else 'DIFFERENT'}")
    finally:
        q.close()
        pool.close()
    print(f"  {ok} of {n} killed jobs completed elsewhere, resumed, with an uninterrupted run's frames")


if __name__ == "__main__":
    sys.exit(main())
