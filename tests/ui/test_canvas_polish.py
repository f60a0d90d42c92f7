"""Canvas polish, driven as an artist would: backdrops and notes (create, drag, resize, rename,
delete: each undoable, saved and reopened identically), the right-click menu (on empty canvas,
a node, a wire, a backdrop), dropping a node onto a wire to insert it, closing without
warnings, and the 'no audio device' note reaching the status bar and the log once."""
from __future__ import annotations

import json
import warnings

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

from studio.core.fileformat import graph_to_dict
from studio.core.library import list_presets
from studio.ui.window.main_window import MainWindow

from .widgets import viewport_pos


pytestmark = pytest.mark.usefixtures("data_dir")  # presets go here


@pytest.fixture
def registry(nodes_registry):  # tests/ui/conftest.py: the built-in and nodes/ registry, made once
    return nodes_registry


@pytest.fixture
def win(open_window, registry):
    return open_window(registry)


# -- acting as a user -----------------------------------------------------------------------
def drag(qtbot, win, a: QPointF, b: QPointF, steps: int = 6) -> None:
    vp = win.canvas.view.viewport()
    pa, pb = viewport_pos(win, a), viewport_pos(win, b)
    qtbot.mousePress(vp, Qt.LeftButton, pos=pa)
    for k in range(1, steps + 1):
        qtbot.mouseMove(vp, pa + (pb - pa) * (k / steps))
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=pb)


def right_click(qtbot, win, scene_pt: QPointF) -> QMenu:
    """A right click as the window system delivers it: the press and release, then the
    context-menu event Qt synthesises from them (QTest sends mouse events straight to the
    widget, so it never makes that one itself). Returns the menu that popped up."""
    vp = win.canvas.view.viewport()
    p = viewport_pos(win, scene_pt)
    assert vp.rect().contains(p), "off screen: a user could not click there"
    qtbot.mousePress(vp, Qt.RightButton, pos=p)
    qtbot.mouseRelease(vp, Qt.RightButton, pos=p)
    win.canvas.last_menu = None
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Mouse, p, vp.mapToGlobal(p)))
    menu = win.canvas.last_menu
    assert menu is not None and menu.isVisible()  # shown with popup(): nothing blocks
    return menu


def action(menu: QMenu, path: str):
    """The action at 'Sub > Sub > Text' in a menu."""
    *subs, text = [t.strip() for t in path.split(">")]
    m = menu
    for sub in subs:
        m = next(a.menu() for a in m.actions() if a.menu() is not None and a.text() == sub)
    found = [a for a in m.actions() if a.text() == text]
    assert found, f"no '{text}' in {[a.text() for a in m.actions()]}"
    return found[0]


def texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if a.text()]


def press(qtbot, win, key, mods=Qt.NoModifier) -> None:
    win.activateWindow()
    win.canvas.view.setFocus()
    qtbot.keyClick(win.canvas.view, key, mods)


def chain(win, sound=False):
    d = win.doc
    a = d.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": sound})
    b = d.add_node("transform.color", (300, 0))
    c = d.add_node("io.preview", (600, 0))
    d.connect(a, "video", b, "video")
    d.connect(b, "video", c, "value")
    d.undo_stack.clear()
    d.undo_stack.setClean()
    win.canvas.fit_all()
    return a, b, c


def scene_at(win, x: int, y: int) -> QPointF:
    """The scene point under viewport pixel (x, y)."""
    return win.canvas.view.mapToScene(QPoint(x, y))


def header_point(win, kind: str, i: int) -> QPointF:
    bd = win.canvas.annotations.view(kind)[i]
    win.canvas.node_graph.center_on([bd])  # on screen, where a user can click it
    r = bd.view.sceneBoundingRect()
    return QPointF(r.left() + 60, r.top() + 12)


def reopen(qtbot, tmp_path, registry, path) -> MainWindow:
    w = MainWindow(settings=QSettings(str(tmp_path / "s2.ini"), QSettings.IniFormat),
                   data_dir=str(tmp_path / "d2"), registry=registry)
    qtbot.addWidget(w)
    assert w.files.open_path(path, ask=False)
    return w


# -- 1. backdrops and notes -----------------------------------------------------------------
def test_backdrop_create_drag_resize_rename_delete_undo_and_reopen(qtbot, win, tmp_path, registry):
    a, b, c = chain(win)
    cv, doc = win.canvas, win.doc
    cv.select([a, b])
    press(qtbot, win, Qt.Key_G, Qt.ControlModifier)  # Ctrl+G: a backdrop around the selection
    bds = doc.annotations("backdrops")
    assert len(bds) == 1 and bds[0]["title"] == "Backdrop"
    item = cv.annotations.view("backdrops")[0].view
    for n in (a, b):  # it frames the nodes
        assert item.sceneBoundingRect().contains(cv.view_node(n).view.sceneBoundingRect())
    assert not item.sceneBoundingRect().contains(cv.view_node(c).view.sceneBoundingRect())
    assert win.isWindowModified()
    win.undo_action.trigger()
    assert doc.annotations("backdrops") == [] and cv.annotations.view("backdrops") == []
    assert "backdrops" not in doc.graph.ui and not win.isWindowModified()
    win.redo_action.trigger()
    assert doc.annotations("backdrops") == bds and len(cv.annotations.view("backdrops")) == 1

    # drag it by its header: the nodes on it come along, one undo step for all
    count = doc.undo_stack.count()
    pa, pb = doc.position(a), doc.position(b)
    start = header_point(win, "backdrops", 0)
    drag(qtbot, win, start, start + QPointF(120, 80))
    moved = doc.annotations("backdrops")[0]
    dx, dy = moved["pos"][0] - bds[0]["pos"][0], moved["pos"][1] - bds[0]["pos"][1]
    assert dx > 60 and dy > 40
    assert doc.position(a) == pytest.approx([pa[0] + dx, pa[1] + dy])
    assert doc.position(b) == pytest.approx([pb[0] + dx, pb[1] + dy])
    assert doc.position(c) == [600.0, 0.0]
    assert doc.undo_stack.count() == count + 1
    win.undo_action.trigger()
    assert doc.annotations("backdrops") == bds and doc.position(a) == pa and doc.position(b) == pb
    item = cv.annotations.view("backdrops")[0].view
    assert [item.xy_pos[0], item.xy_pos[1]] == pytest.approx(bds[0]["pos"])

    # resize with the corner handle
    r = item.sceneBoundingRect()
    corner = QPointF(r.right() - 6, r.bottom() - 6)
    drag(qtbot, win, corner, corner + QPointF(90, 50))
    resized = doc.annotations("backdrops")[0]
    assert resized["size"][0] == pytest.approx(bds[0]["size"][0] + 90, abs=3)
    assert resized["size"][1] == pytest.approx(bds[0]["size"][1] + 50, abs=3)
    assert resized["pos"] == bds[0]["pos"] and doc.position(a) == pa  # nothing else moved
    assert item.width == pytest.approx(resized["size"][0])
    win.undo_action.trigger()
    assert doc.annotations("backdrops") == bds and item.width == pytest.approx(bds[0]["size"][0])
    win.redo_action.trigger()

    # rename: double-click the header
    cv.ask_text = lambda title, label, default="", multiline=False: "Footage"
    vp = cv.view.viewport()
    at = viewport_pos(win, header_point(win, "backdrops", 0))
    qtbot.mouseClick(vp, Qt.LeftButton, pos=at)
    qtbot.mouseDClick(vp, Qt.LeftButton, pos=at)
    qtbot.waitUntil(lambda: doc.annotations("backdrops")[0]["title"] == "Footage", timeout=2000)
    assert cv.annotations.view("backdrops")[0].view.label == "Footage"
    path = str(tmp_path / "bd.json")
    assert win.files.save_to(path)
    saved = json.load(open(path, encoding="utf-8"))["ui"]["backdrops"]
    assert saved == doc.annotations("backdrops") and saved[0]["title"] == "Footage"

    # reopen: identical model, same place and size on the canvas
    w2 = reopen(qtbot, tmp_path, registry, path)
    assert graph_to_dict(w2.doc.graph) == graph_to_dict(doc.graph)
    v2 = w2.canvas.annotations.view("backdrops")[0].view
    assert [v2.xy_pos[0], v2.xy_pos[1], v2.width, v2.height, v2.label] == pytest.approx(
        [*saved[0]["pos"], *saved[0]["size"], "Footage"])
    w2.close()

    # delete from its right-click menu: the backdrop goes, its nodes stay
    menu = right_click(qtbot, win, header_point(win, "backdrops", 0))
    assert texts(menu) == ["Rename Backdrop…", "Fit to Nodes", "Delete Backdrop"]
    action(menu, "Delete Backdrop").trigger()
    assert doc.annotations("backdrops") == [] and cv.annotations.view("backdrops") == []
    assert set(doc.graph.nodes) == {a, b, c} and win.isWindowModified()
    win.undo_action.trigger()
    assert doc.annotations("backdrops")[0]["title"] == "Footage" and not win.isWindowModified()


def test_notes_move_alone_edit_add_delete_and_reopen_identically(qtbot, win, tmp_path, registry):
    a, b, c = chain(win)
    note = {"text": "Demo: shapes, graded.\nKnobs: saturation", "pos": [0, -150]}
    win.doc.graph.ui["notes"] = [dict(note)]
    path = str(tmp_path / "n.json")
    win.files.save_to(path)
    assert win.files.open_path(path, ask=False)
    cv, doc = win.canvas, win.doc
    assert len(cv.annotations.view("notes")) == 1
    item = cv.annotations.view("notes")[0].view
    assert "Knobs: saturation" in item.label and item.kind == "notes"
    # an untouched note is saved exactly as it was read (no size added, ints kept)
    win.files.save_to(path)
    assert json.load(open(path, encoding="utf-8"))["ui"]["notes"] == [note]

    # drag the note: only the note moves (a backdrop would carry the nodes under it)
    pa = doc.position(a)
    r = item.sceneBoundingRect()
    drag(qtbot, win, QPointF(r.left() + 30, r.top() + 10), QPointF(r.left() + 30 + 100, r.top() + 10 - 40))
    moved = doc.annotations("notes")[0]
    assert moved["pos"][0] == pytest.approx(100, abs=2) and moved["pos"][1] == pytest.approx(-190, abs=2)
    assert doc.position(a) == pa and win.isWindowModified()
    win.undo_action.trigger()
    assert doc.annotations("notes") == [note]

    # edit its text by double-click (a multi-line text), undoable
    asked = []
    cv.ask_text = lambda title, label, default="", multiline=False: (asked.append((default, multiline))
                                                                     or "Line 1\nLine 2")
    at = viewport_pos(win, item.sceneBoundingRect().center())
    qtbot.mouseClick(cv.view.viewport(), Qt.LeftButton, pos=at)
    qtbot.mouseDClick(cv.view.viewport(), Qt.LeftButton, pos=at)
    qtbot.waitUntil(lambda: doc.annotations("notes")[0]["text"] == "Line 1\nLine 2", timeout=2000)
    assert asked == [(note["text"], True)]
    assert cv.annotations.view("notes")[0].view.label == "Line 1\nLine 2"
    win.undo_action.trigger()
    assert doc.annotations("notes")[0]["text"] == note["text"]
    win.redo_action.trigger()

    # add a second note from the empty-canvas menu, at the cursor
    spot = scene_at(win, 250, 450)
    menu = right_click(qtbot, win, spot)
    action(menu, "Add Note").trigger()
    notes = doc.annotations("notes")
    assert len(notes) == 2 and notes[1]["pos"] == pytest.approx([spot.x(), spot.y()], abs=1.5)
    assert not menu.isVisible()  # the menu closed itself
    # select it by a click and press Delete
    v = cv.annotations.view("notes")[1].view
    qtbot.mouseClick(cv.view.viewport(), Qt.LeftButton, pos=viewport_pos(win, v.sceneBoundingRect().center()))
    assert cv.annotations.selected() == [("notes", 1)]
    press(qtbot, win, Qt.Key_Delete)
    assert len(doc.annotations("notes")) == 1 and set(doc.graph.nodes) == {a, b, c}
    win.undo_action.trigger()
    assert len(doc.annotations("notes")) == 2

    assert win.files.save_to(path)
    w2 = reopen(qtbot, tmp_path, registry, path)
    assert w2.doc.annotations("notes") == doc.annotations("notes")
    assert [n.view.label for n in w2.canvas.annotations.view("notes")] == ["Line 1\nLine 2", "Note"]
    w2.close()


# -- 2. the right-click menu ----------------------------------------------------------------
def test_menu_on_empty_canvas_adds_a_node_at_the_cursor_and_pastes_there(qtbot, win):
    cv, doc = win.canvas, win.doc
    spot = scene_at(win, 150, 120)
    menu = right_click(qtbot, win, spot)
    assert {"Add Node…", "Add", "Paste", "Add Backdrop", "Add Note"} <= set(texts(menu))
    # browse: Add > Transform > Resize lands where the menu was opened
    action(menu, "Add > Transform > Resize").trigger()
    (nid,) = doc.graph.nodes
    assert doc.graph.nodes[nid].type_id == "transform.resize"
    assert doc.position(nid) == pytest.approx([spot.x(), spot.y()], abs=1.5)
    assert cv.selected_ids() == [nid]
    # search: Add Node… opens the search field at the cursor; typing and Enter adds the match
    spot2 = scene_at(win, 60, 300)
    menu = right_click(qtbot, win, spot2)
    action(menu, "Add Node…").trigger()
    assert cv.search.isVisible()
    qtbot.keyClicks(cv.search.field, "colour adjust")
    qtbot.keyClick(cv.search.field, Qt.Key_Return)
    new = [n for n in doc.graph.nodes if n != nid]
    assert len(new) == 1 and doc.graph.nodes[new[0]].type_id == "transform.color"
    assert doc.position(new[0]) == pytest.approx([spot2.x(), spot2.y()], abs=1.5)
    # copy both, paste at another spot: the copy's top-left corner is the cursor
    cv.select([nid, new[0]])
    assert cv.clipboard.copy()
    spot3 = scene_at(win, 300, 420)
    menu = right_click(qtbot, win, spot3)
    assert action(menu, "Paste").isEnabled()
    action(menu, "Paste").trigger()
    pasted = [n for n in doc.graph.nodes if n not in (nid, new[0])]
    assert len(pasted) == 2
    xs = [doc.position(n)[0] for n in pasted]
    ys = [doc.position(n)[1] for n in pasted]
    assert (min(xs), min(ys)) == pytest.approx((spot3.x(), spot3.y()), abs=1.5)
    win.undo_action.trigger()  # one step
    assert set(doc.graph.nodes) == {nid, new[0]}


def test_menu_on_a_node_mute_bypass_duplicate_delete_presets_group(qtbot, win):
    a, b, c = chain(win)
    cv, doc = win.canvas, win.doc
    cv.select([c])
    centre = cv.view_node(b).view.sceneBoundingRect().center()
    menu = right_click(qtbot, win, centre)
    assert cv.selected_ids() == [b]  # a right click on an unselected node selects it
    assert {"Run to Here", "Mute", "Bypass", "Duplicate", "Delete", "Group Selection…", "Presets"} <= set(texts(menu))
    assert "Ungroup" not in texts(menu)
    action(menu, "Mute").trigger()
    assert doc.graph.nodes[b].mode == "mute" and cv.view_node(b).disabled()
    menu = right_click(qtbot, win, centre)
    assert action(menu, "Mute").isChecked()
    action(menu, "Bypass").trigger()
    assert doc.graph.nodes[b].mode == "bypass" and "bypassed" in cv.status_text(b)
    win.undo_action.trigger()
    win.undo_action.trigger()
    assert doc.graph.nodes[b].mode == "normal"

    # presets: save from the menu, change, apply from the menu (one undo step)
    doc.set_param(b, "saturation", 0.3)
    cv.ask_text = lambda *a, **k: "grey"
    action(right_click(qtbot, win, centre), "Presets > Save Preset…").trigger()
    assert list_presets("transform.color")["grey"]["saturation"] == pytest.approx(0.3)
    doc.set_param(b, "saturation", 1.0)
    menu = right_click(qtbot, win, centre)
    presets = next(x.menu() for x in menu.actions() if x.text() == "Presets")
    assert texts(presets) == ["grey", "Save Preset…"]
    n = doc.undo_stack.count()
    action(menu, "Presets > grey").trigger()
    assert doc.graph.nodes[b].params["saturation"] == pytest.approx(0.3) and doc.undo_stack.count() == n + 1
    assert "applied preset 'grey'" in win.log_view.toPlainText()

    # duplicate, then delete the copy, from the menu
    action(right_click(qtbot, win, centre), "Duplicate").trigger()
    (dup,) = [i for i in doc.graph.nodes if i not in (a, b, c)]
    assert doc.graph.nodes[dup].type_id == "transform.color" and cv.selected_ids() == [dup]
    action(right_click(qtbot, win, cv.view_node(dup).view.sceneBoundingRect().center()), "Delete").trigger()
    assert dup not in doc.graph.nodes and cv.view_node(dup) is None

    # group the selection (the dialog is accepted as is), then ungroup from the group's menu
    cv.select([a, b])
    win.run_dialog = lambda dlg: True
    menu = right_click(qtbot, win, cv.view_node(a).view.sceneBoundingRect().center())
    assert sorted(cv.selected_ids()) == sorted([a, b])  # a right click inside the selection keeps it
    assert action(menu, "Mute (2 nodes)")
    action(menu, "Group Selection…").trigger()
    (gid,) = [i for i in doc.graph.nodes if doc.graph.nodes[i].subgraph is not None]
    assert set(doc.graph.nodes) == {gid, c}
    menu = right_click(qtbot, win, cv.view_node(gid).view.sceneBoundingRect().center())
    assert {"Edit Group…", "Ungroup", "Save Group to Library…"} <= set(texts(menu)) and "Presets" not in texts(menu)
    action(menu, "Ungroup").trigger()
    assert len(doc.graph.nodes) == 3 and all(n.subgraph is None for n in doc.graph.nodes.values())


def test_menu_run_to_here_runs_only_what_the_node_needs_and_shows_it(qtbot, win):
    a, b, c = chain(win)
    cv = win.canvas
    menu = right_click(qtbot, win, cv.view_node(b).view.sceneBoundingRect().center())
    with qtbot.waitSignal(win.run_finished, timeout=20000) as blocker:
        action(menu, "Run to Here").trigger()
    result, error = blocker.args
    assert error is None and set(result.executed) == {a, b}  # not the preview after it
    assert cv.status_text(b) and not cv.status_text(c)
    if win.preview is not None:
        assert win.preview.node_id == b


def test_menu_on_a_wire_deletes_it(qtbot, win):
    a, b, c = chain(win)
    cv, doc = win.canvas, win.doc
    p1 = cv.port_scene_center(b, "video", "out")
    p2 = cv.port_scene_center(c, "value", "in")
    mid = (p1 + p2) / 2
    menu = right_click(qtbot, win, mid)
    assert texts(menu) == ["Delete Link"]
    action(menu, "Delete Link").trigger()
    assert [tuple(l) for l in doc.graph.links] == [(a, "video", b, "video")]
    assert cv.port_item(c, "value", "in").connected_pipes == []
    win.undo_action.trigger()
    assert len(doc.graph.links) == 2 and len(cv.port_item(c, "value", "in").connected_pipes) == 1


# -- 3. drop a node onto a wire -------------------------------------------------------------
def test_dropping_a_free_node_on_a_wire_inserts_it_in_one_undo_step(qtbot, win):
    a, b, c = chain(win)
    cv, doc = win.canvas, win.doc
    r = doc.add_node("transform.resize", (300, 400))
    t = doc.add_node("io.text", (700, 400))
    doc.undo_stack.clear()
    wire_mid = (cv.port_scene_center(b, "video", "out") + cv.port_scene_center(c, "value", "in")) / 2

    # a text node cannot sit on a video wire: a plain move
    tv = cv.view_node(t).view
    grab = QPointF(tv.sceneBoundingRect().center().x(), tv.sceneBoundingRect().top() + 8)
    drag(qtbot, win, grab, wire_mid + (grab - tv.sceneBoundingRect().center()))
    assert len(doc.graph.links) == 2 and doc.position(t) != [700.0, 400.0]
    win.undo_action.trigger()
    assert doc.position(t) == [700.0, 400.0]

    # a resize node has a video input and output: dropped on the wire, it is inserted
    rv = cv.view_node(r).view
    centre = rv.sceneBoundingRect().center()
    grab = QPointF(centre.x(), rv.sceneBoundingRect().top() + 8)
    vp = cv.view.viewport()
    target = wire_mid + (grab - centre)
    pa, pb = viewport_pos(win, grab), viewport_pos(win, target)
    qtbot.mousePress(vp, Qt.LeftButton, pos=pa)
    for k in range(1, 7):
        qtbot.mouseMove(vp, pa + (pb - pa) * (k / 6))
    # while dragging, the wire it would take is highlighted
    pipe = cv.port_item(c, "value", "in").connected_pipes[0]
    assert pipe.isSelected() and cv.view.COLLIDING_state
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=pb)
    assert {tuple(l) for l in doc.graph.links} == {(a, "video", b, "video"), (b, "video", r, "video"),
                                                   (r, "video", c, "value")}
    assert cv.view_node(c).inputs()["value"].connected_ports()[0].node() is cv.view_node(r)
    assert doc.position(r) != [300.0, 400.0]
    assert doc.undo_stack.count() == 1  # move + rewire: one step
    assert "inserted" in win.log_view.toPlainText()
    win.undo_action.trigger()
    assert {tuple(l) for l in doc.graph.links} == {(a, "video", b, "video"), (b, "video", c, "value")}
    assert doc.position(r) == [300.0, 400.0]
    assert cv.view_node(c).inputs()["value"].connected_ports()[0].node() is cv.view_node(b)
    win.redo_action.trigger()
    assert len(doc.graph.links) == 3

    # a node that already has links is only moved (nothing else gets rewired)
    a2 = doc.add_node("transform.resize", (0, 500))
    doc.connect(a, "video", a2, "video")
    links = set(doc.graph.links)
    av = cv.view_node(a2).view
    centre = av.sceneBoundingRect().center()
    wire = (cv.port_scene_center(a, "video", "out") + cv.port_scene_center(b, "video", "in")) / 2
    drag(qtbot, win, QPointF(centre.x(), av.sceneBoundingRect().top() + 8),
         wire + QPointF(0, av.sceneBoundingRect().top() + 8 - centre.y()))
    assert set(doc.graph.links) == links and doc.position(a2) != [0.0, 500.0]


def test_dropping_a_palette_entry_on_a_wire_inserts_the_new_node(qtbot, win):
    a, b, c = chain(win)
    cv, doc = win.canvas, win.doc
    wire = (cv.port_scene_center(a, "video", "out") + cv.port_scene_center(b, "video", "in")) / 2
    mime = win.palette.tree.mimeData([win.palette.items["transform.resize"]])
    send_drop(cv.view.viewport(), mime, viewport_pos(win, wire))
    (r,) = [n for n in doc.graph.nodes if n not in (a, b, c)]
    assert {tuple(l) for l in doc.graph.links} == {(a, "video", r, "video"), (r, "video", b, "video"),
                                                   (b, "video", c, "value")}
    assert doc.undo_stack.count() == 1
    win.undo_action.trigger()
    assert set(doc.graph.nodes) == {a, b, c} and (a, "video", b, "video") in doc.graph.links
    # dropped on empty canvas, it is only added
    send_drop(cv.view.viewport(), mime, QPoint(250, 480))
    assert len(doc.graph.nodes) == 4 and len(doc.graph.links) == 2


def send_drop(widget, mime, pos: QPoint) -> None:
    for cls in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(widget, cls(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


# -- 4 and 5: closing, and the audio device note -----------------------------------------------
def test_closing_twice_warns_nothing(qtbot, registry, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "c.ini"), QSettings.IniFormat),
                   data_dir=str(tmp_path / "c"), registry=registry)
    qtbot.addWidget(w)
    w.show()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w.close()
        w.close()
    assert not [x for x in caught if "disconnect" in str(x.message)], [str(x.message) for x in caught]
    assert w.doc.receivers("2replaced()") == 0  # the views no longer follow the document


def test_no_audio_device_reaches_the_status_bar_and_the_log_once(qtbot, win):
    if win.preview is None:
        pytest.skip("the preview area is not available")
    a, b, c = chain(win, sound=True)
    with qtbot.waitSignal(win.run_finished, timeout=20000):
        win.runs.run_graph()
    win.canvas.select([a])  # a clip with sound in the viewer
    qtbot.waitUntil(lambda: win.preview.node_id == a, timeout=2000)
    for _ in range(2):  # play, stop, play: said once
        qtbot.mouseClick(win.preview.play_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: "no audio device" in win.statusBar().currentMessage().lower(), timeout=3000)
        qtbot.mouseClick(win.preview.play_button, Qt.LeftButton)
    assert win.log_view.toPlainText().lower().count("no audio device") == 1
    win.preview.player.stop()
