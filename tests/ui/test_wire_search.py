"""Issue 48, item 8: ComfyUI's wiring habits on the real canvas. A wire dragged from an output
and released on empty canvas opens the node search there, listing only node types with an input
that takes it; the node chosen lands at the drop point, wired (one undo step). Ctrl+V pastes at
the mouse, not on top of the originals."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCursor

from studio.core.types import can_connect


def drag_wire(qtbot, win, nid: str, port: str, side: str, to: QPointF) -> None:
    cv = win.canvas
    vp = cv.view.viewport()
    a = cv.view.mapFromScene(cv.port_scene_center(nid, port, side))
    b = cv.view.mapFromScene(to)
    qtbot.mousePress(vp, Qt.LeftButton, pos=a)
    for k in range(1, 7):
        qtbot.mouseMove(vp, a + (b - a) * (k / 6))
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=b)


def _wire_searched(qtbot, win, node_type, pos, port, side, drop):
    """A ``node_type`` node added at ``pos``, a wire dragged from its ``port`` (``side``: 'in' or 'out')
    and dropped on empty canvas at ``drop``: (the node, the search that opened)."""
    node = win.doc.add_node(node_type, pos)
    win.canvas.fit_all()
    drag_wire(qtbot, win, node, port, side, drop)
    search = win.canvas.search
    assert search.isVisible()
    return node, search


def test_a_wire_dropped_on_empty_canvas_searches_what_fits_and_wires_it(qtbot, nodes_window):
    win = nodes_window
    src = win.doc.add_node("source.shapes", (0, 0))
    win.canvas.fit_all()
    drop = QPointF(420.0, 40.0)
    drag_wire(qtbot, win, src, "video", "out", drop)
    search = win.canvas.search
    assert search.isVisible()
    listed = [search.list.item(i).data(Qt.UserRole) for i in range(search.list.count())]
    specs = {s.id: s for s in win.doc.graph.registry.specs()}
    # only types with an input that takes Video, and every such type
    assert listed and all(any(can_connect("Video", p.type) for p in specs[t].inputs) for t in listed)
    fits = {t for t in search.specs if any(can_connect("Video", p.type) for p in t.inputs)}
    assert set(listed) == {s.id for s in fits}
    assert "io.save_video" in listed and "source.shapes" not in listed and "io.text" not in listed
    assert "Video" in search.field.placeholderText()

    search.field.setText("save video")
    qtbot.keyClick(search.field, Qt.Key_Return)
    assert not search.isVisible()
    new = [n for n in win.doc.graph.nodes if n != src]
    assert len(new) == 1 and win.doc.graph.nodes[new[0]].type_id == "io.save_video"
    assert [(l.src, l.src_port, l.dst, l.dst_port) for l in win.doc.graph.links] == \
        [(src, "video", new[0], "video")]
    x, y = win.doc.position(new[0])
    assert abs(x - drop.x()) < 2 and abs(y - drop.y()) < 2  # at the drop point
    win.undo_action.trigger()  # adding and wiring: one step
    assert list(win.doc.graph.nodes) == [src] and win.doc.graph.links == []

    # Escape adds nothing, and Tab afterwards is a plain search again (all types)
    drag_wire(qtbot, win, src, "video", "out", drop)
    assert search.isVisible()
    qtbot.keyClick(search.field, Qt.Key_Escape)
    assert not search.isVisible() and list(win.doc.graph.nodes) == [src]
    win.canvas.open_search()
    assert search.list.count() == len(search.specs)
    search.hide()


def test_a_wire_from_an_input_offers_what_gives_its_type(qtbot, nodes_window):
    win = nodes_window
    dst, search = _wire_searched(qtbot, win, "io.save_video", (400, 0), "video", "in", QPointF(80.0, 40.0))
    listed = [search.list.item(i).data(Qt.UserRole) for i in range(search.list.count())]
    assert "source.shapes" in listed and "io.text" not in listed and "audio.record" not in listed
    search.list.setCurrentRow(listed.index("source.shapes"))
    qtbot.keyClick(search.field, Qt.Key_Return)
    new = next(n for n in win.doc.graph.nodes if n != dst)
    assert [(l.src, l.dst, l.dst_port) for l in win.doc.graph.links] == [(new, dst, "video")]


def test_a_click_on_a_port_opens_no_search(qtbot, nodes_window):
    win = nodes_window
    src = win.doc.add_node("source.shapes", (0, 0))
    win.canvas.fit_all()
    p = win.canvas.port_scene_center(src, "video", "out")
    drag_wire(qtbot, win, src, "video", "out", p + QPointF(3, 0))
    assert not win.canvas.search.isVisible()


def test_paste_lands_at_the_mouse(qtbot, nodes_window):
    win = nodes_window
    cv = win.canvas
    a = win.doc.add_node("source.shapes", (0, 0))
    cv.fit_all()
    cv.select([a])
    assert cv.clipboard.copy()
    vp = cv.view.viewport()
    at = QPoint(vp.width() - 120, vp.height() - 80)
    QCursor.setPos(vp.mapToGlobal(at))
    qtbot.waitUntil(lambda: vp.mapFromGlobal(QCursor.pos()) == at, timeout=2000)
    cv.view.setFocus()
    qtbot.keyClick(cv.view, Qt.Key_V, Qt.ControlModifier)
    new = [n for n in win.doc.graph.nodes if n != a]
    assert len(new) == 1
    want = cv.view.mapToScene(at)
    x, y = win.doc.position(new[0])
    assert abs(x - want.x()) < 3 and abs(y - want.y()) < 3
    assert abs(x - 0) > 100 or abs(y - 0) > 100  # not on top of the original


def test_a_video_model_wire_offers_only_what_takes_a_video_model(qtbot, nodes_window):
    """Issue 61, item 11: a wire from Load Video Model listed Depth, Segment, Train Generator...
    (every node with a 'Model' input); a video model is its own type, so the search lists the
    generators, Video LoRA and Train Video LoRA, and no node of another kind of model."""
    win = nodes_window
    src, search = _wire_searched(qtbot, win, "video_models.load", (0, 0), "model", "out", QPointF(420.0, 40.0))
    listed = {search.list.item(i).data(Qt.UserRole) for i in range(search.list.count())}
    specs = {s.id: s for s in win.doc.graph.registry.specs()}
    assert {"video_models.text_to_video", "video_models.image_to_video", "video_models.lora",
            "video_models.wan_vace", "video_models.ltx2"} <= listed
    for t in listed:  # each has an input of exactly this type (or one taking anything: a viewer)
        assert any(p.type in ("Video Model", "Any") for p in specs[t].inputs), t
    others = {t for t, s in specs.items() if any(p.type == "Model" for p in s.inputs)}
    assert others and not listed & others  # Depth, Segment, Pose, Train Generator... not offered
    assert "Video Model" in search.field.placeholderText()
    search.field.setText("image to video")
    qtbot.keyClick(search.field, Qt.Key_Return)
    new = next(n for n in win.doc.graph.nodes if n != src)
    assert [(l.src, l.src_port, l.dst_port) for l in win.doc.graph.links] == [(src, "model", "model")]
    assert win.doc.graph.nodes[new].type_id == "video_models.image_to_video"
    assert not can_connect("Video Model", "Model") and not can_connect("Model", "Video Model")
