"""Planning, the job folder and one chunk, in this process (no workers)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.distributed.chunk import build, render_chunk, to_encoder_u8
from studio.distributed.job import Job
from studio.distributed.planner import SplitError, analyse, split
from studio.distributed.render import RenderOptions, RenderReport, prepare
from studio.engine.plan import compile_plan

from .helpers import motion_graph, transfer_graph


def test_frame_and_window_nodes_run_per_chunk():
    an = analyse(compile_plan(motion_graph("x.mp4")))
    assert an.output_id == "save" and an.video_src == ("color", "video") and an.audio_src == ("shapes", "audio")
    assert an.whole_clip == []
    assert set(an.chunk_nodes) == {"shapes", "interp", "flow", "color"}


def test_a_whole_clip_node_runs_once_and_what_feeds_it_only_there(tmp_path):
    an = analyse(compile_plan(transfer_graph(str(tmp_path), "x.mp4")))
    assert an.whole_clip == ["transfer"] and an.whole_clip_titles == ["Motion Transfer (Flow)"]
    assert set(an.chunk_nodes) == {"transfer", "grade"}  # shapes and the still feed only the transfer


def test_graphs_that_cannot_be_split_name_the_node(tmp_path):
    g = motion_graph("x.mp4")
    g.remove_node("save")
    with pytest.raises(SplitError, match="needs a Save Video"):
        analyse(compile_plan(g))
    g = motion_graph("x.mp4")
    g.add_node("io.save_video", {"path": "y.mp4"}, node_id="save2")
    g.connect("color", "video", "save2", "video")
    with pytest.raises(SplitError, match="has 2"):
        analyse(compile_plan(g))
    job = Job.create(str(tmp_path / "job"), {"chunks": []})
    with pytest.raises(SplitError, match="'Trainer'.*'model' \\(Model, a object\\)"):
        job.save_value("n9", "Trainer", "model", "Model", object())


def test_split_covers_the_range_in_chunks():
    assert split(range(3, 20), 8) == [(3, 11), (11, 19), (19, 20)]
    assert split(range(0, 8), 8) == [(0, 8)]


def test_a_chunk_holds_exactly_the_frames_of_a_render_from_frame_zero(tmp_path):
    g = motion_graph(str(tmp_path / "o.mp4"), frames=8)
    job = prepare(g, None, RenderOptions(chunk=4, frames=(2, 13)), lambda e: None, RenderReport())
    assert job.chunks == [(2, 6), (6, 10), (10, 13)] and job.desc["frames"] == [2, 13]
    res = render_chunk(job.folder, 6, 10)
    assert res["rendered"] and res["path"] == job.chunk_path(6, 10)
    assert render_chunk(job.folder, 6, 10)["rendered"] is False  # done: not rendered again
    _g, clip, _a, _w = build(job)
    want = np.empty((15, 48, 64, 3), np.uint8)
    to_encoder_u8(clip.chunk(0, 15), want)  # the clip pulled from frame 0
    assert np.array_equal(np.load(job.chunk_path(6, 10)), want[6:10])
    assert job.missing() == [(2, 6), (10, 13)]


def test_whole_clip_features_and_keypoints_reach_the_chunks_through_files(tmp_path):
    import torch

    from studio.core.values import Features, Keypoints
    job = Job.create(str(tmp_path / "job"), {"chunks": []})
    f = Features(torch.arange(12, dtype=torch.bfloat16).reshape(4, 3), True, 24.0, ["a", "b", "c"],
                 {"beat_times": [0.5, 1.0], "gate": np.ones(3, np.float32), "kind": "mel", "n": np.int64(3)})
    k = Keypoints(np.zeros((4, 2, 2), np.float32), np.ones((4, 2), bool), 64, 48, 12.0)
    back = job.load_value(json_roundtrip(job.save_value("n1", "Audio Encoder", "features", "Features", f)))
    assert isinstance(back, Features) and back.data.dtype == torch.bfloat16 and torch.equal(back.data, f.data)
    assert (back.per_frame, back.fps, back.names) == (True, 24.0, ["a", "b", "c"])
    assert back.extras["beat_times"] == [0.5, 1.0] and back.extras["kind"] == "mel" and back.extras["n"] == 3
    assert np.array_equal(back.extras["gate"], np.ones(3, np.float32))
    kb = job.load_value(json_roundtrip(job.save_value("n2", "Track", "keypoints", "Keypoints", k)))
    assert isinstance(kb, Keypoints) and kb.visible.dtype == bool and (kb.width, kb.height, kb.fps) == (64, 48, 12.0)
    assert kb.scores is None and kb.person_ids is None and kb.layout == ""
    pose = Keypoints(np.ones((4, 34, 2), np.float32), np.ones((4, 34), bool), 64, 48, 12.0,
                     np.full((4, 34), 0.5, np.float32), np.array([3, 9]), "coco17")  # Pose Estimate's people
    pb = job.load_value(json_roundtrip(job.save_value("n3", "Pose Estimate", "pose", "Keypoints", pose)))
    assert pb.layout == "coco17" and list(pb.person_ids) == [3, 9] and np.array_equal(pb.scores, pose.scores)


def json_roundtrip(entry):
    import json
    return json.loads(json.dumps(entry))
