"""Issue 116's walk: a node whose run failed, then edited, no longer shows that run's failure (of the settings it had)
under it; a node downstream keeps what its run said."""
from __future__ import annotations


def test_an_edited_node_drops_its_runs_failure_and_downstream_keeps_its_word(qtbot, nodes_window):
    w = nodes_window
    a = w.doc.add_node("io.load_image", (0, 0))
    b = w.doc.add_node("io.save_video", (300, 0))
    badges = w.canvas.badges
    badges.set_failed(a, "image file not found: /nowhere/start.png")
    badges.set_not_run(b, "not run: 'Load Image' failed")
    assert "not found" in badges.status_text(a)
    w.doc.set_param(a, "path", "/elsewhere/start.png")
    assert "/nowhere" not in badges.status_text(a) and not badges.state(a).get("error")
    assert "not run" in badges.status_text(b)
