"""Typed model events per kind (studio.core.model_events), the views subscribed per kind, and the
timeline's in/out points edited through the document (undo, modified mark)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.core import model_events as me
from studio.core.graph import Graph
from studio.ui.document.document import Document


def test_the_graph_says_each_kind_of_change_on_its_own_emitter():
    g = Graph()
    params, nodes, every = [], [], []
    g.events.param_changed.connect(params.append)
    stop = g.events.node_added.connect(nodes.append)
    g.subscribe(lambda kind, payload: every.append(kind))
    n = g.add_node("source.shapes", {"frames": 3})
    g.set_param(n.id, "frames", 5)
    g.set_positions({n.id: [10, 20]})
    g.set_timeline(2, 4)
    assert nodes == [me.NodeAdded(n.id)]
    assert params == [me.ParamChanged(n.id, "frames", 5, 3)]
    assert every == ["node_added", "param_changed", "positions_changed", "timeline_changed"]
    stop()
    g.add_node("source.shapes", {})
    assert len(nodes) == 1 and g.timeline() == (2, 4)
    assert g.copy().events is not g.events  # a snapshot has no listeners


def test_document_events_stay_the_same_signals_when_the_graph_is_replaced(qtbot):
    doc = Document(Graph())
    seen = []
    doc.events.node_added.connect(lambda e: seen.append(("added", e.node_id)))
    doc.events.annotations_changed.connect(lambda e: seen.append(("notes", e.kind)))
    a = doc.add_node("source.shapes", (0, 0))
    old = doc.graph
    doc.set_graph(Graph())
    old.add_node("source.shapes", {})  # the old graph no longer reaches the views
    b = doc.add_node("source.shapes", (0, 0))
    doc.add_annotation("notes", {"text": "hi", "pos": [0, 0]})
    assert seen == [("added", a), ("added", b), ("notes", "notes")]


def test_in_out_points_are_an_undoable_edit_that_marks_the_file_modified(qtbot):
    doc = Document(Graph())
    seen = []
    doc.events.timeline_changed.connect(seen.append)
    assert not doc.dirty and doc.in_out() == (None, None)
    assert doc.set_in_out(3, 9) and doc.dirty
    assert doc.graph.ui["timeline"] == {"in": 3, "out": 9} and seen[-1] == me.TimelineChanged(3, 9)
    assert not doc.set_in_out(3, 9)  # unchanged: no undo step
    doc.undo_stack.undo()
    assert doc.in_out() == (None, None) and "timeline" not in doc.graph.ui and not doc.dirty
    doc.undo_stack.redo()
    assert doc.in_out() == (3, 9)


@pytest.fixture
def win(open_window, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    return open_window()


def test_the_timeline_sets_in_out_through_the_document(qtbot, win, tmp_path):
    pv = win.preview
    tl = pv.timeline
    src = win.doc.add_node("source.shapes", (0, 0), {"frames": 12, "width": 32, "height": 24, "sound": False})
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph([src])
    win.canvas.select([src])
    win.doc.undo_stack.setClean()
    assert not win.isWindowModified()
    tl.set_current(3)
    qtbot.keyClick(tl, Qt.Key_I)
    tl.set_current(8)
    qtbot.keyClick(tl, Qt.Key_O)
    assert win.doc.in_out() == (3, 9) and win.isWindowModified()
    assert win.doc.undo_stack.undoText() == "set in/out points"
    win.doc.undo_stack.undo()  # the out point goes back; the timeline shows it
    assert win.doc.in_out() == (3, None) and (tl.in_point, tl.out_point) == (3, None)
    qtbot.keyClick(tl, Qt.Key_X)
    assert win.doc.in_out() == (None, None) and pv.in_out() is None
