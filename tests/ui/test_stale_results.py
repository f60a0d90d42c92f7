"""Issue 35, item 2: after a failed run, no view keeps the failed node's old result. Load Video
pointed at a missing (refused before the run) or corrupt (fails while running) file, F5: the
viewer no longer shows the old frames, the timeline has no thumbnails of them, and the status bar
no longer says "wrote out.mp4" beside the new error."""
from __future__ import annotations

import pytest


def run(qtbot, w):
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph()


@pytest.mark.parametrize("bad", ["missing", "corrupt"])
def test_a_failed_load_clears_the_viewer_timeline_and_wrote_link(qtbot, open_window, tmp_path, bad):
    w = open_window()
    # a real clip to load: 6 frames of shapes written by the app itself
    made = w.doc.add_node("source.shapes", (0, 0), {"frames": 6, "width": 32, "height": 24, "sound": False})
    keep = w.doc.add_node("io.save_video", (300, 0), {"path": str(tmp_path / "in.mp4")})
    w.doc.connect(made, "video", keep, "video")
    run(qtbot, w)
    assert (tmp_path / "in.mp4").exists()
    w.doc.remove_nodes([made, keep])

    src = w.doc.add_node("io.load_video", (0, 300), {"path": str(tmp_path / "in.mp4")})
    out = w.doc.add_node("io.save_video", (300, 300), {"path": str(tmp_path / "out.mp4")})
    w.doc.connect(src, "video", out, "video")
    w.canvas.select([out])
    run(qtbot, w)
    area = w.preview
    assert area.node_id == out and area.timeline.n_frames == 6 and area.value is not None
    qtbot.waitUntil(lambda: area.stack.image.image is not None, timeout=10_000)  # the old frames, shown
    assert "out.mp4" in w.runs.output_link.text()

    if bad == "corrupt":
        (tmp_path / "broken.mp4").write_bytes(b"not a video at all")
        w.doc.set_param(src, "path", str(tmp_path / "broken.mp4"))
    else:
        w.doc.set_param(src, "path", str(tmp_path / "missing.mp4"))
    run(qtbot, w)

    assert w.runs.run_label.text().strip().startswith("✗")
    assert w.runs.state.nodes[src].state == "failed" and w.canvas.status_text(src).startswith("⚠")  # red
    # the viewer: no old frames, no old timeline (thumbnails come from the clip shown), says why
    assert area.value is None and area.clip is None
    assert area.timeline.n_frames == 0
    assert area.stack.image.image is None and area.stack.image.raw is None
    assert "last run failed" in area.title_label.summary and "failed" in area.stack.image.placeholder
    # the results are gone from the run state: selecting the node again shows nothing old
    assert src not in w.runs.outputs and out not in w.runs.outputs
    assert not w.runs.show_result(out)
    # the status bar: the error, not "wrote out.mp4" from the run before
    assert "out.mp4" not in w.runs.output_link.text()
