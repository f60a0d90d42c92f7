"""What the window says during a pretrained-model run: the model's state (loading, in memory) under
the loader and in the status bar, the CPU time estimate under the sampler, the frames made, and
"stopping…" from Stop until the run has really ended."""
from __future__ import annotations

import time

import numpy as np

from studio.core.registry import default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.engine import events as ev
from studio.engine.clip import ArrayClip


class _Stubborn(Node):
    """Checks for cancel only every 0.7 s (a long step of a model): Stop takes that long to land."""
    id = "test.ui_stubborn"
    timing = SOURCE
    outputs = (Out("video", "Video"),)

    def run(self, ctx):
        for _ in range(100):
            time.sleep(0.7)
            ctx.check_cancelled()
        return ArrayClip(np.zeros((2, 4, 4, 3), np.float32), 8.0)


if _Stubborn.id not in default_registry():
    default_registry().register(_Stubborn)


def test_stop_says_stopping_until_the_run_has_ended(qtbot, open_window):
    win = open_window()
    slow = win.doc.add_node(_Stubborn.id)
    assert win.runs.run_graph([slow])
    qtbot.waitUntil(lambda: "running: " in win.node_label.text(), timeout=10000)
    win.runs.stop()
    assert "stopping…" in win.runs.run_label.text() and "stopping…" in win.node_label.text()
    win.update_status()  # the status timer's refresh keeps saying it while the node has not returned
    assert "stopping…" in win.node_label.text()
    with qtbot.waitSignal(win.run_finished, timeout=5000):
        pass
    assert "stopped after" in win.runs.run_label.text() and win.node_label.text() == ""


def test_model_state_estimate_and_frames_on_the_nodes_and_in_the_status_bar(qtbot, open_window):
    win = open_window()
    load = win.doc.add_node("video_models.load")
    gen = win.doc.add_node("video_models.image_to_video")
    send = win.runs.on_engine_event
    send(ev.RunStarted([load, gen], "cpu"))
    send(ev.NodeStarted(load, "Load Video Model"))
    send(ev.ModelStatus(load, "loading", "Load Video Model", "cuda", 4 << 30))
    assert "loading the model on cuda…" in win.canvas.badges.status_text(load)
    assert "Load Video Model — loading the model on cuda…" in win.node_label.text()
    send(ev.ModelStatus(load, "loaded", "Load Video Model", "cuda", 4 << 30))
    send(ev.NodeFinished(load, 2.0, False, {}))
    assert "model in memory on cuda · 4.0 GB" in win.canvas.badges.status_text(load)
    send(ev.NodeStarted(gen, "Image to Video"))
    send(ev.NodeNote(gen, "about 40 min on the CPU: lower width/height/frames or use a GPU", "warning"))
    send(ev.NodeProgress(gen, 1, 25))
    text = win.canvas.badges.status_text(gen)
    assert text.startswith("1/25 · about 40 min on the CPU")
    assert "about 40 min on the CPU" in win.node_label.text()
    clip = ArrayClip(np.zeros((14, 8, 8, 3), np.float32), 7.0)
    send(ev.NodeFinished(gen, 3.0, False, {"video": clip}))
    assert "14 frames" in win.canvas.badges.status_text(gen)
    send(ev.RunFinished(5.0, True, executed=[load, gen]))
    # the next run: the model is not loaded again, and the loader says so
    send(ev.RunStarted([load, gen], "cpu"))
    send(ev.NodeFinished(load, 0.0, True, {}))
    send(ev.ModelStatus(load, "in memory", "Load Video Model", "cuda", 4 << 30))
    assert win.canvas.badges.status_text(load) == "model in memory on cuda · 4.0 GB"
    assert "model in memory" in win.statusBar().currentMessage()
