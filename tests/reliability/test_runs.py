"""Issue 11 / 15: what validates renders, at any size; no success for nothing; files land where the
graph is, with the user's permissions; each node's real cost is reported."""
from __future__ import annotations

import json
import os
import stat

import pytest

from studio.cli import main as cli_main
from studio.core.fileformat import load_graph, save_graph
from studio.core.graph import Graph
from studio.core.library import group_nodes
from studio.engine.events import NodeCost, NodeFinished, RunFinished
from studio.engine.executor import Executor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "assets", "graphs", "demo.json")


def _chain(n_nodes: int, out: str, mode: str = "normal") -> dict:
    nodes = [{"id": "n1", "type": "source.shapes", "params": {"frames": 4, "width": 32, "height": 24,
                                                              "sound": False}}]
    for i in range(2, n_nodes):
        nodes.append({"id": f"n{i}", "type": "transform.color", "params": {}, "mode": mode})
    nodes.append({"id": f"n{n_nodes}", "type": "io.save_video", "params": {"path": out, "embed_graph": False}})
    links = [{"from": [f"n{i}", "video"], "to": [f"n{i + 1}", "video"]} for i in range(1, n_nodes)]
    return {"format": "studio-graph", "version": 1, "nodes": nodes, "links": links}


def _frames(path: str) -> int:
    import av
    with av.open(path) as c:
        return sum(1 for _ in c.decode(c.streams.video[0]))


def test_ten_thousand_node_chain_validates_and_renders(tmp_path):
    gp = tmp_path / "chain.json"
    gp.write_text(json.dumps(_chain(10_000, "chain.mp4")))
    g = load_graph(str(gp))
    assert g.validate() == []
    Executor(frame_caching=False).run(g, frame_range=(0, 2))
    assert _frames(str(tmp_path / "chain.mp4")) == 2


def test_long_chain_renders_with_the_frame_cache_on(tmp_path):
    """The window's executor keeps frames: the chain walk must go through its cache views."""
    gp = tmp_path / "chain.json"
    gp.write_text(json.dumps(_chain(3000, "c.mp4")))
    g = load_graph(str(gp))
    ex = Executor()
    ex.run(g, frame_range=(0, 3))
    assert _frames(str(tmp_path / "c.mp4")) == 3
    g.set_param("n3000", "crf", 30)  # re-run: upstream frames come from the frame cache
    ex.run(g, frame_range=(0, 3))
    assert _frames(str(tmp_path / "c.mp4")) == 3


def test_long_bypassed_chain_compiles(tmp_path):
    gp = tmp_path / "chain.json"
    gp.write_text(json.dumps(_chain(2000, "b.mp4", mode="bypass")))
    Executor(frame_caching=False).run(load_graph(str(gp)), frame_range=(0, 1))
    assert _frames(str(tmp_path / "b.mp4")) == 1


def test_cycle_in_a_large_graph_is_named(tmp_path):
    doc = _chain(5000, "x.mp4")
    doc["nodes"][-1] = {"id": "n5000", "type": "transform.color", "params": {}}
    doc["links"][0] = {"from": ["n5000", "video"], "to": ["n2", "video"]}
    gp = tmp_path / "cyc.json"
    gp.write_text(json.dumps(doc))
    with pytest.raises(Exception, match="cycle"):
        load_graph(str(gp))


def test_million_frame_source_renders_four_frames_without_building_its_sound(tmp_path):
    g = load_graph(DEMO)
    g.set_param("n1", "frames", 1_000_000)
    out = str(tmp_path / "big.mp4")
    g.set_param("n4", "path", out)
    res = Executor(frame_caching=False).run(g, frame_range=(0, 4))
    audio = res.value("n1", "audio")
    assert audio.n_samples > 9 * 10**8  # eleven hours of sound, never made
    assert audio._samples is None
    import av
    with av.open(out) as c:
        assert c.streams.audio
        assert sum(1 for _ in c.decode(c.streams.video[0])) == 4


def test_lazy_sound_slices_equal_the_whole_track():
    import numpy as np

    from nodes.synthetic import make_shapes, shapes_audio
    sh = make_shapes(3, 1, 320, 240, 72, 24, 3.0, direction="random")
    a = shapes_audio(sh, 72, 24.0, 320)
    full = shapes_audio(sh, 72, 24.0, 320).samples
    assert full.shape == (66150, 2) and np.abs(full).max() > 0.1
    for lo, hi in [(0, 100), (1000, 30000), (11020, 11100), (60000, 66150)]:
        np.testing.assert_allclose(a.slice_samples(lo, hi), full[lo:hi], atol=1e-5)


@pytest.mark.parametrize("inner_first", [True, False])
def test_nested_groups_made_by_grouping_render(tmp_path, inner_first):
    g = load_graph(DEMO)
    g.set_param("n4", "path", str(tmp_path / "nested.mp4"))
    if inner_first:  # (colour, resize) inside (source, group)
        inner = group_nodes(g, ["n2", "n3"], "inner")
        group_nodes(g, [inner.id, "n1"], "outer")
    else:  # (colour, resize) inside (group, save): the outer group's inputs feed the inner group
        inner = group_nodes(g, ["n2", "n3"], "inner")
        group_nodes(g, [inner.id, "n4"], "outer")
    save_graph(g, str(tmp_path / "nested.json"))
    g2 = load_graph(str(tmp_path / "nested.json"))
    assert g2.validate() == []
    Executor(frame_caching=False).run(g2, frame_range=(0, 3))
    assert _frames(str(tmp_path / "nested.mp4")) == 3


def test_bypassed_source_fails_naming_the_skipped_output_and_the_stale_file(tmp_path, capsys):
    doc = json.load(open(DEMO, encoding="utf-8"))
    doc["nodes"][0]["mode"] = "bypass"  # the source: nothing reaches Save Video
    gp = tmp_path / "g.json"
    gp.write_text(json.dumps(doc))
    stale = tmp_path / "out" / "demo.mp4"
    stale.parent.mkdir()
    stale.write_bytes(b"old render")
    rc = cli_main(["render", str(gp), "-q"])
    err = capsys.readouterr().err
    assert rc != 0
    assert "'Save Video' was skipped" in err and "Synthetic Shapes" in err
    assert str(stale) in err and "NOT updated" in err
    assert stale.read_bytes() == b"old render"


def test_render_prints_where_each_output_went_next_to_the_graph(tmp_path, capsys, monkeypatch):
    doc = json.load(open(DEMO, encoding="utf-8"))
    doc["nodes"][0]["params"].update(frames=3, width=32, height=24)
    gp = tmp_path / "proj" / "g.json"
    gp.parent.mkdir()
    gp.write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)  # started from another folder
    assert cli_main(["render", str(gp), "-q"]) == 0
    out = capsys.readouterr().out
    expect = str(tmp_path / "proj" / "out" / "demo.mp4")
    assert f"Save Video wrote {expect}" in out
    assert os.path.exists(expect) and not os.path.exists(tmp_path / "out")


def test_unsaved_graph_writes_into_the_project_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 24, "sound": False})
    o = g.add_node("io.save_video", {"path": "renders/a.mp4", "embed_graph": False})
    g.connect(s.id, "video", o.id, "video")
    events = []
    Executor().run(g, on_event=events.append)
    want = str(tmp_path / "project" / "renders" / "a.mp4")
    assert os.path.exists(want)
    fin = [e for e in events if isinstance(e, NodeFinished) and e.node_id == o.id]
    assert fin[0].written == [want]


def test_files_get_the_users_umask_not_0600(tmp_path):
    old = os.umask(0o027)
    try:
        g = Graph()
        s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 24, "sound": False})
        o = g.add_node("io.save_video", {"path": str(tmp_path / "v.mp4"), "embed_graph": False})
        g.connect(s.id, "video", o.id, "video")
        Executor().run(g)
        save_graph(g, str(tmp_path / "g.json"))
    finally:
        os.umask(old)
    for name in ("v.mp4", "g.json"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o640, name


def test_node_cost_is_the_time_pulling_its_own_frames(tmp_path):
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 6, "width": 64, "height": 48, "sound": False})
    c = g.add_node("transform.color", {"saturation": 1.2})
    o = g.add_node("io.save_video", {"path": str(tmp_path / "v.mp4"), "embed_graph": False})
    g.connect(s.id, "video", c.id, "video")
    g.connect(c.id, "video", o.id, "video")
    events = []
    Executor(frame_caching=False).run(g, on_event=events.append, frame_range=(0, 4))
    costs = {e.node_id: e for e in events if isinstance(e, NodeCost)}
    assert costs[s.id].frames == 4 and costs[c.id].frames == 4
    assert all(costs[n].seconds > 0 for n in (s.id, c.id, o.id))
    # exclusive: the save node's own cost is less than its run time, which includes the pulls
    run_time = next(e.seconds for e in events if isinstance(e, NodeFinished) and e.node_id == o.id)
    assert costs[o.id].seconds < run_time
    assert isinstance(events[-1], RunFinished)  # costs come before the end of the run


def test_targets_still_run_only_their_branch(tmp_path):
    g = load_graph(DEMO)
    g.set_param("n4", "path", str(tmp_path / "x.mp4"))
    res = Executor().run(g, targets=["n2"])
    assert set(res.executed) == {"n1", "n2"}


def test_bypassed_or_muted_save_is_not_a_success(tmp_path, capsys):
    doc = json.load(open(DEMO, encoding="utf-8"))
    gp = tmp_path / "g.json"
    doc["nodes"][3]["mode"] = "bypass"
    gp.write_text(json.dumps(doc))
    assert cli_main(["render", str(gp), "-q", "--frames", "0-1"]) != 0
    assert "'Save Video' was skipped: it is bypassed" in capsys.readouterr().err
    doc["nodes"][3]["mode"] = "mute"
    gp.write_text(json.dumps(doc))
    assert cli_main(["render", str(gp), "-q", "--frames", "0-1"]) != 0
    assert "muted (Save Video)" in capsys.readouterr().err


@pytest.mark.parametrize("frame_caching", [False, True])
def test_long_chain_of_two_input_nodes_renders(frame_caching):
    """Blend a clip with itself 2,000 times: the many-input walk (studio.engine.frame_clip.pull_graph).
    The graph is read from a document, as a saved one is (4,000 ``Graph.connect`` calls, each
    checking for a cycle over every link, took 8 s of the test's 9)."""
    import numpy as np
    from studio.core.fileformat import graph_from_dict
    nodes = [{"id": "s", "type": "source.shapes", "params": {"frames": 3, "width": 32, "height": 24, "sound": False}}]
    links, prev = [], "s"
    for k in range(2000):
        b = f"b{k}"
        nodes.append({"id": b, "type": "transform.blend", "params": {"mode": "mix", "opacity": 0.5}})
        links += [{"from": [prev, "video"], "to": [b, "a"]}, {"from": ["s" if k % 2 else prev, "video"], "to": [b, "b"]}]
        prev = b
    g = graph_from_dict({"format": "studio-graph", "version": 1, "nodes": nodes, "links": links})
    assert g.validate() == [] and len(g.links) == 4000
    s = g.nodes["s"]
    ex = Executor(frame_caching=frame_caching)
    out = ex.run(g, targets=[prev]).value(prev)
    src = ex.run(g, targets=[s.id]).value(s.id)
    np.testing.assert_allclose(out.frame(1), src.frame(1), atol=1e-5)  # mixing a clip with itself


def test_skip_reasons_stay_short_along_a_long_muted_chain(tmp_path):
    from studio.engine.events import NodeSkipped
    doc = _chain(3000, str(tmp_path / "m.mp4"))
    doc["nodes"][0]["mode"] = "mute"
    gp = tmp_path / "m.json"
    gp.write_text(json.dumps(doc))
    events = []
    Executor().run(load_graph(str(gp)), on_event=events.append)
    save = [e for e in events if isinstance(e, NodeSkipped) and e.is_output]
    assert len(save) == 1 and len(save[0].reason) < 300
    assert "'Synthetic Shapes' is muted" in save[0].reason
    assert not os.path.exists(tmp_path / "m.mp4")


def test_an_output_path_that_is_a_device_or_a_folder_is_refused_and_left_alone(tmp_path):
    """A rename over a device node replaces the device (as root, /dev/zero became an MP4)."""
    from studio.core.errors import StudioError
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    for target in (str(fifo), str(tmp_path)):
        g = Graph()
        s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 24, "sound": False})
        o = g.add_node("io.save_video", {"path": target, "embed_graph": False})
        g.connect(s.id, "video", o.id, "video")
        with pytest.raises(StudioError, match="is a folder|not a regular file"):  # before the run (preflight)
            Executor().run(g)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(OSError):
        save_graph(Graph(), str(fifo))
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_sound_too_long_to_hold_says_which_limit():
    from nodes.synthetic import make_shapes, shapes_audio
    a = shapes_audio(make_shapes(1, 0, 320, 240, 10, 24, 2.0), 1_000_000, 24.0, 320)
    assert a.slice_samples(0, 10).shape == (10, 2)  # slices are fine
    with pytest.raises(ValueError, match="MAX_AUDIO_SAMPLES"):
        a.samples  # noqa: B018 - the whole 11-hour track is refused, not allocated


def test_every_atomic_writer_gives_the_umask_and_never_replaces_a_device(tmp_path):
    """Checkpoints, tracks, KITTI flow, frames, WAVs and the models setting go through one atomic
    write (studio.core.paths.atomic_path): the user's umask, not mkstemp's 0600."""
    import numpy as np

    from nodes.encoders.record import write_wav
    from nodes.footage.tracking import write_kitti_flow
    from studio.core.paths import atomic_path
    from studio.core.values import Audio
    from studio.engine.sequence import write_frame
    old = os.umask(0o022)
    try:
        write_wav(str(tmp_path / "a.wav"), Audio(np.zeros((100, 1), np.float32), 8000))
        write_kitti_flow(str(tmp_path / "f.png"), np.zeros((4, 5, 2), np.float32))
        write_frame(str(tmp_path / "p.0001.png"), np.zeros((4, 5, 3), np.float32), None, "8")
        for f in ("a.wav", "f.png", "p.0001.png"):
            assert stat.S_IMODE(os.stat(tmp_path / f).st_mode) == 0o644, f
        assert sorted(os.listdir(tmp_path)) == ["a.wav", "f.png", "p.0001.png"]  # no temporaries left
    finally:
        os.umask(old)
    with pytest.raises(OSError, match="device"):
        with atomic_path("/dev/null") as tmp:
            open(tmp, "w").write("x")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
