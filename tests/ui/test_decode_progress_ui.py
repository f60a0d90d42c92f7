"""Issue 61 item 2 in the window: while a model's VAE decodes, the node's badge and the status bar
say the frames decoded ("decoding 40 / 121 frames"), the Log says once that the decode began, and
the passing counts stay out of the Log."""
from __future__ import annotations

import threading

import numpy as np

from studio.core.registry import default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.engine.clip import ArrayClip

from nodes.video_models.takes import decode_progress

GATE = threading.Event()


class _Decoding(Node):
    """Says the decode as the sampler does (decode_progress), then waits for the test."""
    id = "test.ui_decoding"
    timing = SOURCE
    outputs = (Out("video", "Video"),)

    def run(self, ctx):
        decode_progress.started(ctx, 121)
        decode_progress.said(ctx, 41, 121)
        GATE.wait(20)
        return ArrayClip(np.zeros((2, 4, 4, 3), np.float32), 8.0)


if _Decoding.id not in default_registry():
    default_registry().register(_Decoding)


def test_the_decode_is_said_on_the_node_and_in_the_status_bar_while_it_runs(qtbot, open_window):
    GATE.clear()
    win = open_window()
    node = win.doc.add_node(_Decoding.id)
    assert win.runs.run_graph([node])
    try:
        qtbot.waitUntil(lambda: "decoding 41 / 121 frames" in win.canvas.badges.status_text(node), timeout=15000)
        assert "decoding 41 / 121 frames" in win.node_label.text()  # the status bar
    finally:
        GATE.set()
    with qtbot.waitSignal(win.run_finished, timeout=15000):
        pass
    log = win.log_view.toPlainText()
    assert log.count("decoding 121 frames with the VAE…") == 1 and "41 / 121" not in log


def test_the_viewers_live_caption_says_the_decode_not_the_last_step(qtbot, open_window):
    """Seen under Xvfb (issue 61): the viewer said 'live: step 8 / 8' all through the decode."""
    from studio.engine import events as ev
    win = open_window()
    node = win.doc.add_node(_Decoding.id)
    win.runs.state.begin([node])
    win.runs.on_engine_event(ev.NodeProgress(node, 8, 8, preview=np.full((16, 16, 3), 0.5, np.float32)))
    img = win.preview.stack.image
    assert img.caption.startswith("live: ") and "8" in img.caption
    win.runs.on_engine_event(ev.NodeNote(node, "decoding 13 / 25 frames", logged=False))
    assert img.caption == "live: decoding 13 / 25 frames"
    win.runs.on_engine_event(ev.NodeNote("other", "decoding 1 / 2 frames", logged=False))
    assert img.caption == "live: decoding 13 / 25 frames"  # another node's note leaves it
