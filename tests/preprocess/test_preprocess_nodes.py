"""Detect People, Pose Estimate and Depth on tiny random models equal the transformers models
called directly on the same frames; bad model folders are named; a second run loads nothing."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import torch

from studio.core.graph import Graph
from studio.engine.executor import Executor

N, W, H = 6, 64, 48


def _graph(models, pose="pose", threshold=0.0, smoothing=0.0, batch=4):
    g = Graph()
    src = g.add_node("source.shapes", {"frames": N, "width": W, "height": H, "sound": False, "count": 2})
    lr = g.add_node("preprocess.load", {"kind": "people", "model": models["people"]})
    lp = g.add_node("preprocess.load", {"kind": "pose", "model": models[pose]})
    ld = g.add_node("preprocess.load", {"kind": "depth", "model": models["depth"]})
    det = g.add_node("preprocess.detect_people", {"threshold": threshold, "max_people": 3, "batch": batch})
    pe = g.add_node("preprocess.pose_estimate", {"batch": batch})
    dep = g.add_node("preprocess.depth", {"smoothing": smoothing, "batch": batch})
    g.connect(src.id, "video", det.id, "video")
    g.connect(lr.id, "model", det.id, "model")
    g.connect(src.id, "video", pe.id, "video")
    g.connect(det.id, "people", pe.id, "people")
    g.connect(lp.id, "model", pe.id, "model")
    g.connect(src.id, "video", dep.id, "video")
    g.connect(ld.id, "model", dep.id, "model")
    return g, {"src": src.id, "det": det.id, "pose": pe.id, "depth": dep.id}


def _images(clip):
    return [np.clip(np.rint(clip.frame(i)[..., :3] * 255.0), 0, 255).astype(np.uint8) for i in range(len(clip))]


def _hf(path, model_cls, proc_cls):
    import importlib.util

    import transformers
    proc = proc_cls if importlib.util.find_spec("torchvision") else proc_cls + "Pil"
    return (getattr(transformers, model_cls).from_pretrained(path).eval(),
            getattr(transformers, proc).from_pretrained(path))


def _run(g, ids, out="pose"):
    ev = []
    r = Executor(frame_caching=False).run(g, device="cpu", on_event=ev.append)
    return r, [getattr(e, "text", "") for e in ev]


def test_people_and_poses_equal_the_library(tiny_pre):
    g, ids = _graph(tiny_pre)
    r, said = _run(g, ids)
    images = _images(r.value(ids["src"]))
    det_model, det_proc = _hf(tiny_pre["people"], "RTDetrForObjectDetection", "RTDetrImageProcessor")
    pose_model, pose_proc = _hf(tiny_pre["pose"], "VitPoseForPoseEstimation", "VitPoseImageProcessor")
    people, pose = r.value(ids["det"]), r.value(ids["pose"])
    assert people.layout == "box" and pose.layout == "coco17" and pose.per_person == 17
    assert pose.n_persons == people.n_persons >= 3
    direct_boxes = []
    for a in range(0, N, 4):
        batch = images[a:a + 4]
        with torch.inference_mode():
            out = det_model(**det_proc(images=batch, return_tensors="pt"))
        res = det_proc.post_process_object_detection(out, threshold=0.0, target_sizes=[(H, W)] * len(batch))
        for x in res:
            keep = x["labels"] == 1  # the tiny detector's 'person'
            s, b = x["scores"][keep].numpy(), x["boxes"][keep].numpy()
            direct_boxes.append(b[np.argsort(-s, kind="stable")[:3]])
    for t in range(N):
        pts, vis, _ = people.person_points(t)
        got = pts[vis.all(-1)].reshape(-1, 4)
        assert len(got) == len(direct_boxes[t]) == 3
        assert np.array_equal(got[np.lexsort(got.T[::-1])], direct_boxes[t][np.lexsort(direct_boxes[t].T[::-1])])
    # the poses: every box of a batch of frames through ViTPose, against the library on the same boxes
    for a in range(0, N, 4):
        ts = list(range(a, min(N, a + 4)))
        boxes, order = [], []
        for t in ts:
            pts, vis, _ = people.person_points(t)
            here = np.flatnonzero(vis.all(-1))
            order.append(here)
            c = pts[here]
            boxes.append(np.concatenate([c[:, 0], c[:, 1] - c[:, 0]], -1).tolist())
        with torch.inference_mode():
            out = pose_model(**pose_proc([images[t] for t in ts], boxes=boxes, return_tensors="pt"))
        res = pose_proc.post_process_pose_estimation(out, boxes=boxes)
        for t, here, per in zip(ts, order, res):
            kp, _, sc = pose.person_points(t)
            for pid, d in zip(here, per):
                assert np.array_equal(kp[pid], d["keypoints"].numpy())
                assert np.array_equal(sc[pid], d["scores"].numpy())
    assert any("on cpu" in s and "poses of" in s for s in said)


def test_ids_follow_people_across_frames():
    from nodes.preprocess.tracks import assign_ids
    a = np.array([[0, 0, 10, 20], [40, 0, 50, 20]], float)
    frames = [a + [k, 0, k, 0] for k in range(5)]
    frames[2] = frames[2][::-1]       # the detector lists them the other way round
    frames[3] = frames[3][:1]         # one is missed for a frame and comes back
    ids = assign_ids(frames)
    assert [list(i) for i in ids] == [[0, 1], [0, 1], [1, 0], [0], [0, 1]]


def test_whole_body_and_empty_frames(tiny_pre):
    g, ids = _graph(tiny_pre, pose="wholebody", threshold=1.0)  # nobody passes a score of 1
    r, said = _run(g, ids)
    pose = r.value(ids["pose"])
    assert pose.n_frames == N and pose.n_persons == 0 and pose.layout == "wholebody133"
    assert any(f"no person on frames 0-{N - 1}" in s for s in said)
    g, ids = _graph(tiny_pre, pose="wholebody")
    pose = _run(g, ids)[0].value(ids["pose"])
    assert pose.per_person == 133 and pose.layout == "wholebody133" and pose.n_persons >= 3


def test_depth_equals_the_library_and_smooths(tiny_pre):
    g, ids = _graph(tiny_pre)
    r, _ = _run(g, ids)
    images = _images(r.value(ids["src"]))
    model, proc = _hf(tiny_pre["depth"], "DepthAnythingForDepthEstimation", "DPTImageProcessor")
    want = []
    for a in range(0, N, 4):
        with torch.inference_mode():
            out = model(**proc(images=images[a:a + 4], return_tensors="pt"))
        for x in proc.post_process_depth_estimation(out, target_sizes=[(H, W)] * len(images[a:a + 4])):
            d = x["predicted_depth"].numpy()
            want.append((d - d.min()) / (d.max() - d.min()))
    depth = r.value(ids["depth"])
    got = depth.chunk(0, N)
    assert got.shape == (N, H, W, 3)
    np.testing.assert_array_equal(got[..., 0], np.stack(want).astype(np.float32))
    assert np.array_equal(depth.frame(N - 1), got[N - 1])  # the same frame however it is pulled
    g, ids = _graph(tiny_pre, smoothing=0.5)
    smooth = _run(g, ids)[0].value(ids["depth"]).chunk(0, N)[..., 0]
    w = 0.5 ** np.arange(N)
    exp = np.stack([np.tensordot(w[:t + 1][::-1] / w[:t + 1].sum(), np.stack(want[:t + 1]), 1) for t in range(N)])
    np.testing.assert_allclose(smooth, exp, atol=1e-5)


def test_second_run_loads_nothing(tiny_pre):
    g, ids = _graph(tiny_pre)
    ex = Executor(frame_caching=False)
    ex.run(g, device="cpu")
    loads = ex.run_counts.get("preprocess.load")
    r = ex.run(g, device="cpu", use_cache=False)
    assert ex.run_counts["preprocess.load"] == loads == 3
    assert ex.run_counts["preprocess.pose_estimate"] == 2 and r.value(ids["pose"]).n_persons >= 3


def test_bad_model_folders_are_named(tiny_pre, tmp_path):
    from nodes.preprocess.hf import PreprocessModelError, find_folder
    with pytest.raises(PreprocessModelError, match="not found.*config.json, model.safetensors, preprocessor_config"):
        find_folder(str(tmp_path / "nowhere"), None, "pose")
    part = tmp_path / "partial"
    shutil.copytree(tiny_pre["pose"], part)
    os.remove(part / "preprocessor_config.json")
    with pytest.raises(PreprocessModelError, match=f"'{part}' lacks preprocessor_config.json"):
        find_folder(str(part), None, "pose")
    with pytest.raises(PreprocessModelError, match="holds a depth model .*not a pose model .*vitpose"):
        find_folder(tiny_pre["depth"], None, "pose")
    fifo = tmp_path / "fifo"
    shutil.copytree(tiny_pre["pose"], fifo)
    os.remove(fifo / "config.json")
    os.mkfifo(fifo / "config.json")  # opening it would block the run for ever
    with pytest.raises(PreprocessModelError, match=r"config.json: it is a named pipe \(FIFO\), not a regular file"):
        find_folder(str(fifo), None, "pose")
    g, ids = _graph(tiny_pre)
    swap = next(n for n in g.nodes.values() if n.params.get("kind") == "people")
    swap.params.update(kind="pose", model=tiny_pre["pose"])  # a pose model wired into Detect People
    with pytest.raises(Exception, match="Detect People needs a person detector"):
        Executor(frame_caching=False).run(g, device="cpu")


def test_a_hugging_face_cache_snapshot_is_found(tiny_pre, tmp_path, monkeypatch):
    from nodes.preprocess.hf import find_folder
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    snap = tmp_path / "hub" / "models--usyd-community--vitpose-base-simple" / "snapshots" / "abc123"
    shutil.copytree(tiny_pre["pose"], snap)
    assert find_folder("usyd-community/vitpose-base-simple", None, "pose") == str(snap)


def test_batch_auto_is_one_frame_a_call_on_the_cpu_and_eight_on_a_gpu():
    # on the CPU a batch of frames was slower than one at a time (RT-DETR 512x512: 1.6x for 8 frames)
    from types import SimpleNamespace

    from nodes.preprocess.hf import BATCH, batch_for
    assert BATCH.default == 0
    assert batch_for(SimpleNamespace(device="cpu"), 0) == 1
    assert batch_for(SimpleNamespace(device="cuda:0"), 0) == 8
    assert batch_for(SimpleNamespace(device="cpu"), 4) == 4
