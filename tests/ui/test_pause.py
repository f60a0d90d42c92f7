"""Run > Pause: the run stops keeping its finished steps, every model is unloaded (its memory given
back), and Run resumes from the kept steps with the frames an uninterrupted run makes (issue 60 item 3)."""
from __future__ import annotations

import time

import numpy as np
import pytest

from studio.engine.executor import Executor

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def wan_dir(tiny):
    """The session's tiny Wan T2V (built once a worker, shared with the video-model tests; read only)."""
    return tiny("wan-t2v")


def _build(doc, model_dir):
    load = doc.add_node("video_models.load")
    doc.set_param(load, "model", model_dir)
    gen = doc.add_node("video_models.text_to_video")
    for k, v in {"frames": 9, "width": 16, "height": 16, "steps": 6, "guidance": 2.0, "previews": False,
                 "preview_size": "off"}.items():
        doc.set_param(gen, k, v)
    doc.connect(load, "model", gen, "model")
    return load, gen


def test_pause_unloads_the_models_and_run_resumes_from_the_kept_steps(qtbot, open_window, wan_dir, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    win = open_window()
    load, gen = _build(win.doc, wan_dir)
    import os

    import torch
    threads = torch.get_num_threads()  # an earlier test may have left fewer: on an AVX-512 CPU the count changes
    torch.set_num_threads(os.cpu_count() or 1)  # the sums; the window runs a pretrained model on every core
    try:  # (device.threads_for_run), so the uninterrupted run here does too
        whole = Executor().run(win.doc.graph, targets=[gen], device="cpu", use_cache=False).value(gen).frames
    finally:
        torch.set_num_threads(threads)
    tr = Executor().run(win.doc.graph, targets=[load], device="cpu").value(load)  # the class's forward is slowed
    cls = type(tr.pipeline("t2v").transformer)
    orig = cls.forward

    def slow(self, *a, **k):
        time.sleep(0.12)  # a step long enough to press Pause in
        return orig(self, *a, **k)
    monkeypatch.setattr(cls, "forward", slow)
    win.device_combo.setCurrentText("cpu")
    assert not win.pause_action.isEnabled()
    assert win.runs.run_graph()
    assert win.pause_action.isEnabled()
    qtbot.waitUntil(lambda: "2/6" in win.canvas.badges.status_text(gen), timeout=60000)
    with qtbot.waitSignal(win.run_finished, timeout=30000):
        win.pause_action.trigger()
    log = win.log_view.toPlainText()
    assert "paused: 1 model(s) unloaded" in log and "Run (F5) loads them again and resumes" in log
    assert len(win.runner.executor.models) == 0
    assert "steps are kept for a re-run" in log
    assert not win.pause_action.isEnabled()
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        win.run_action.trigger()
    assert "resumed from step" in win.log_view.toPlainText()
    made = win.runs.outputs[gen]["video"].frames if hasattr(win.runs.outputs[gen]["video"], "frames") \
        else np.asarray(win.runs.outputs[gen]["video"].read(0, 9))
    assert np.array_equal(np.asarray(made), whole)
