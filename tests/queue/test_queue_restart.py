"""Nothing lost across a kill -9 of a process running the queue (issue 100 item 3): the job it ran is
failed as interrupted naming the node that was writing, the files it had finished are still listed (its
seal holding), the video it was encoding (the encoder's temporary file) is gone, and every job that
waited runs once the queue is opened again."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from studio.queue.job import DONE, FAILED, QUEUED
from studio.queue.queue import JobQueue

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = """
import sys, time
from studio.core.graph import Graph
from studio.queue.make import job_from_graph
from studio.queue.queue import JobQueue
out = sys.argv[2]

def graph(name, size, frames, then=None):
    g = Graph()
    s = g.add_node("procedural.solid", {"width": size, "height": size, "frames": frames})
    v = g.add_node("io.save_video", {"path": f"{out}/{name}.mp4"})
    g.connect(s.id, "video", v.id, "video")
    if then:  # a second, long output after the first
        s2 = g.add_node("procedural.solid", {"width": 512, "height": 512, "frames": 1_000_000})
        v2 = g.add_node("io.save_video", {"path": f"{out}/{then}.mp4"})
        g.connect(s2.id, "video", v2.id, "video")
    return g

q = JobQueue(sys.argv[1])
q.add(job_from_graph(graph("short", 16, 2, then="long"), "killed"))
q.add(job_from_graph(graph("second", 16, 2), "second"))
q.add(job_from_graph(graph("third", 16, 2), "third"))
q.start()
time.sleep(120)
"""


def _queued(folder) -> list[dict]:
    try:
        with open(folder / "queue.json", encoding="utf-8") as f:
            return json.load(f)["jobs"]
    except (OSError, ValueError, KeyError):
        return []


def test_a_kill_9_mid_write_fails_that_job_naming_the_node_and_the_waiting_jobs_all_run(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    folder, out = tmp_path / "q", tmp_path / "out"
    out.mkdir()
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, str(folder), str(out)], cwd=ROOT, env=dict(os.environ))
    try:
        end, first = time.monotonic() + 90, {}
        while time.monotonic() < end:  # the long video being encoded, the short one finished (saved so)
            jobs = _queued(folder)
            first = jobs[0] if jobs else {}
            if first.get("outputs") and first.get("error_node") and any(n.startswith(".render-")
                                                                        for n in os.listdir(out)):
                break
            assert p.poll() is None, "the queue's process ended"
            time.sleep(0.05)
        else:
            raise AssertionError(f"the long video never started: {first}")
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    writing = first["error_node"]
    assert first["state"] == "running" and first["outputs"] == [str(out / "short.mp4")]

    q = JobQueue(str(folder))
    killed, second, third = q.jobs()
    assert (killed.state, second.state, third.state) == (FAILED, QUEUED, QUEUED)
    assert killed.error.startswith("interrupted") and f"node {writing} wrote its files" in killed.error
    assert killed.error_node == writing and killed.outputs == [str(out / "short.mp4")]  # its seal held
    assert not [n for n in os.listdir(out) if n.startswith(".render-")]  # the half-encoded video removed
    assert sorted(os.listdir(out)) == ["short.mp4"]
    q.start()
    try:
        assert q.wait_idle(60)
    finally:
        q.close()
    assert (second.state, third.state) == (DONE, DONE), (second.error, third.error)
    assert sorted(os.listdir(out)) == ["second.mp4", "short.mp4", "third.mp4"]
    assert killed.state == FAILED  # not run again by itself: the artist re-queues it
