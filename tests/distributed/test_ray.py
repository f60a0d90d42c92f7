"""The Ray engine, on a local Ray with 2 CPUs shared by the tests."""
from __future__ import annotations

import os

import pytest

from studio.distributed.render import RenderOptions, render
from studio.engine.executor import Executor

from .helpers import bad_input, crash_once, decoded, flaky_once, motion_graph, slow_chunk

pytestmark = pytest.mark.timeout(300)


def test_ray_render_retries_a_dead_worker_and_matches_one_process(tmp_path, ray_local):
    one = str(tmp_path / "one.mp4")
    Executor(frame_caching=False).run(motion_graph(one, frames=12))
    out = str(tmp_path / "ray.mp4")
    states = []
    rep = render([(motion_graph(out, frames=12), None)],
                 RenderOptions(workers=2, chunk=8, engine="ray", task_fn=crash_once, keep_job=True),
                 on_event=lambda e: states.append((e.task.start, e.state)) if hasattr(e, "task") else None)
    assert os.path.exists(os.path.join(rep.jobs[0], "crashed-8"))  # its first worker died
    assert sorted(rep.rendered) == [(0, 8), (8, 16), (16, 23)]
    assert (8, "done") in states
    assert decoded(out)[0] == decoded(one)[0]
    assert ray_local.cluster_resources().get("CPU") == 2


def test_ray_retries_exceptions_but_not_bad_input(tmp_path, ray_local):
    from studio.core.errors import MediaError
    out = str(tmp_path / "ray.mp4")
    rep = render([(motion_graph(out, frames=4), None)],
                 RenderOptions(workers=2, chunk=8, engine="ray", task_fn=flaky_once, keep_job=True))
    assert os.path.exists(os.path.join(rep.jobs[0], "flaky-0")) and os.path.exists(out)
    with pytest.raises(MediaError, match="corrupt at frame 3"):
        render([(motion_graph(str(tmp_path / "bad.mp4"), frames=4), None)],
               RenderOptions(workers=2, chunk=8, engine="ray", task_fn=bad_input, keep_job=True))
    job = next(p for p in (tmp_path / ".studio-jobs").iterdir() if (p / "attempts").exists())
    assert (job / "attempts").read_text() == "x"  # not retried: it would fail the same way


def test_ray_reports_a_chunk_queued_until_its_worker_starts_it(tmp_path, ray_local):
    from studio.distributed.engines import Task
    from studio.distributed.job import Job
    from studio.distributed.ray_engine import run_ray
    Job.create(str(tmp_path), {"graph": {}})
    tasks = [Task(str(tmp_path), a, a + 8, index=k) for k, a in enumerate((0, 8, 16))]
    states = []
    run_ray(tasks, 2, lambda t, s, d: states.append((t.start, s)), fn=slow_chunk)
    assert states[:3] == [(0, "queued"), (8, "queued"), (16, "queued")]
    for a in (0, 8, 16):
        assert states.index((a, "running")) < states.index((a, "done"))
