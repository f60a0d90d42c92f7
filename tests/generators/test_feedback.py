"""Generators say what happened and never trust a file: time budgets that train nothing, sidecars
that lie about the weights or would size huge allocations, prompts that are overridden, reports
that were never printed (issues 11 and 15). Tiny sizes: 16x16, 4 frames."""
from __future__ import annotations

import json
import os
import time

import pytest

from studio.core.errors import NodeExecutionError, StudioError
from studio.core.graph import Graph
from studio.engine.events import NodeMessage, NodeProgress, RunFinished
from studio.engine.executor import Executor

from nodes.generators.checkpoint import CheckpointMismatchError, load_checkpoint, save_checkpoint
from nodes.generators.dataset import Item, VideoDataset, synthetic_dataset
from nodes.generators.train import TrainSettings, model_config, train
from nodes.synthetic import caption


@pytest.fixture(scope="module")
def tiny():
    return synthetic_dataset(count=16, n_frames=4, width=16, height=16, fps=8.0, seed=0)


@pytest.fixture(scope="module")
def ckpt(tiny, tmp_path_factory):
    """A diffusion trained 2 steps at 4 frames 16x16."""
    path = str(tmp_path_factory.mktemp("ck") / "m.safetensors")
    cfg = model_config("diffusion", tiny, "caption-parser", base=8, mults=[1, 2])
    train(cfg, tiny, TrainSettings(steps=2, batch=2, preview_every=0, checkpoint=path))
    return path


def _edit_sidecar(src: str, dst_dir, edit) -> str:
    """A copy of the checkpoint whose JSON sidecar ``edit(meta)`` changed."""
    from shutil import copyfile
    dst = os.path.join(str(dst_dir), "e.safetensors")
    copyfile(src, dst)
    with open(os.path.splitext(src)[0] + ".json") as fh:
        meta = json.load(fh)
    edit(meta)
    with open(os.path.splitext(dst)[0] + ".json", "w") as fh:
        json.dump(meta, fh)
    return dst


def _run_warnings(events):
    return next(e.warnings for e in events if isinstance(e, RunFinished))


def _messages(events, level):
    return [e.text for e in events if isinstance(e, NodeMessage) and e.level == level]


# -- issue 11 (5, 6): the sidecar is checked, bounded and explained -------------------------------
def test_sidecar_claiming_another_clip_size_is_refused(ckpt, tmp_path):
    def claim(meta):
        meta["config"].update(frames=16, width=64, height=64)
    p = _edit_sidecar(ckpt, tmp_path, claim)
    with pytest.raises(CheckpointMismatchError) as e:
        load_checkpoint(p)
    msg = str(e.value)
    assert "frames: the config beside it says 16, the weights were trained with 4" in msg
    assert "width" in msg and "height" in msg


@pytest.mark.parametrize("field,value,bound", [("base", 4096, "from 1 to 1024"),
                                               ("timesteps", 1e9, "from 1 to 100000"),
                                               ("timesteps", 10**9, "from 1 to 100000"),
                                               ("mults", [1, 2, 10**6], "whole numbers from 1 to 64")])
def test_sidecar_numbers_are_bounded_before_anything_is_built(ckpt, tmp_path, monkeypatch, field, value, bound):
    import nodes.generators.checkpoint as cp
    built = []
    monkeypatch.setattr(cp, "build_model", lambda cfg: built.append(cfg))
    p = _edit_sidecar(ckpt, tmp_path, lambda m: m["config"].__setitem__(field, value))
    with pytest.raises(StudioError) as e:
        load_checkpoint(p)
    assert f"'e.json': '{field}' must be" in str(e.value) and bound in str(e.value)
    assert not built  # refused before a network (and its buffers) was sized from it


def test_sidecar_without_config_or_with_a_string_number_says_which_field(ckpt, tmp_path):
    p = _edit_sidecar(ckpt, tmp_path, lambda m: m.pop("config"))
    with pytest.raises(StudioError, match=r"'e\.json' has no 'config' field"):
        load_checkpoint(p)
    p = _edit_sidecar(ckpt, tmp_path, lambda m: m["config"].__setitem__("base", "8"))
    with pytest.raises(StudioError) as e:
        load_checkpoint(p)
    assert "'base' must be a whole number from 1 to 1024, got '8' (text)" in str(e.value)
    assert "string formatting" not in str(e.value)
    p = _edit_sidecar(ckpt, tmp_path, lambda m: m["config"]["conditioning"].__setitem__("dim", -3))
    with pytest.raises(StudioError, match=r"'conditioning\.dim' must be a whole number"):
        load_checkpoint(p)


def test_weights_of_another_shape_are_found_from_the_header(ckpt, tmp_path, monkeypatch):
    from safetensors.torch import load_file
    from safetensors.torch import save_file as sf
    t = load_file(ckpt)
    k = next(k for k in t if k.startswith("model.") and t[k].ndim == 4)
    t[k] = t[k][:, :1].contiguous()
    p = str(tmp_path / "s.safetensors")
    sf(t, p)
    from shutil import copyfile
    copyfile(os.path.splitext(ckpt)[0] + ".json", str(tmp_path / "s.json"))
    import nodes.generators.checkpoint as cp
    loaded = []
    real = cp.load_file
    monkeypatch.setattr(cp, "load_file", lambda *a, **kw: loaded.append(1) or real(*a, **kw))
    with pytest.raises(CheckpointMismatchError, match="1 tensors of another shape"):
        load_checkpoint(p)
    assert not loaded  # the shapes were compared before the tensors were read


# -- issue 11 (3): a time budget never silently trains nothing ------------------------------------
def _slow_dataset(n=8, delay=0.05):
    base = synthetic_dataset(count=n, n_frames=4, width=16, height=16, seed=3, holdout=[])

    def slow(load):
        def f():
            time.sleep(delay)
            return load()
        return f
    items = [Item(it.caption, slow(it.load), it.split, it.labels, it.key) for it in base.items]
    for it in items:
        it.split = "train"
    return VideoDataset(items, 4, 16, 16, 8.0, name="slow")


def test_data_preparation_does_not_count_against_the_time_budget():
    ds = _slow_dataset()  # 0.4 s to prepare, longer than the 0.15 s budget
    cfg = model_config("diffusion", ds, "caption-parser", base=8, mults=[1, 2])
    res = train(cfg, ds, TrainSettings(steps=100000, batch=2, preview_every=0, max_minutes=0.0025))
    assert res.prep_seconds >= 0.35 and res.step > 0 and res.stopped_by_budget


def _train_graph(path, **extra):
    g = Graph()
    d = g.add_node("gen.dataset_synthetic", {"count": 16, "frames": 4, "width": 16, "height": 16, "holdout": 4})
    t = g.add_node("gen.train", {"model": "diffusion", "conditioning": "caption-parser", "steps": 5, "batch": 2,
                                 "width": 8, "preview_every": 0, "checkpoint_every": 0, "checkpoint": path, **extra})
    g.connect(d.id, "dataset", t.id, "dataset")
    return g, t.id


def test_training_reports_its_end_and_warns_when_the_budget_stopped_it(tmp_path):
    g, tid = _train_graph(str(tmp_path / "a.safetensors"))
    events = []
    Executor().run(g, targets=[tid], on_event=events.append)
    info = _messages(events, "info")
    assert any("trained steps 0..5 of 5" in m and "final loss" in m for m in info)
    assert not _messages(events, "warning") and not _run_warnings(events)
    prog = [e for e in events if isinstance(e, NodeProgress) and e.node_id == tid and e.total]
    assert prog and all(e.unit == "step" for e in prog)  # the bar counts optimiser steps, not frames
    g2, tid2 = _train_graph(str(tmp_path / "b.safetensors"), steps=1_000_000, max_minutes=0.002)
    events = []
    Executor().run(g2, targets=[tid2], on_event=events.append)
    warn = _messages(events, "warning")
    assert len(warn) == 1 and "stopped by its time budget (0.002 min) at step" in warn[0]
    assert "of 1000000; final loss" in warn[0]
    assert any("stopped by its time budget" in w for w in _run_warnings(events))


def test_a_run_that_trained_zero_steps_fails_and_sample_refuses_untrained_weights(tmp_path, tiny):
    path = str(tmp_path / "z.safetensors")
    g, tid = _train_graph(path, max_minutes=0.001, motion="keyframe-flow")
    # a checkpoint whose budget was spent before its first step (cancelled while preparing)
    from nodes.generators.checkpoint import build_model
    ds = Executor().run(g, targets=[next(iter(g.nodes))]).value(next(iter(g.nodes)), "dataset")
    net = build_model(model_config("diffusion", ds, "caption-parser", base=8, motion="keyframe-flow"))
    save_checkpoint(path, net, step=0, train={"seconds": 60.0})
    with pytest.raises(NodeExecutionError, match="trained 0 steps: the time budget"):
        Executor().run(g, targets=[tid])
    lc = Graph()
    n = lc.add_node("gen.load_checkpoint", {"path": path})
    s = lc.add_node("gen.sample", {"steps": 2})
    lc.connect(n.id, "model", s.id, "model")
    with pytest.raises(NodeExecutionError, match="has not been trained"):
        Executor().run(lc, targets=[s.id])


# -- issue 15: overridden prompts, reports, captions -------------------------------------------------
def test_sample_says_which_prompt_it_uses_and_metrics_prints_its_report(tmp_path):
    g, tid = _train_graph(str(tmp_path / "p.safetensors"), steps=2)
    f = g.add_node("gen.caption_features", {"text": "a blue square moving up"})
    s = g.add_node("gen.sample", {"prompt": "a red circle moving left", "steps": 2})
    m = g.add_node("gen.metrics", {})
    g.connect(tid, "model", s.id, "model")
    g.connect(f.id, "features", s.id, "features")
    g.connect(s.id, "video", m.id, "video")
    g.connect(s.id, "prompt", m.id, "prompt")
    events = []
    r = Executor().run(g, targets=[m.id], on_event=events.append)
    warn = [w for w in _messages(events, "warning") if "prompt" in w]
    assert len(warn) == 1 and "'a red circle moving left' is not used" in warn[0]
    assert "sampling 'a blue square moving up'" in warn[0]
    assert r.value(s.id, "prompt") == "a blue square moving up"
    info = [e for e in events if isinstance(e, NodeMessage) and e.node_id == m.id and e.level == "info"]
    assert info and info[0].text == r.value(m.id, "report") and "warping error" in info[0].text
    from studio.core.registry import default_registry
    spec = default_registry().get("gen.sample")
    assert "overrides" in next(i.help for i in spec.inputs if i.name == "features")


def test_captions_use_the_right_article():
    assert caption([{"color": "orange", "shape": "square", "direction": "up"}]) == "an orange square moving up"
    assert caption([{"color": "red", "shape": "circle", "direction": "left"}]) == "a red circle moving left"
    ds = synthetic_dataset(count=96, n_frames=2, width=16, height=16, seed=0)
    assert not any(" a orange" in c or c.startswith("a orange") for c in ds.captions())


def test_text_to_video_template_makes_one_clip():
    from studio.core.fileformat import load_graph
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    g = load_graph(os.path.join(root, "assets", "graphs", "text_to_video.json"))
    link = g.input_link("save", "video")
    assert (link.src, link.src_port) == ("sample", "video")
    assert g.node("sample").params["variations"] == 1
