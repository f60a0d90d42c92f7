"""The queue dispatched over a Ray cluster (studio.cluster, issue 114), on one machine: a local Ray cluster of a
head and two worker nodes, each standing for one device of its own memory (``studio_device_mb``: 256 and 48
MB), started once for the module (Ray's start costs seconds). Jobs go where they fit and where their model is
loaded, a job no worker fits is refused in words; a worker killed with kill -9 at a step of a tiny Wan take: the
job goes on elsewhere from its kept steps, the same frames as an uninterrupted run; the head killed with jobs
waiting and one running: the queue comes back and every job completes; the server lists the workers and its
ComfyUI client hears the job's run over /ws."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="the cluster tests need Ray (pip install ray)")

from studio.core.errors import StudioError  # noqa: E402
from studio.core.graph import Graph  # noqa: E402
from studio.queue.job import DONE, QUEUED  # noqa: E402
from studio.queue.make import job_from_graph  # noqa: E402

from .helpers import wait_for_mark  # noqa: E402

pytestmark = pytest.mark.timeout(900)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZES_MB = (256, 48)  # two worker nodes: each more costs a raylet and an actor per pool (seconds of CPU)


class Workers:
    """The module's workers (studio.cluster.pool.Pool), made when first asked, let go for a test that starts its
    own head (Ray gives each device to one actor)."""

    def __init__(self, address: str, setup: dict, root):
        self.address, self.setup, self.root, self._pool = address, setup, root, None

    def pool(self):
        from studio.cluster.pool import Pool
        if self._pool is None:
            self._pool = Pool(self.address, self.setup)
        return self._pool

    def release(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


@pytest.fixture(scope="module")
def workers(tmp_path_factory, wan):
    from ray.cluster_utils import Cluster

    from studio.cluster.pool import connect, shared_setup
    if ray.is_initialized():  # another module's Ray (tests/distributed): this module's cluster instead
        ray.shutdown()
    root = tmp_path_factory.mktemp("cluster")
    (root / "marks").mkdir()
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    for mb in SIZES_MB:
        c.add_node(num_cpus=1, resources={"studio_device": 1, "studio_device_mb": mb})
    connect(c.address)
    setup = shared_setup(str(root), read=[wan], every=0.0, runner="tests.cluster.helpers:hold_once",
                         env={"STUDIO_TEST_MARKS": str(root / "marks"), "STUDIO_ALLOWED_DIRS": str(root),
                              "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    w = Workers(c.address, setup, root)
    yield w
    w.release()
    ray.shutdown()
    c.shutdown()


@pytest.fixture(scope="module")
def wan(tiny):
    return tiny("wan-t2v", "tiny-wan")


def solid(path: str, size: int = 16, frames: int = 2) -> Graph:
    g = Graph()
    s = g.add_node("procedural.solid", {"width": size, "height": size, "frames": frames})
    v = g.add_node("io.save_video", {"path": path, "preset": "ultrafast"})
    g.connect(s.id, "video", v.id, "video")
    return g


def wan_take(model: str, folder: str, seed: int, steps: int = 6) -> Graph:
    """A tiny Wan take (a seed of each test's own: a worker's output cache would serve a take it made before)."""
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 9, "width": 16, "height": 16, "steps": steps, "guidance": 2.0,
                                              "previews": False, "preview_size": "off", "seed": seed}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.add_node("io.save_images", {"folder": folder}, node_id="save")
    g.connect("gen", "video", "save", "video")
    return g


def frames(folder: str) -> list:
    import cv2
    names = sorted(n for n in os.listdir(folder) if n.endswith(".png"))
    return [cv2.imread(os.path.join(folder, n), cv2.IMREAD_UNCHANGED) for n in names]


def queue(workers, folder):
    from studio.cluster.queue import ClusterQueue
    return ClusterQueue(str(folder), workers.pool())


def test_jobs_go_where_they_fit_and_where_their_model_is_loaded(workers, wan, tmp_path):
    out = workers.root / "fit"
    q = queue(workers, tmp_path / "q")
    try:
        with pytest.raises(StudioError, match=r"is not queued: it needs about 1\.\d GB .* the largest of the "
                                              r"cluster's 2 worker\(s\) has 256 MB"):
            q.add(job_from_graph(solid(str(out / "huge.mp4"), 512, 400), "huge"))
        first = q.add(job_from_graph(wan_take(wan, str(out / "a"), 1), "a"))
        q.start()
        assert q.wait_idle(300)
        # queued together: the take whose model worker-1 holds goes there first; the 63 MB clip waits for it too
        big, second = q.add_many([job_from_graph(solid(str(out / "big.mp4"), 256, 80), "big"),
                                  job_from_graph(wan_take(wan, str(out / "b"), 2), "b")])
        assert q.wait_idle(300)
        assert [j.state for j in (first, big, second)] == [DONE] * 3, [j.log[-3:] for j in (first, big, second)]
        small = next(w for w in q.pool.workers if w.memory == 48 * 2**20)
        assert big.worker != small.label()
        assert second.worker == first.worker  # warm: its model was loaded there
        w = next(w for w in q.pool.workers if w.label() == first.worker)
        assert list(w.loads.values()) == [1] and w.warm  # loaded once for both takes (two seeds: both sampled)
        assert any("made 9 frames" in line for line in second.log)
        assert "runs on " + first.worker in first.log
        assert os.path.exists(out / "big.mp4") and len(frames(str(out / "b"))) == 9
    finally:
        q.close()


def test_a_worker_killed_mid_take_goes_on_elsewhere_from_its_kept_steps(workers, wan, tmp_path):
    out = workers.root / "kill"
    q = queue(workers, tmp_path / "q")
    try:
        q.start()
        job = q.add(job_from_graph(wan_take(wan, str(out / "killed"), 3), "hold-at-3"))
        pid = wait_for_mark(str(workers.root / "marks"), job.id, job=job)
        w = next(w for w in q.pool.workers if w.label() == job.worker)
        assert w.pid == pid  # the process Ray runs the job's worker in, as it reported itself
        assert os.listdir(workers.root / "kept-steps"), job.log  # its steps written as it went, where every node sees them
        os.kill(pid, signal.SIGKILL)
        assert q.wait_idle(300)
        assert job.state == DONE, job.log[-5:]
        assert job.worker != w.label()  # it went on elsewhere
        log = "\n".join(job.log)
        assert f"{w.label()} was lost while it ran" in log
        import re
        kept = re.search(r"resumed from step (\d) of 6: steps 1-(\d) were kept", log)
        assert (kept and int(kept[2]) >= 3 and int(kept[1]) == int(kept[2]) + 1) or \
            "resumed after its last step: all 6 steps were kept" in log, log  # resumed, not restarted
        from studio.engine.executor import Executor
        Executor().run(wan_take(wan, str(out / "whole"), 3), device="cpu")  # uninterrupted, in this process
        a, b = frames(str(out / "killed")), frames(str(out / "whole"))
        assert len(a) == 9 and all(np.array_equal(x, y) for x, y in zip(a, b))  # the frames an uninterrupted run makes
        assert os.listdir(workers.root / "kept-steps") == []  # deleted once the frames were made
    finally:
        q.close()


HEAD = """
import json, sys, time
from studio.core.graph import Graph
from studio.cluster.pool import Pool, connect
from studio.cluster.queue import ClusterQueue
from studio.queue.make import job_from_graph
address, folder, out, setup = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
connect(address)
q = ClusterQueue(folder, Pool(address, setup))
for k in range(10):
    g = Graph()
    s = g.add_node("procedural.solid", {"width": 16, "height": 16, "frames": 2})
    v = g.add_node("io.save_video", {"path": f"{out}/{k}.mp4", "preset": "ultrafast"})
    g.connect(s.id, "video", v.id, "video")
    q.add(job_from_graph(g, "hold-at-1" if k < 2 else f"job {k}"))  # one held on each worker, 8 waiting
print("queued", flush=True)
q.start()
time.sleep(600)
"""


def test_the_head_killed_comes_back_and_every_waiting_and_interrupted_job_completes(workers, tmp_path):
    from studio.queue.store import FILE
    folder, out = tmp_path / "q", workers.root / "head"
    workers.release()  # the head below starts the workers
    p = subprocess.Popen([sys.executable, "-c", HEAD, workers.address, str(folder), str(out), json.dumps(workers.setup)],
                         cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        held = []
        end = time.monotonic() + 240
        while len(held) < 2 and time.monotonic() < end and p.poll() is None:
            try:  # the head writes its queue file as each job is added: read it until both held jobs are there
                jobs = json.loads((folder / FILE).read_text())["jobs"]
                held = [j["id"] for j in jobs if j["title"] == "hold-at-1"]
            except (OSError, ValueError, KeyError):
                pass
            if len(held) < 2:
                time.sleep(0.2)
        assert len(held) == 2, p.stdout.read() if p.poll() is not None else "no queue file"
        for h in held:
            wait_for_mark(str(workers.root / "marks"), h)
        os.kill(p.pid, signal.SIGKILL)  # the head, a job held running on each worker and 8 waiting
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    q = queue(workers, folder)  # the next head: Ray frees the killed head's devices, then its workers start
    try:
        assert [j.state for j in q.jobs()] == [QUEUED] * 10
        for h in held:
            assert "the queue stopped while it ran: queued again" in q.get(h).log[-1]
        q.start()
        assert q.wait_idle(300)
        assert all(j.state == DONE for j in q.jobs()), [(j.title, j.state, j.error) for j in q.jobs()]
        assert sorted(os.listdir(out)) == sorted(f"{k}.mp4" for k in range(10))  # whole files only
    finally:
        q.close()


def test_the_server_lists_its_workers_and_its_client_hears_the_run(workers, tmp_path):
    import asyncio
    import threading

    import aiohttp

    from studio.serve.app import serve
    from tests.serve.conftest import core_workflow
    folder = workers.root / "serve"
    said, stop = [], threading.Event()
    t = threading.Thread(target=serve, args=("127.0.0.1", 0, str(folder), None, 10),
                         kwargs={"announce": said.append, "stop": stop, "cluster": workers.pool()}, daemon=True)
    t.start()
    end = time.monotonic() + 120
    while not said and time.monotonic() < end:
        time.sleep(0.1)
    assert said and "2 worker(s) on the cluster" in said[0]
    url = said[0].split("http://")[1].split(" ")[0]

    async def talk():
        async with aiohttp.ClientSession() as s:
            stats = await (await s.get(f"http://{url}/system_stats")).json()
            async with s.ws_connect(f"http://{url}/ws?clientId=me") as ws:
                r = await s.post(f"http://{url}/prompt", json={"prompt": core_workflow(), "client_id": "me"})
                pid = (await r.json())["prompt_id"]
                heard = []
                while True:
                    m = await asyncio.wait_for(ws.receive(), 120)
                    if m.type != aiohttp.WSMsgType.TEXT:
                        continue
                    heard.append(json.loads(m.data))
                    if heard[-1]["type"] in ("execution_success", "execution_error"):
                        break
            history = await (await s.get(f"http://{url}/history/{pid}")).json()
            return stats, heard, history[pid]
    try:
        stats, heard, done = asyncio.run(talk())
    finally:
        stop.set()
        t.join(60)
    assert [w["name"] for w in stats["workers"]] == ["worker-1", "worker-2"]
    assert sorted(w["memory"] // 2**20 for w in stats["workers"]) == sorted(SIZES_MB)
    assert sum(d["name"].startswith("worker-") for d in stats["devices"]) == 2
    kinds = [m["type"] for m in heard]
    assert kinds[-1] == "execution_success" and "executing" in kinds and "executed" in kinds
    files = [f for o in done["outputs"].values() for f in o.get("images", []) + o.get("gifs", [])]
    assert files and os.path.exists(folder / "output" / files[0]["subfolder"] / files[0]["filename"])
