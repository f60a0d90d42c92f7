"""The Run toolbar's Draft / Final toggle: a click sets 'quality' on every generator of the graph (Text to
Video, Image to Video, Wan VACE, LTX-2 ...) and on nothing else, as one undo step; undo puts back each
node's own setting; the toggle follows the graph."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar


def test_the_toolbar_toggle_sets_every_generator_and_undo_restores_it(qtbot, nodes_window):
    win = nodes_window
    doc = win.doc
    gens = [doc.add_node(t, (i * 200, 0)) for i, t in enumerate(
        ("video_models.text_to_video", "video_models.image_to_video", "video_models.wan_vace", "video_models.ltx2"))]
    load = doc.add_node("video_models.load", (0, 200))
    doc.set_param(gens[1], "quality", "draft")  # one already in draft: undo must give it back as it was
    toggle = win.quality_toggle
    bar = win.findChild(QToolBar, "toolbar-run")
    assert toggle in bar.findChildren(type(toggle)) and toggle.isEnabled()
    assert not toggle.isChecked() and toggle.text() == "Final"
    before = doc.undo_stack.count()

    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert [doc.graph.nodes[g].params["quality"] for g in gens] == ["draft"] * 4
    assert "quality" not in doc.graph.nodes[load].params
    assert doc.undo_stack.count() == before + 1 and doc.undo_stack.undoText() == "Draft on every generator"
    assert toggle.isChecked() and toggle.text() == "Draft"

    doc.undo_stack.undo()
    assert [doc.graph.nodes[g].params["quality"] for g in gens] == ["final", "draft", "final", "final"]
    assert not toggle.isChecked() and toggle.text() == "Final"
    doc.undo_stack.redo()
    assert toggle.isChecked()

    qtbot.mouseClick(toggle, Qt.LeftButton)  # back to final: every one
    assert [doc.graph.nodes[g].params["quality"] for g in gens] == ["final"] * 4
    doc.remove_nodes(gens)
    assert not toggle.isEnabled()  # no generator left


def test_the_toggle_follows_a_graph_opened_in_draft(qtbot, nodes_window):
    from studio.core.graph import Graph
    g = Graph()
    for i in range(2):
        g.add_node("video_models.text_to_video", {"quality": "draft"}, node_id=f"gen{i}")
    nodes_window.doc.set_graph(g)
    assert nodes_window.quality_toggle.isChecked() and nodes_window.quality_toggle.text() == "Draft"
    nodes_window.doc.set_param("gen1", "quality", "final")  # one generator back to final: the toggle says final
    assert not nodes_window.quality_toggle.isChecked()


def test_a_node_whose_quality_means_something_else_is_left_alone(qtbot, nodes_window):
    """Seen under Xvfb on the move-along-tracks template: Track Keypoints' 'quality' (a corner threshold)
    was taken for a generator, the click raised 'expected a number, got draft' and nothing changed."""
    win = nodes_window
    doc = win.doc
    track = doc.add_node("motion.track_keypoints", (0, 0))
    gen = doc.add_node("video_models.image_to_video", (200, 0))
    toggle = win.quality_toggle
    toggle.sync()
    assert [g.id for g in toggle.generators()] == [gen]
    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert doc.graph.nodes[gen].params["quality"] == "draft" and toggle.text() == "Draft"
    assert doc.graph.nodes[track].params["quality"] == 0.01  # its corner threshold as it was
