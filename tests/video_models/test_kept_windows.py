"""A long clip made in windows loses nothing to a Stop: finished windows are kept until the clip
is made, and a re-run with nothing changed samples only the rest, making the same clip."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.errors import Cancelled
from studio.core.graph import Graph
from studio.engine.context import CancelToken
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

from nodes.video_models.resume import kept_windows

pytest.importorskip("diffusers")


def _graph(wan_dir, **p):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
    params = {"frames": 13, "window": 5, "overlap": 1, "width": 16, "height": 16, "steps": 2, "guidance": 1.0,
              "long_take": "separate shots",
              "previews": False, "preview_size": "off"}
    params.update(p)
    g.add_node("video_models.text_to_video", params, node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g


def _kept():
    try:
        return [n for n in os.listdir(kept_windows.folder()) if n.endswith(".safetensors")]
    except OSError:
        return []


def test_a_stopped_long_clip_resumes_from_its_last_finished_window(wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = _graph(wan_dir)
    ex = Executor()
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert whole.shape[0] == 13 and _kept() == []  # made: nothing left behind
    tr = ex.run(g, targets=["load"], device="cpu").value("load").module.transformer
    calls, tok = [], CancelToken()

    def count(_m, _a):
        calls.append(1)
        if len(calls) == 5:  # windows 1 and 2 made (2 steps each), Stop pressed in window 3
            tok.cancel()
    h = tr.register_forward_pre_hook(count)
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok)
        assert len(_kept()) == 2, _kept()
        calls.clear()
        ev = []
        again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    finally:
        h.remove()
    assert len(calls) == 2  # only window 3 sampled
    assert np.array_equal(again, whole)  # the clip an uninterrupted run makes
    assert _kept() == []
    said = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any(t.startswith("2 windows of 3 came from an earlier run that did not finish") for t in said), said


def test_a_changed_setting_samples_every_window_again(wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ex = Executor()
    tr = ex.run(_graph(wan_dir), targets=["load"], device="cpu").value("load").module.transformer
    tok, calls = CancelToken(), []
    def count(_m, _a):
        calls.append(1)
        if len(calls) == 3:  # window 1 made, Stop pressed in window 2
            tok.cancel()
    h = tr.register_forward_pre_hook(count)
    try:
        with pytest.raises(Cancelled):
            ex.run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False, cancel=tok)
        assert len(_kept()) == 1
        calls.clear()
        ex.run(_graph(wan_dir, seed=7), targets=["gen"], device="cpu", use_cache=False)
    finally:
        h.remove()
    assert len(calls) == 6  # another seed: three windows sampled, the kept one not used
    assert len(_kept()) == 1  # and left for the run it belongs to (pruned by age and size)


def test_prune_keeps_the_newest_within_the_bytes(tmp_path):
    for k, size in enumerate((100, 100, 100)):
        p = tmp_path / f"w{k}.safetensors"
        p.write_bytes(b"x" * size)
        os.utime(p, (1000 + k, 1000 + k))
    kept_windows.prune(str(tmp_path), max_bytes=250, max_age_s=10 ** 12)
    assert sorted(os.listdir(tmp_path)) == ["w1.safetensors", "w2.safetensors"]


def _mapped(a) -> bool:
    import mmap
    while a is not None:
        if isinstance(a, (np.memmap, mmap.mmap)):
            return True
        a = getattr(a, "base", None)
    return False


def test_a_long_clip_is_made_in_a_file_not_in_memory(wan_dir, tmp_path, monkeypatch):
    """Past clip.SPILL_BYTES (1 GB; 0 here) the windows blend into a memory-mapped file in the cache,
    already unlinked: the same frames, said, and nothing left in the folder."""
    from studio.engine import clip as clipmod
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = _graph(wan_dir)
    ex = Executor()
    in_memory = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert not _mapped(in_memory)
    monkeypatch.setattr(clipmod, "SPILL_BYTES", 0)
    ev = []
    on_disk = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    assert _mapped(on_disk) and np.array_equal(on_disk, in_memory)
    said = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert any("the clip's 13 frames" in t and "kept in a file in" in t for t in said), said
    assert os.listdir(os.path.join(str(tmp_path), "clips")) == []  # unlinked: goes with the clip

    def full(fd, offset, length):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "posix_fallocate", full)
    ev = []
    held = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    assert not _mapped(held) and np.array_equal(held, in_memory)  # made anyway, in memory
    warned = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == "gen" and e.level == "warning"]
    assert any("held in memory: no room for it" in t and "No space left" in t for t in warned), warned


def test_a_spilled_buffer_takes_no_memory_of_its_size(tmp_path, monkeypatch):
    import tracemalloc

    from studio.engine.clip import frames_buffer
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    shape = (160, 480, 832, 3)  # 767 MB of float32
    tracemalloc.start()
    try:
        buf, where = frames_buffer(shape, spill_bytes=0)
        buf[::7] = 0.25
        buf[-1] = 1.0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert where == os.path.join(str(tmp_path), "clips") and isinstance(buf, np.memmap)
    assert peak < 64 * 1024 ** 2, peak  # far below the buffer's 767 MB
    assert buf[7, 100, 100, 0] == 0.25 and buf[-1].min() == 1.0
    small, where = frames_buffer((2, 8, 8, 3))
    assert where is None and not isinstance(small, np.memmap)


@pytest.mark.parametrize("error", ["safetensors", "other"])
def test_a_window_that_cannot_be_kept_is_warned_once_and_the_clip_goes_on(wan_dir, tmp_path, monkeypatch, error):
    """Issue 43 (1): a full cache disk makes safetensors raise SafetensorError ("Error while
    serializing: I/O error: No space left on device"), not OSError; any failure of the write only
    loses the resume: one warning naming the node, the clip made, no partial file left."""
    import safetensors
    import safetensors.numpy
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    tries = []

    def full(tensors, filename, metadata=None):
        tries.append(filename)
        with open(filename, "wb") as f:
            f.write(b"partial")  # what a full disk leaves
        if error == "safetensors":
            raise safetensors.SafetensorError("Error while serializing: I/O error: No space left on device (os error 28)")
        raise RuntimeError("the writer failed")
    monkeypatch.setattr(safetensors.numpy, "save_file", full)
    ev = []
    frames = Executor().run(_graph(wan_dir), targets=["gen"], device="cpu", use_cache=False,
                            on_event=ev.append).value("gen").frames
    assert frames.shape[0] == 13 and np.isfinite(frames).all()
    warned = [e for e in ev if isinstance(e, NodeMessage) and e.level == "warning"]
    assert len(warned) == 1 and warned[0].node_id == "gen", [e.text for e in warned]
    assert "could not be kept" in warned[0].text and "cannot be resumed" in warned[0].text
    assert ("No space left on device" in warned[0].text) == (error == "safetensors")
    assert len(tries) == 1  # tried once, not again for every window
    assert os.listdir(kept_windows.folder()) == []  # no partial file behind
