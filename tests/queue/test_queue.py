"""The engine's job queue (studio/queue): kept on disk at each change so that a kill -9 loses no queued
job, one job at a time, cancel / move / pause / retry, estimates, and variations of a job."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from studio.queue.job import CANCELLED, DONE, FAILED, QUEUED, RUNNING, Job
from studio.queue.make import job_from_graph, job_from_workflow, seed_variations, sweep_variations
from studio.queue.queue import JobQueue

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAPH = {"format": "studio-graph", "version": 1, "settings": {}, "nodes": [], "links": []}


class Gate:
    """A runner that holds each job until let go (the test decides when a job ends)."""

    def __init__(self):
        self.started = threading.Semaphore(0)
        self.go = threading.Semaphore(0)
        self.ran: list[str] = []

    def __call__(self, job, executor, cancel, on_event):
        self.ran.append(job.title)
        self.started.release()
        while not self.go.acquire(timeout=0.01):
            cancel.check()
        cancel.check()


def _queue(tmp_path, runner):
    return JobQueue(str(tmp_path / "q"), runner=runner, executor_factory=lambda: None)


def test_jobs_run_one_at_a_time_in_order_and_can_be_moved_cancelled_and_paused(tmp_path):
    gate = Gate()
    q = _queue(tmp_path, gate)
    a, b, c, d = (q.add(Job(graph=GRAPH, title=t)) for t in "abcd")
    q.start()
    assert gate.started.acquire(timeout=10) and q.running is a and a.state == RUNNING
    q.move(d.id, 0)  # d next
    q.cancel(b.id)
    assert b.state == CANCELLED and [j.title for j in q.pending()] == ["d", "c"] and q.position(c.id) == 2
    q.set_paused(True)
    gate.go.release()  # a ends; paused: nothing else starts
    assert q.wait_idle(10) and a.state == DONE and d.state == QUEUED and gate.ran == ["a"]
    q.set_paused(False)
    assert gate.started.acquire(timeout=10) and q.running is d
    q.cancel(d.id)  # the running job: cancelled at its next check
    assert gate.started.acquire(timeout=10) and q.running is c and d.state == CANCELLED
    gate.go.release()
    assert q.wait_idle(10) and gate.ran == ["a", "d", "c"] and c.state == DONE
    assert q.estimate(Job(graph=GRAPH)) is not None and q.eta(c.id) is None  # ended: no ETA
    again = q.retry(d.id)
    assert again.state == QUEUED and again.title == "d" and again.number > c.number
    q.close()


def test_a_kill_9_loses_no_queued_job_and_fails_the_running_one_as_interrupted(tmp_path):
    folder = tmp_path / "q"
    script = (
        "import sys, time\n"
        "from studio.queue.queue import JobQueue\n"
        "from studio.queue.job import Job\n"
        "def hold(job, ex, cancel, on_event):\n"
        "    print('running', job.title, flush=True); time.sleep(60)\n"
        f"q = JobQueue({str(folder)!r}, runner=hold, executor_factory=lambda: None)\n"
        "for t in ('first', 'second', 'third'):\n"
        f"    q.add(Job(graph={GRAPH!r}, title=t))\n"
        "q.start(); time.sleep(60)\n")
    p = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "running first"
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    q = JobQueue(str(folder), executor_factory=lambda: None)
    first, second, third = q.jobs()
    assert (first.state, second.state, third.state) == (FAILED, QUEUED, QUEUED)
    assert first.error.startswith("interrupted") and "interrupted" in first.log[-1]
    assert [j.title for j in q.pending()] == ["second", "third"]
    assert json.loads((folder / "queue.json").read_text())["jobs"][0]["state"] == FAILED  # said on disk too
    assert not [f for f in os.listdir(folder) if f.startswith(".tmp-")]  # no half-written file left
    from studio.queue.store import QueueBusy
    with pytest.raises(QueueBusy, match="open in another Studio"):  # one process writes a queue
        JobQueue(str(folder))
    q.close()
    JobQueue(str(folder)).close()  # closed: free again


def test_a_failing_job_is_failed_with_its_message_and_the_queue_goes_on(tmp_path):
    def runner(job, executor, cancel, on_event):
        if job.title == "bad":
            raise ValueError("no such thing")
    q = _queue(tmp_path, runner)
    bad, good = q.add(Job(graph=GRAPH, title="bad")), q.add(Job(graph=GRAPH, title="good"))
    q.start()
    assert q.wait_idle(10)
    assert bad.state == FAILED and "no such thing" in bad.error and good.state == DONE
    q.close()


def test_a_converted_workflow_and_its_variations_render_their_own_files(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    wf = {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 2, "color": 0}},
          "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8}},
          "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "clip"}}}
    job, conv = job_from_workflow(wf, "wf", str(tmp_path))
    assert job.source == "comfy-api" and set(conv.origin.values()) == {"1", "3"}
    jobs = seed_variations(job, [1, 2]) + sweep_variations(job, "n1.color", ["#ff0000", "#00ff00"])
    q = JobQueue(str(tmp_path / "q"))
    for j in jobs:
        q.add(j)
    q.start()
    assert q.wait_idle(60)
    q.close()
    outs = [os.path.basename(j.outputs[0]) for j in jobs]
    assert [j.state for j in jobs] == [DONE] * 4, [j.error for j in jobs]
    assert outs == ["clip_seed1.mp4", "clip_seed2.mp4", "clip_color1.mp4", "clip_color2.mp4"]
    assert all(os.path.getsize(j.outputs[0]) for j in jobs) and jobs[0].progress == 1.0


def test_a_job_keeps_the_graph_as_it_was_added(tmp_path):
    from studio.core.graph import Graph
    g = Graph()
    n = g.add_node("procedural.solid", {"frames": 2})
    job = job_from_graph(g, "now")
    g.set_param(n.id, "frames", 9)
    assert job.graph["nodes"][0]["params"]["frames"] == 2
    with pytest.raises(Exception, match="NODE.PARAM"):
        sweep_variations(job, "frames", ["1"])


def test_the_next_job_waits_while_the_device_is_busy_otherwise(tmp_path):
    gate, busy = Gate(), [True]
    q = JobQueue(str(tmp_path / "q"), runner=gate, executor_factory=lambda: None, may_start=lambda: not busy[0])
    job = q.add(Job(graph=GRAPH, title="waits"))
    q.start()
    assert not gate.started.acquire(timeout=0.6) and job.state == QUEUED  # the window's own run holds the device
    busy[0] = False
    assert gate.started.acquire(timeout=10)
    gate.go.release()
    assert q.wait_idle(10) and job.state == DONE
    q.close()


def test_variations_read_as_the_queue_docks_hint_writes_them():
    """The Queue dock's hint reads 'seeds 1-5, or n3.steps=20,30,40': typed as shown, it is taken (the
    window walk found 'seeds 1-3' refused); a word that is no seed is still refused in words."""
    from studio.core.errors import StudioError
    from studio.queue.make import parse_variations
    assert parse_variations("seeds 1-3") == parse_variations("1-3") == ("seeds", ["1", "2", "3"])
    assert parse_variations("Seeds 4, 9") == ("seeds", ["4", "9"])
    assert parse_variations("n3.steps=20,30") == ("n3.steps", ["20", "30"])
    with pytest.raises(StudioError, match="'frames 3' is not a seed"):
        parse_variations("frames 3")
