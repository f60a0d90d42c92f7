"""A running job's memory watched (issue 100 item 2): past the cap, the job is stopped and failed with a
message naming the node that ran and the cap; the queue goes on. The cap is a share of
the machine's memory from the settings (90 % by default)."""
from __future__ import annotations

import os

from studio.queue.job import DONE, FAILED
from studio.queue.make import job_from_graph
from studio.queue.queue import JobQueue


def _clip_job(out, name: str, size: int, frames: int):
    from studio.core.graph import Graph
    g = Graph()
    s = g.add_node("procedural.solid", {"width": size, "height": size, "frames": frames})
    v = g.add_node("io.save_video", {"path": str(out / f"{name}.mp4")})
    g.connect(s.id, "video", v.id, "video")
    return job_from_graph(g, name), v.id


def _run_alone(tmp_path, job, **kw) -> None:
    q = JobQueue(str(tmp_path / "q"), **kw)
    q.add(job)
    q.start()
    try:
        assert q.wait_idle(60)
    finally:
        q.close()


def test_a_job_past_the_memory_cap_is_stopped_naming_its_node(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    big, save_id = _clip_job(tmp_path, "big", 512, 1_000_000)  # hours of encoding, were it not stopped
    _run_alone(tmp_path, big, memory_cap=1)  # any process is past one byte
    assert big.state == FAILED and big.error_node == save_id
    assert big.error.startswith("stopped: Studio's memory reached") and f"Save Video ({save_id}) ran" in big.error
    assert "over the 0 MB a job may use" in big.error and "memory reached" in big.log[-1]
    assert not os.path.exists(tmp_path / "big.mp4")  # the encoder's file went with it


def test_under_the_cap_jobs_run_and_the_cap_comes_from_the_settings(tmp_path, monkeypatch):
    from studio.core.settings import save_settings
    from studio.queue.watch import DEFAULT_PERCENT, default_cap, machine_bytes
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    total = machine_bytes()
    cap, why = default_cap()
    assert cap == int(total * DEFAULT_PERCENT / 100) and "90 %" in why and "job_memory_percent" in why
    save_settings({"job_memory_percent": 50})
    assert default_cap()[0] == int(total * 0.5)
    save_settings({"job_memory_percent": "all"})  # not a share: the default
    assert default_cap()[0] == int(total * DEFAULT_PERCENT / 100)
    small, _ = _clip_job(tmp_path, "small", 16, 2)
    _run_alone(tmp_path, small)  # the settings' cap, far above a 16 px clip
    assert small.state == DONE, small.error
