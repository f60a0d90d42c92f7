"""Chunked renders on the local process pool equal a single-process render, frame for frame."""
from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from studio.distributed.render import RenderOptions, render
from studio.engine.executor import Executor
from studio.engine.media import read_graph_json

from .helpers import crash_once, decoded, fake_chunk_dying_once_at_8, motion_graph, transfer_graph

pytestmark = pytest.mark.timeout(240)


def single(graph, out):
    graph.set_param("save", "path", out)
    Executor(frame_caching=False).run(graph)
    return decoded(out)


def test_windowed_nodes_and_sound_match_across_chunk_joins(tmp_path):
    ref_frames, ref_sound = single(motion_graph(str(tmp_path / "one.mp4")), str(tmp_path / "one.mp4"))
    out = str(tmp_path / "chunked.mp4")
    g = motion_graph(out)
    rep = render([(g, None)], RenderOptions(workers=2, chunk=8))  # 31 frames: joins at 8, 16, 24
    assert rep.outputs == [out]
    assert len(rep.rendered) == 4 and rep.whole_clip == []
    frames, sound = decoded(out)
    assert len(frames) == 31
    assert frames == ref_frames                      # lossless (crf 0): the same pictures
    assert ref_sound is not None and np.array_equal(sound, ref_sound)  # one sound track, no joins
    assert read_graph_json(out) is not None
    assert not os.path.exists(rep.jobs[0])  # the job folder is removed after the collect


def test_whole_clip_node_runs_once_and_results_reach_the_chunks(tmp_path):
    ref, _ = single(transfer_graph(str(tmp_path), str(tmp_path / "one.mp4")), str(tmp_path / "one.mp4"))
    out = str(tmp_path / "chunked.mp4")
    rep = render([(transfer_graph(str(tmp_path), out), None)], RenderOptions(workers=2, chunk=8))
    assert rep.whole_clip == ["Motion Transfer (Flow)"]
    assert decoded(out)[0] == ref


def test_a_worker_that_dies_is_retried_and_the_result_is_exact(tmp_path):
    ref, _ = single(motion_graph(str(tmp_path / "one.mp4"), frames=8), str(tmp_path / "one.mp4"))
    out = str(tmp_path / "chunked.mp4")
    states = []
    rep = render([(motion_graph(out, frames=8), None)],
                 RenderOptions(workers=2, chunk=8, task_fn=crash_once, keep_job=True),
                 on_event=lambda e: states.append((e.task.start, e.state)) if hasattr(e, "task") else None)
    assert os.path.exists(os.path.join(rep.jobs[0], "crashed-8"))  # it did die once
    assert (8, "retrying") in states and states.count((8, "done")) == 1
    assert decoded(out)[0] == ref


def test_resume_renders_only_the_missing_chunks(tmp_path):
    out = str(tmp_path / "chunked.mp4")
    opts = RenderOptions(workers=1, chunk=8, keep_job=True)
    first = render([(motion_graph(out, frames=8), None)], opts)
    assert sorted(first.rendered) == [(0, 8), (8, 15)]
    ref = decoded(out)[0]
    job = first.jobs[0]
    os.unlink(os.path.join(job, "chunks", "00000008-00000015.npy"))
    kept = os.path.join(job, "chunks", "00000000-00000008.npy")
    mtime = os.stat(kept).st_mtime_ns
    os.unlink(out)
    again = render([(motion_graph(out, frames=8), None)],
                   RenderOptions(workers=1, chunk=8, resume=True, keep_job=True))
    assert again.rendered == [(8, 15)] and again.skipped == [(0, 8)]
    assert again.jobs == [job]
    assert os.stat(kept).st_mtime_ns == mtime  # the finished chunk was not written again
    assert decoded(out)[0] == ref
    # without --resume every chunk renders again
    third = render([(motion_graph(out, frames=8), None)], RenderOptions(workers=1, chunk=8, keep_job=True))
    assert sorted(third.rendered) == [(0, 8), (8, 15)]


def test_a_dead_worker_costs_an_attempt_only_to_chunks_that_were_on_a_worker(tmp_path):
    from studio.distributed.engines import Task
    from studio.distributed.local import run_local
    tasks = [Task(str(tmp_path), a, a + 8, index=k) for k, a in enumerate(range(0, 64, 8))]
    states = []
    # one worker: only the chunk on it at the crash can have killed it, however long a chunk takes
    run_local(tasks, 1, lambda t, s, d: states.append((t.start, s)), max_retries=1,
              fn=functools.partial(fake_chunk_dying_once_at_8, seconds=0))
    assert (tmp_path / "died").exists()
    assert [t.attempts for t in tasks if t.start == 8] == [2]
    assert all(t.attempts == 1 for t in tasks if t.start >= 32)  # queued at the crash: no attempt spent
    assert sum(1 for _, s in states if s == "done") == 8


def test_a_chunk_is_reported_running_only_while_a_worker_has_it(tmp_path):
    from studio.distributed.engines import Task
    from studio.distributed.local import run_local
    (tmp_path / "died").touch()  # the fake chunk then never dies: it takes 0.3 s
    tasks = [Task(str(tmp_path), a, a + 8, index=k) for k, a in enumerate(range(0, 48, 8))]
    states = []
    run_local(tasks, 2, lambda t, s, d: states.append((t.start, s)), fn=fake_chunk_dying_once_at_8)
    running, most = 0, 0
    for _, s in states:
        running += {"running": 1, "done": -1}.get(s, 0)
        most = max(most, running)
    assert most == 2 and running == 0  # never more running than workers (were all 6 at once)
    assert states[:2] == [(0, "running"), (8, "running")] and states[2][1] == "done"
