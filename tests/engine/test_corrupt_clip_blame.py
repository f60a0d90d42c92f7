"""A damaged video (issue 48, item 6): the clip's length is what decodes, the same everywhere, and
an error raised while a lazy clip is pulled names the node that made the clip (Load Video), not
the node that pulled it (Track Keypoints)."""
import os
import subprocess
import sys

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.fileformat import save_graph
from studio.core.graph import Graph
from studio.engine import events as ev
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, write_video
from studio.engine.run_state import RunState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _clip_file(tmp_path, name="good.mp4", n=48) -> str:
    rng = np.random.default_rng(0)
    path = str(tmp_path / name)
    write_video(path, ArrayClip(rng.random((n, 48, 64, 3)).astype(np.float32), 24.0))
    return path


def _truncated(tmp_path) -> str:
    data = open(_clip_file(tmp_path), "rb").read()
    path = str(tmp_path / "corrupt.mp4")
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])  # cut short: its last packet is broken
    return path


def _damaged_middle(tmp_path) -> str:
    data = bytearray(open(_clip_file(tmp_path), "rb").read())
    a = len(data) // 2
    data[a:a + 4000] = bytes(4000)  # frames in the middle no longer decode
    path = str(tmp_path / "damaged.mp4")
    with open(path, "wb") as f:
        f.write(bytes(data))
    return path


def _render(g: Graph, tmp_path) -> subprocess.CompletedProcess:
    gp = str(tmp_path / "g.json")
    save_graph(g, gp)
    return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "render", gp], capture_output=True,
                          text=True, cwd=str(tmp_path), env=dict(os.environ, PYTHONPATH=ROOT), timeout=240)


def test_truncated_file_is_as_long_as_what_decodes(tmp_path):
    clip = VideoFileClip(_truncated(tmp_path))
    assert clip.declared_frames == 48 and 0 < clip.n_frames < 48
    frames = [clip.frame(i) for i in range(clip.n_frames)]  # every frame it says it has decodes
    assert len(frames) == clip.n_frames and clip.frame(clip.n_frames - 1).shape == (48, 64, 3)
    assert np.array_equal(clip.frame(clip.n_frames - 1), frames[-1])  # read again after a seek


def test_render_of_truncated_file_says_its_length_once_and_writes_it(tmp_path):
    src = _truncated(tmp_path)
    n = VideoFileClip(src).n_frames
    g = Graph()
    load = g.add_node("io.load_video", {"path": src}, node_id="load")
    save = g.add_node("io.save_video", {"path": str(tmp_path / "out.mp4")}, node_id="save")
    g.connect(load.id, "video", save.id, "video")
    r = _render(g, tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"declares 48 frames but only {n} can be read" in r.stderr and "corrupt at" not in r.stderr
    from studio.engine.media import probe
    assert probe(str(tmp_path / "out.mp4"))["frames"] == n


def test_cli_error_while_pulling_names_the_node_that_made_the_clip(tmp_path):
    src = _damaged_middle(tmp_path)
    g = Graph()
    load = g.add_node("io.load_video", {"path": src}, node_id="load", title="Driving clip")
    track = g.add_node("motion.track_keypoints", {}, node_id="track")
    draw = g.add_node("motion.draw_tracks", {}, node_id="draw")
    save = g.add_node("io.save_video", {"path": str(tmp_path / "out.mp4")}, node_id="save")
    g.connect(load.id, "video", track.id, "video")
    g.connect(load.id, "video", draw.id, "video")
    g.connect(track.id, "keypoints", draw.id, "keypoints")
    g.connect(draw.id, "video", save.id, "video")
    r = _render(g, tmp_path)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: node 'Driving clip' (load) failed: video 'damaged.mp4' is corrupt at frame"), r.stderr
    assert "Track Keypoints" not in last


def test_run_state_marks_the_maker_failed_and_the_reader_not_run(tmp_path):
    g = Graph()
    load = g.add_node("io.load_video", {"path": _damaged_middle(tmp_path)}, title="Driving clip")
    track = g.add_node("motion.track_keypoints", {})
    g.connect(load.id, "video", track.id, "video")
    state = RunState(graph=lambda: g)
    state.begin([track.id])
    events = []
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(g, targets=[track.id], on_event=lambda x: (events.append(x), state.apply(x)))
    assert e.value.node_id == load.id and "corrupt at frame" in str(e.value)
    assert [x.node_id for x in events if isinstance(x, ev.NodeFailed)] == [load.id]
    assert state.nodes[load.id].state == "failed"
    assert state.nodes[track.id].state == "not_run" and "Driving clip" in state.nodes[track.id].badge[1]
