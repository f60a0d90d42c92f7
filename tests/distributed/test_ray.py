"""The Ray engine, on a local Ray with 2 CPUs shared by the tests."""
from __future__ import annotations

import os

import pytest

from studio.distributed.render import RenderOptions, render
from studio.engine.executor import Executor

from .helpers import crash_once, decoded, motion_graph

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
