"""A long clip goes to its outputs as its windows finish (nodes/video_models/resume/windows.py,
studio/engine/streaming.py): the frames of window 1 are on disk while window 2 is sampled, the
clip is the one a whole run makes, nothing is told before the clip is made, and a Stop or an
error leaves the model as it was and names the node that failed."""
from __future__ import annotations

import gc
import os
from types import SimpleNamespace

import numpy as np
import pytest

from studio.core.errors import Cancelled, NodeExecutionError
from studio.core.graph import Graph
from studio.engine.context import CancelToken
from studio.engine.events import NodeFinished, NodeMessage, NodeStarted
from studio.engine.executor import Executor
from studio.engine.streaming import stream_groups

from nodes.video_models.resume import kept_windows

pytest.importorskip("diffusers")

GEN = {"frames": 13, "window": 5, "overlap": 1, "width": 16, "height": 16, "steps": 2, "guidance": 1.0,
       "previews": False, "preview_size": "off", "long_take": "separate shots"}  # windows start at frames 0, 4 and 8


def _graph(wan_dir, tmp_path, out_type="footage.save_sequence", out=None):
    g = Graph()
    g.base_dir = str(tmp_path)
    g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
    g.add_node("video_models.text_to_video", dict(GEN), node_id="gen")
    g.connect("load", "model", "gen", "model")
    if out_type:
        g.add_node(out_type, out or {"path": "render/frame.####.png", "depth": "8"}, node_id="save")
        g.connect("gen", "video", "save", "video")
    return g


def _files(tmp_path) -> int:
    d = tmp_path / "render"
    return len(os.listdir(d)) if d.is_dir() else 0


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))


def _kept() -> list[str]:
    try:
        return [n for n in os.listdir(kept_windows.folder()) if n.endswith(".safetensors")]
    except OSError:
        return []


def test_each_window_is_on_disk_while_the_next_is_sampled_and_the_clip_is_the_whole_runs(
        wan_dir, tmp_path, cache_dir):
    ex = Executor()
    whole = ex.run(_graph(wan_dir, tmp_path, None), targets=["gen"], device="cpu", use_cache=False)
    whole = whole.value("gen")
    assert type(whole).__name__ == "ArrayClip"  # nothing takes it: made whole inside the node
    tr = ex.run(_graph(wan_dir, tmp_path, None), targets=["load"], device="cpu").value("load").module.transformer
    on_disk = []
    h = tr.register_forward_pre_hook(lambda _m, _a: on_disk.append(_files(tmp_path)))
    ev = []
    try:
        res = ex.run(_graph(wan_dir, tmp_path), device="cpu", use_cache=False, on_event=ev.append)
    finally:
        h.remove()
    # 2 steps a window: windows 2 and 3 start with the frames before them written
    assert on_disk == [0, 0, 4, 4, 8, 8], on_disk
    assert _files(tmp_path) == 13
    streamed = res.value("gen")
    assert type(streamed).__name__ == "StreamedClip" and streamed.complete
    # a kept clip keeps no pipeline, prompt embeddings or run context alive
    assert streamed.making is None
    gc.collect()
    assert [o for o in gc.get_objects() if type(o).__name__ in ("ClipMaking", "Sampler")] == []
    assert np.array_equal(streamed.frames, whole.frames)  # the same clip, bit for bit
    assert _kept() == []  # made: its kept windows are gone
    # told in order: the output starts while the clip is made; the clip's node finishes (made)
    # before its output, and says what it made before that
    kinds = [(type(e).__name__, e.node_id) for e in ev if isinstance(e, (NodeStarted, NodeFinished))]
    assert kinds.index(("NodeStarted", "save")) < kinds.index(("NodeFinished", "gen")) \
        < kinds.index(("NodeFinished", "save")), kinds
    said = [(e.node_id, e.text) for e in ev if isinstance(e, NodeMessage)]
    assert ("gen", "frames go to Save Image Sequence (EXR/PNG/TIFF) as each of the 3 windows finishes") in said, said
    made = [i for i, e in enumerate(ev) if isinstance(e, NodeMessage) and e.text.startswith("made 13 frames")]
    fin = [i for i, e in enumerate(ev) if isinstance(e, NodeFinished) and e.node_id == "gen"]
    assert made and made[0] < fin[0]
    # the windows made while the output pulled count as the model node's work, not the output's
    assert ex.costs.seconds["gen"] > ex.costs.seconds["save"], ex.costs.seconds


def test_an_in_out_range_writes_its_frames_and_the_rest_of_the_clip_is_still_made(wan_dir, tmp_path, cache_dir):
    ex = Executor()
    g = _graph(wan_dir, tmp_path)
    res = ex.run(g, device="cpu", use_cache=False, frame_range=(0, 3))
    assert _files(tmp_path) == 3
    clip = res.value("gen")
    assert clip.complete and clip.n_frames == 13
    assert float(np.abs(clip.frames[12]).sum()) > 0  # the last window too
    assert _kept() == []


def test_a_stop_while_streaming_leaves_no_file_and_the_model_as_it_was_and_resumes(wan_dir, tmp_path, cache_dir):
    ex = Executor()
    g = _graph(wan_dir, tmp_path, "io.save_video", {"path": "out.mp4"})
    tr = ex.run(g, targets=["load"], device="cpu").value("load").module.transformer
    hooks_before = len(tr._forward_pre_hooks) + sum(len(m._forward_pre_hooks) for m in tr.modules())
    tok, calls = CancelToken(), []

    def count(_m, _a):
        calls.append(1)
        if len(calls) == 3:  # window 1 made and streamed, Stop pressed in window 2
            tok.cancel()
    h = tr.register_forward_pre_hook(count)
    try:
        with pytest.raises(Cancelled):
            ex.run(g, device="cpu", use_cache=False, cancel=tok)
        assert not (tmp_path / "out.mp4").exists()  # a render cut short leaves no file
        assert [n for n in os.listdir(tmp_path) if n.startswith(".render")] == []
        hooks = len(tr._forward_pre_hooks) + sum(len(m._forward_pre_hooks) for m in tr.modules())
        assert hooks == hooks_before + 2  # ours (counted twice: tr is among its modules): the Stop hooks are out
        assert len(_kept()) == 1  # window 1, for the re-run
        calls.clear()
        res = ex.run(g, device="cpu", use_cache=False)
    finally:
        h.remove()
    assert len(calls) == 4  # windows 2 and 3 only
    assert (tmp_path / "out.mp4").exists() and res.value("gen").complete


def test_an_error_in_a_later_window_names_the_model_node_not_the_output(wan_dir, tmp_path, cache_dir, monkeypatch):
    from nodes.video_models.sampling import sampler as sampling
    real = sampling.Sampler.run_window

    def fails_in_window_2(self, kwargs, k, *a, **kw):
        if k == 1:
            raise RuntimeError("boom in window 2")
        return real(self, kwargs, k, *a, **kw)
    monkeypatch.setattr(sampling.Sampler, "run_window", fails_in_window_2)
    ex = Executor()
    with pytest.raises(NodeExecutionError) as e:
        ex.run(_graph(wan_dir, tmp_path), device="cpu", use_cache=False)
    assert e.value.node_id == "gen" and "boom in window 2" in str(e.value)
    assert _files(tmp_path) == 4  # window 1's frames were written before it failed


def test_a_clip_that_also_goes_elsewhere_is_made_whole_first(wan_dir, tmp_path, cache_dir):
    g = _graph(wan_dir, tmp_path)
    g.add_node("io.preview", {}, node_id="look")
    g.connect("gen", "video", "look", "value")
    ev = []
    res = Executor().run(g, device="cpu", use_cache=False, on_event=ev.append)
    assert type(res.value("gen")).__name__ == "ArrayClip"
    assert not any(isinstance(e, NodeMessage) and "frames go to" in e.text for e in ev)
    assert _files(tmp_path) == 13


# -- the order of a run with streams (no model needed) ---------------------------------------------
class _Gen:
    streams_output = True


class _Save:
    streams_input = "video"


class _Plain:
    pass


def _step(nid, cls, **inputs):
    return SimpleNamespace(node=SimpleNamespace(id=nid, spec=SimpleNamespace(cls=cls)), inputs=inputs)


def test_what_an_output_needs_besides_the_clip_runs_before_the_clip_and_the_output_right_after_it():
    steps = [_step("model", _Plain), _step("gen", _Gen, model=("model", "model")),
             _step("other", _Plain), _step("audio", _Plain),
             _step("save", _Save, video=("gen", "video"), audio=("audio", "audio"))]
    ordered, groups = stream_groups(steps)
    assert groups == {"gen": ["save"]}
    assert [s.node.id for s in ordered] == ["model", "audio", "gen", "save", "other"]


def test_no_stream_when_an_output_takes_the_clip_on_another_port_or_needs_something_made_from_it():
    on_alpha = [_step("gen", _Gen), _step("save", _Save, video=("gen", "video"), alpha=("gen", "video"))]
    assert stream_groups(on_alpha)[1] == {}
    derived = [_step("gen", _Gen), _step("mask", _Plain, video=("gen", "video")),
               _step("save", _Save, video=("gen", "video"), alpha=("mask", "mask"))]
    assert stream_groups(derived)[1] == {}
    two = [_step("gen", _Gen), _step("a", _Save, video=("gen", "video")), _step("x", _Plain),
           _step("b", _Save, video=("gen", "video"))]
    ordered, groups = stream_groups(two)
    assert groups == {"gen": ["a", "b"]} and [s.node.id for s in ordered] == ["gen", "a", "b", "x"]
