"""A deleted node's picture does not stay in the viewer (issue 61, item 13): deleting the node
whose output is shown empties the viewer, its timeline and its pin; a node selected next is shown;
deleting another node leaves the viewer alone."""
from __future__ import annotations


def run(qtbot, w):
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph()


def test_deleting_the_shown_node_clears_the_viewer_and_the_next_selection_shows(qtbot, open_window, tmp_path):
    w = open_window()
    a = w.doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    b = w.doc.add_node("source.shapes", (0, 300), {"frames": 6, "width": 40, "height": 24, "sound": False})
    out = w.doc.add_node("io.save_video", (300, 0), {"path": str(tmp_path / "out.mp4")})
    w.doc.connect(a, "video", out, "video")
    w.canvas.select([out])
    run(qtbot, w)
    area = w.preview
    assert area.node_id == out and area.value is not None
    qtbot.waitUntil(lambda: area.stack.image.image is not None, timeout=10_000)

    w.doc.remove_nodes([b])  # another node: the viewer keeps its picture
    assert area.node_id == out and area.value is not None and area.stack.image.image is not None

    area.set_pinned(True)
    w.canvas.select([out])
    w.canvas.delete_selected()
    assert out not in w.doc.graph.nodes
    assert area.node_id is None and area.value is None and area.clip is None and not area.pinned
    assert area.stack.image.image is None and area.timeline.n_frames == 0
    assert "deleted" in area.stack.image.placeholder

    w.canvas.select([a])  # what is selected next is shown
    qtbot.waitUntil(lambda: area.node_id == a and area.value is not None, timeout=10_000)
    assert area.timeline.n_frames == 4
