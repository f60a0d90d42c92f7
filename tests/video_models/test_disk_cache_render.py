"""A second render of a generator graph in a new process reads the generator's clip back from the
disk cache (issue 48, item 5): it says "cached (disk)", does not load the model again, and makes
the same frames; --no-cache and a fresh engine in this process behave as they should."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from studio.core.fileformat import save_graph
from studio.core.graph import Graph
from studio.engine.disk_cache import DiskCache
from studio.engine.events import NodeFinished, NodeSkipped
from studio.engine.executor import Executor

pytest.importorskip("diffusers")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _graph(wan_dir: str, out: str | None = None) -> Graph:
    g = Graph()
    g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 9, "width": 16, "height": 16, "steps": 2, "guidance": 1.0,
                                              "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    if out:
        g.add_node("io.save_video", {"path": out}, node_id="save")
        g.connect("gen", "video", "save", "video")
    g.settings["device"] = "cpu"
    return g


def _frames(path: str) -> np.ndarray:
    import av
    with av.open(path) as c:
        return np.stack([f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])])


def test_second_render_in_a_new_process_is_read_from_the_disk_cache(wan_dir, tmp_path, monkeypatch, capsys,
                                                                   render_on_one_thread):
    """The first render and the --no-cache one in this process (the CLI's own entry point: no
    second start-up of torch), the second in a new process: what it reads is on disk only."""
    gp = str(tmp_path / "g.json")
    save_graph(_graph(wan_dir, "out.mp4"), gp)
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_CACHE_DIR=str(tmp_path / "cache"), STUDIO_DISK_CACHE_GB="1")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    from studio.cli import main

    def here(*extra):
        capsys.readouterr()
        assert main(["render", gp, *extra]) == 0
        return capsys.readouterr().err, _frames(str(tmp_path / "out.mp4"))
    err1, first = here()
    assert "kept in the disk cache" in err1 and "cached (disk)" not in err1
    r = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "render", gp],
                       capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    err2, second = r.stderr, _frames(str(tmp_path / "out.mp4"))
    assert "Text to Video: cached (disk)" in err2
    assert "skipped Load Video Model: not needed" in err2 and "done Load Video Model" not in err2
    assert first.shape[0] == 9 and np.array_equal(first, second)
    err3, third = here("--no-cache")  # the same cache folder, not read
    assert "cached (disk)" not in err3 and "done Text to Video" in err3
    assert np.array_equal(first, third)


@pytest.mark.fresh_models
def test_a_fresh_engine_reads_the_same_frames_and_says_disk(wan_dir, tmp_path):
    dc = DiskCache(str(tmp_path / "cache"), 10 ** 9)
    first = Executor(disk_cache=dc).run(_graph(wan_dir), targets=["gen"]).value("gen")
    events = []
    r = Executor(disk_cache=dc).run(_graph(wan_dir), targets=["gen"], on_event=events.append)
    assert r.executed == [] and r.cached == ["gen"]
    done = [e for e in events if isinstance(e, NodeFinished)]
    assert [(e.node_id, e.cached_from) for e in done] == [("gen", "disk")]
    assert [e.node_id for e in events if isinstance(e, NodeSkipped)] == ["load"]
    assert np.array_equal(r.value("gen").chunk(0, 9), first.chunk(0, 9))
    # a frame range renders part of a clip: the disk cache is neither read nor written
    again = Executor(disk_cache=dc).run(_graph(wan_dir), targets=["gen"], frame_range=(0, 3))
    assert again.executed == ["load", "gen"]


def _entries(folder: str) -> set[str]:
    return {os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs if f.endswith(".safetensors")}


def test_a_damaged_or_foreign_entry_is_never_rendered_as_this_graphs_result(wan_dir, tmp_path, monkeypatch, capsys,
                                                                          render_on_one_thread):
    """`main.py render` (issue 54): another graph's entry copied under this graph's name, then bits
    flipped in the entry's frames (every 97th byte, 64 bytes): each render exits 0 with this
    graph's own frames (never the other graph's video, never damaged frames), the Log naming the
    node once for each, and the next render is served a good entry from the disk."""
    gp, other = str(tmp_path / "g.json"), str(tmp_path / "other.json")
    save_graph(_graph(wan_dir, "out.mp4"), gp)
    g = _graph(wan_dir, "other.mp4")
    g.set_param("gen", "seed", 7)
    save_graph(g, other)
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_DISK_CACHE_GB", "1")
    monkeypatch.chdir(tmp_path)
    from studio.cli import main

    def render(path, out="out.mp4"):
        capsys.readouterr()
        assert main(["render", path]) == 0
        return capsys.readouterr().err, _frames(str(tmp_path / out))
    _err, first = render(gp)
    [entry] = _entries(str(tmp_path / "cache" / "disk-cache"))  # not prompt-embeddings/ beside it
    _err, theirs = render(other, "other.mp4")
    [their_entry] = _entries(str(tmp_path / "cache" / "disk-cache")) - {entry}
    assert not np.array_equal(first, theirs)  # what a copied entry would have rendered
    shutil.copyfile(their_entry, entry)
    err, again = render(gp)
    notes = [ln for ln in err.splitlines() if "disk-cache entry" in ln]
    assert len(notes) == 1 and "[Text to Video]" in notes[0] and "another node's entry" in notes[0], err
    assert "runs again" in notes[0] and "done Text to Video" in err and np.array_equal(again, first)
    data = bytearray(open(entry, "rb").read())
    frames_at = len(data) - first.shape[0] * 16 * 16 * 3 * 4  # the clip's float32 frames, the last array
    for at in range(frames_at, len(data), 97)[:64]:
        data[at] ^= 0x10
    open(entry, "wb").write(bytes(data))
    err, again = render(gp)
    notes = [ln for ln in err.splitlines() if "disk-cache entry" in ln]
    assert len(notes) == 1 and "[Text to Video]" in notes[0] and "checksum" in notes[0], err
    assert "done Text to Video" in err and np.array_equal(again, first)
    err, again = render(gp)
    assert "Text to Video: cached (disk)" in err and "disk-cache entry" not in err and np.array_equal(again, first)
