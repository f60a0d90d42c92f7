"""Issue 48, item 11: while a new run makes the node the viewer shows again, its last clip is
marked stale in the viewer and the timeline (dimmed and hatched, "stale — running" in the
header) until the new result arrives; a live step preview is headed "running…", never "stopped";
a run that only reuses the node's result marks nothing. Driven through the window's run state
with the engine's own events (a run's timing cannot race the asserts)."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from studio.engine import events as ev
from studio.engine.clip import ArrayClip


def brightness(widget) -> float:
    img = widget.grab().toImage().convertToFormat(QImage.Format_RGBA8888)
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return float(a.mean())


def clip(n: int, value: float) -> ArrayClip:
    return ArrayClip(np.full((n, 36, 64, 3), value, np.float32), 24.0)


def first_run(qtbot, w, nid, signature="s1", n=48):
    send = w.runs.on_engine_event
    send(ev.RunStarted([nid], "cpu", {nid: signature}))
    send(ev.NodeStarted(nid, "Shapes"))
    send(ev.NodeFinished(nid, 1.0, False, {"video": clip(n, 0.9)}))
    send(ev.RunFinished(1.0, True))
    area = w.preview
    qtbot.waitUntil(lambda: area.stack.image.image is not None, timeout=5000)
    return area


def test_the_old_clip_is_stale_until_the_new_result_arrives(qtbot, open_window):
    w = open_window()
    nid = w.doc.add_node("source.shapes", (0, 0))
    w.canvas.select([nid])
    area = first_run(qtbot, w, nid)
    img, tl = area.stack.image, area.timeline
    assert area.node_id == nid and tl.n_frames == 48 and not area.stale
    assert "48 frames" in area.title_label.summary
    bright_img, bright_tl = brightness(img), brightness(tl)

    send = w.runs.on_engine_event
    send(ev.RunStarted([nid], "cpu", {nid: "s2"}))  # the settings changed: another signature
    assert area.stale and area.title_label.summary == "stale — running"
    assert img.stale and tl.stale
    assert brightness(img) < 0.8 * bright_img and brightness(tl) < bright_tl  # dimmed and hatched
    assert tl.n_frames == 48  # the old clip is still there to look at, marked

    send(ev.NodeStarted(nid, "Shapes"))
    send(ev.NodeProgress(nid, 3, 30))  # a step without a preview: the old clip is still what shows
    assert area.title_label.summary == "stale — running" and img.stale
    send(ev.NodeProgress(nid, 22, 30, None, np.full((36, 64, 3), 0.5, np.float32)))
    assert area.title_label.summary == "running…" and img.caption.startswith("live: step 22 / 30")
    assert img.stale == "" and tl.stale  # the preview is this run's; the timeline still the last run's

    send(ev.NodeFinished(nid, 1.0, False, {"video": clip(8, 0.2)}))
    assert not area.stale and img.stale == "" and tl.stale == ""
    assert tl.n_frames == 8 and "8 frames" in area.title_label.summary
    send(ev.RunFinished(1.0, True))
    assert "stale" not in area.title_label.summary


def test_a_stopped_run_keeps_the_mark_and_never_says_stopped_over_a_new_live_preview(qtbot, open_window):
    w = open_window()
    nid = w.doc.add_node("source.shapes", (0, 0))
    w.canvas.select([nid])
    area = first_run(qtbot, w, nid)
    send = w.runs.on_engine_event
    send(ev.RunStarted([nid], "cpu", {nid: "s2"}))
    send(ev.NodeStarted(nid, "Shapes"))
    w.runs.state.stop()
    send(ev.RunFinished(2.0, False, cancelled=True))
    assert area.stale and area.timeline.stale == "stale"
    assert area.title_label.summary.startswith("stale — the run stopped")

    # a run stopped over its live preview says so; the next run's preview is headed "running…"
    for sig in ("s3", "s4"):
        send(ev.RunStarted([nid], "cpu", {nid: sig}))
        assert area.title_label.summary == "stale — running"
        send(ev.NodeStarted(nid, "Shapes"))
        send(ev.NodeProgress(nid, 22, 30, None, np.zeros((36, 64, 3), np.float32)))
        assert area.title_label.summary == "running…"
        assert "stopped" not in area.title_label.text() and "stopped" not in area.stack.image.caption
        w.runs.state.stop()
        send(ev.RunFinished(2.0, False, cancelled=True))
        assert area.title_label.summary == "stopped: showing its last live preview"
        assert area.stack.image.caption.startswith("stopped: step 22") and area.timeline.stale == "stale"


def test_a_run_that_reuses_the_result_marks_nothing(qtbot, open_window):
    w = open_window()
    nid = w.doc.add_node("source.shapes", (0, 0))
    other = w.doc.add_node("source.shapes", (0, 300))
    w.canvas.select([nid])
    area = first_run(qtbot, w, nid)
    send = w.runs.on_engine_event
    send(ev.RunStarted([nid, other], "cpu", {nid: "s1", other: "t1"}))  # same signature: cached
    assert not area.stale and area.timeline.stale == "" and "stale" not in area.title_label.summary
    send(ev.RunFinished(1.0, True))
    send(ev.RunStarted([other], "cpu", {other: "t2"}))  # the shown node is not in the run
    assert not area.stale
