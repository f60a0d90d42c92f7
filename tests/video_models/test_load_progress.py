"""Issue 116, item 4: while a model loads, its node (and a queued job's row) says "loading <model> (k of n files)"
instead of sitting at "running 0 %" (loading/load_progress.py counts the weight files this process has read)."""
from __future__ import annotations

import mmap
import re

import pytest

from nodes.video_models.loading.load_progress import LoadProgress, open_now, weight_files
from studio.engine.events import NodeNote

from .graphs import model_graph


@pytest.mark.skipif(open_now() is None, reason="the system does not say which files a process has open")
def test_files_read_are_counted_once_opened_or_mapped_and_stay_counted(tmp_path):
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    a.write_bytes(b"x" * 4096)
    b.write_bytes(b"y" * 4096)
    prog = LoadProgress("Wan 2.1", weight_files(str(tmp_path)))
    assert prog.look() == "loading Wan 2.1 (0 of 2 files)" and prog.look() is None  # said once
    with open(a, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ):
        assert prog.look() == "loading Wan 2.1 (1 of 2 files)"
    assert prog.look() is None  # closed again: still read


def test_a_model_load_says_its_files(wan_dir):
    from studio.engine.executor import Executor
    g = model_graph(wan_dir, "video_models.text_to_video", {"prompt": "a fox"})
    ev = []
    Executor().run(g, targets=["load"], device="cpu", use_cache=False, on_event=ev.append)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "load" and e.text.startswith("loading ")]
    n = len(weight_files(wan_dir))
    assert notes and all(re.fullmatch(rf"loading .+ \(\d+ of {n} files\)", t) for t in notes), notes
    assert not any(e.logged for e in ev if isinstance(e, NodeNote) and e.text.startswith("loading "))
