"""Adding a prompt to `main.py serve`'s queue as the queue grows (issue 113): the time of one
POST /prompt (ComfyUI's smallest video workflow: validated, converted, queued) with 0, 500, 2,000 and
5,000 prompts waiting, in this process (aiohttp's test client; the queue paused, nothing runs). The
waiting prompts are the same workflow's jobs, added in one write; each level is timed over 20 adds.
Aim: O(1) in the queue's length (each add well under 50 ms at 5,000 waiting).

    python -m benchmarks.serve_queue_add [--levels 0,500,2000,5000] [--adds 20]"""
from __future__ import annotations

import argparse
import asyncio
import copy
import os
import statistics
import tempfile
import time
import uuid


def workflow(prefix: str = "video/ComfyUI") -> dict:
    return {"1": {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 32, "batch_size": 4, "color": 0}},
            "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8}},
            "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": prefix,
                                                        "format": "auto", "codec": "auto"}}}


async def measure(levels: list[int], adds: int) -> list[tuple[int, float, float]]:
    from aiohttp.test_utils import TestClient, TestServer

    from studio.queue.queue import JobQueue
    from studio.serve.app import Server
    from studio.serve.checks.folders import Folders
    root = tempfile.mkdtemp(prefix="serve-queue-")
    os.environ.setdefault("STUDIO_PROJECT_DIR", os.path.join(root, "project"))
    os.environ.setdefault("STUDIO_MODELS", os.path.join(root, "models"))
    queue = JobQueue(os.path.join(root, "serve", "queue"), runner=lambda *a, **k: None)
    queue.set_paused(True)
    server = Server(queue, Folders(os.path.join(root, "serve")))
    out = []
    async with TestClient(TestServer(server.app(), host="127.0.0.1")) as c:
        r = await c.post("/prompt", json={"prompt": workflow()})
        assert r.status == 200, await r.text()
        model = queue.get((await r.json())["prompt_id"])
        for level in levels:
            have = len(queue.pending())
            if level > have:
                fill = []
                for _ in range(level - have):
                    j = copy.deepcopy(model)
                    j.id = str(uuid.uuid4())
                    fill.append(j)
                queue.add_many(fill)
            times = []
            for _ in range(adds):
                t0 = time.perf_counter()
                r = await c.post("/prompt", json={"prompt": workflow()})
                times.append(time.perf_counter() - t0)
                assert r.status == 200, await r.text()
            out.append((len(queue.pending()), statistics.median(times) * 1000, max(times) * 1000))
            for j in queue.pending()[-adds:]:  # the level stays as asked
                queue.cancel(j.id)
            queue.remove_many([j.id for j in queue.jobs() if j.state != "queued"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--levels", default="0,500,2000,5000")
    ap.add_argument("--adds", type=int, default=20)
    a = ap.parse_args()
    rows = asyncio.run(measure([int(x) for x in a.levels.split(",")], a.adds))
    print("waiting  median add (ms)  slowest (ms)")
    for n, med, worst in rows:
        print(f"{n:7d}  {med:16.1f}  {worst:12.1f}")
    print(f"ratio of the median add at {rows[-1][0]} waiting to {rows[0][0]}: {rows[-1][1] / rows[0][1]:.2f}")


if __name__ == "__main__":
    main()
