"""Issue 116, item 6: Ctrl+C during ``main.py render`` keeps the finished steps as the window's Stop does, and the
next render resumes from them and says so (it sampled from step 1 and said nothing of a resume)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

import pytest

from studio.core.fileformat import save_graph

from .test_disk_cache_render import ROOT, _frames, _graph

pytest.importorskip("diffusers")
STEPS = 8


def test_ctrl_c_keeps_the_steps_and_the_next_render_resumes_from_them(wan_dir, tmp_path, monkeypatch, capsys,
                                                                     render_on_one_thread):
    g = _graph(wan_dir, "out.mp4")
    g.nodes["gen"].params["steps"] = STEPS
    gp = str(tmp_path / "g.json")
    save_graph(g, gp)
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_CACHE_DIR=str(tmp_path / "cache"), STUDIO_DISK_CACHE_GB="0",
               OMP_NUM_THREADS="1")
    p = subprocess.Popen([sys.executable, os.path.join(ROOT, "main.py"), "render", gp], stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, cwd=str(tmp_path), env=env)
    err, sent = [], threading.Event()

    def read():  # the progress bar's "k/40": Ctrl+C once a step is made
        for chunk in iter(lambda: p.stderr.read1(4096), b""):
            err.append(chunk.decode(errors="replace"))
            if not sent.is_set() and re.search(rf"\b[1-9]\d*/{STEPS}\b", "".join(err)):
                sent.set()
                p.send_signal(signal.SIGINT)
    reader = threading.Thread(target=read)
    reader.start()
    try:
        rc = p.wait(timeout=300)
    finally:
        if p.poll() is None:
            p.kill()
        reader.join(10)
    said = "".join(err)
    assert sent.is_set(), said
    assert rc == 130, said
    assert "the finished steps are kept" in said and "Traceback" not in said
    assert os.listdir(tmp_path / "cache" / "kept-steps")  # written for the next render
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    from studio.cli import main
    capsys.readouterr()
    assert main(["render", gp]) == 0
    again = capsys.readouterr().err
    m = re.search(rf"resumed from step (\d+) of {STEPS}", again)
    assert m and int(m.group(1)) >= 2, again
    assert _frames(str(tmp_path / "out.mp4")).shape[0] == 9
