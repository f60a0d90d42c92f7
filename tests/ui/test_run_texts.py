"""Issue 35, items 7 and 8: the Training dock and the viewer say a run's step the same way, fit
their texts, stop saying "running…" after Stop, open a validation sample in the viewer; a run's
warning is in the status bar once, briefly."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from studio.engine import events as ev

SAMPLE = np.linspace(0, 1, 24 * 96 * 3, dtype=np.float32).reshape(24, 96, 3)  # a filmstrip


def progress(nid, step, preview=None, **values):
    return ev.NodeProgress(nid, step, 20000, None, preview, None, values or {"loss": 1.0 / step},
                           unit="step", budget_end=1105)


def test_viewer_and_dock_say_the_step_alike_and_stop_saying_running(qtbot, open_window):
    w = open_window()
    panel = w.training  # made now (at start-up it waits for the engine to load)
    send = w.runs.on_engine_event
    w.preview.show_value("train", "Train Video LoRA", np.zeros((8, 8, 3), np.float32), "old")
    send(ev.RunStarted(["train"], "cpu"))
    send(ev.NodeStarted("train", "Train Video LoRA"))
    send(progress("train", 250, SAMPLE))
    img = w.preview.stack.image
    assert img.caption == "live: step 250 / 20,000 · budget ends near 1,105"
    assert w.preview.title_label.summary == "running…"
    panel.flush()
    assert panel.step_label.text() == "step 250 / 20,000 · budget ends near 1,105"  # the same words
    send(ev.RunFinished(3.0, False, cancelled=True))
    assert img.caption.startswith("stopped: step 250")
    assert "running" not in w.preview.title_label.summary and "stopped" in w.preview.title_label.summary


def test_dock_texts_fit_and_a_sample_opens_in_the_viewer(qtbot, open_window):
    w = open_window()
    w.resize(1024, 700)
    panel = w.training
    send = w.runs.on_engine_event
    send(ev.RunStarted(["lora"], "cpu"))
    send(ev.NodeStarted("lora", "Train Video LoRA"))
    many = {f"part_{i}": 0.1 * i for i in range(14)}  # audio_image reports many loss parts
    send(progress("lora", 722, SAMPLE, **many))
    w.show_training_dock()
    qtbot.waitUntil(lambda: panel.isVisible())
    panel.redraw()
    # the title gives way with "…" before the step label, never runs into it
    assert panel.title_label.title == "Train Video LoRA"
    assert panel.title_label.geometry().right() < panel.step_label.geometry().left()
    assert panel.step_label.text().startswith("step 722 / 20,000")
    # the values: at most two lines in the label's width, the rest in the tooltip
    lab = panel.values_label
    assert lab.heightForWidth(lab.width()) <= lab.height(), (lab.text(), lab.width())
    assert lab.text().endswith("…") and "part_13" not in lab.text()
    assert "part_13" in lab.toolTip()
    # the validation sample (a ~110x20 px strip in the dock) opens in the viewer at full size
    qtbot.mouseClick(panel.preview_label, Qt.LeftButton)
    assert w.preview.node_id == "lora" and w.preview.value.shape == SAMPLE.shape
    assert "sample at step 722" in w.preview.title_label.title


def test_a_warning_is_said_once_and_briefly(qtbot, open_window):
    w = open_window()
    long = "about 9 min on the CPU: lower width/height/frames or use a GPU (42 s a step, 12 steps)"
    send = w.runs.on_engine_event
    send(ev.RunStarted(["svd"], "cpu"))
    send(ev.NodeStarted("svd", "Image to Video"))
    send(ev.NodeNote("svd", long, "warning"))
    send(ev.NodeMessage("svd", "Image to Video", long, "warning"))
    send(ev.NodeFinished("svd", 1.0, False, {}))
    send(ev.RunFinished(1.0, True, executed=["svd"], warnings=[f"Image to Video: {long}"] * 2))
    verdict = w.runs.run_label.text().strip()
    assert verdict.startswith("⚠ run finished with 1 warning in") and verdict.endswith("…")
    assert long not in verdict and long in w.runs.run_label.toolTip()  # in full on hover, and in the Log
    assert long not in w.statusBar().currentMessage()
    assert w.log_view.toPlainText().count(f"Image to Video: {long}") == 2  # the message, and the summary
