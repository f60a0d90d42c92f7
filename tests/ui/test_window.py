"""The studio window, driven as a user would: palette, Tab search, mouse wiring, the properties
panel, undo/redo, runs on a QThread, stop, save/reopen, autosave recovery, dropping files."""
from __future__ import annotations

import json
import os
import time

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.core import builtin_nodes
from studio.core.errors import Cancelled
from studio.core.fileformat import graph_to_dict, load_graph
from studio.core.params import Int
from studio.core.registry import Registry
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.ui.canvas.items import ERROR_BORDER
from studio.ui.window.main_window import MainWindow

from .widgets import viewport_pos


class SlowNode(Node):
    """Counts for a long time, checking for cancellation at every step."""
    id = "test.slow"
    title = "Slow"
    category = "Test"
    timing = SOURCE
    outputs = (Out("value", "Number"),)
    params = (Int("steps", 2000, min=1, max=100000),)

    def run(self, ctx, **_):
        for i in range(ctx.params.steps):
            ctx.progress(i + 1, ctx.params.steps)
            time.sleep(0.005)
        return ctx.params.steps


class FailNode(Node):
    id = "test.fail"
    title = "Fail"
    category = "Test"
    timing = CLIP
    inputs = (In("value", "Any", optional=True),)
    outputs = (Out("value", "Number"),)

    def run(self, ctx, value=None):
        raise ValueError("the model file is missing")


@pytest.fixture(scope="module")
def registry():
    r = Registry()
    r.register_module(builtin_nodes)
    r.discover("nodes")
    r.register(SlowNode)
    r.register(FailNode)
    return r


@pytest.fixture
def win(open_window, registry):
    return open_window(registry)


def drag(qtbot, win, a: QPointF, b: QPointF) -> None:
    vp = win.canvas.view.viewport()
    pa, pb = viewport_pos(win, a), viewport_pos(win, b)
    qtbot.mousePress(vp, Qt.LeftButton, pos=pa)
    for k in range(1, 6):
        qtbot.mouseMove(vp, pa + (pb - pa) * (k / 5))
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=pb)


def small_graph(win):
    doc = win.doc
    a = doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    b = doc.add_node("transform.color", (260, 0))
    c = doc.add_node("io.preview", (520, 0))
    doc.connect(a, "video", b, "video")
    doc.connect(b, "video", c, "value")
    return a, b, c


def send_drop(widget, mime: QMimeData, pos: QPoint) -> None:
    for cls in (QDragEnterEvent, QDragMoveEvent):
        e = cls(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
        QApplication.sendEvent(widget, e)
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


# ---------------------------------------------------------------------------------------------
def test_palette_enter_adds_the_node_whose_title_the_search_names(qtbot, win):
    """Typing a node's name and Enter adds that node, ranked as the Tab search ranks: "Scale" listed other
    categories' nodes first (their help mentions scaling) and Enter added the first of them, Flow to Control."""
    win.palette.search.setText("Scale")
    assert win.palette.visible_types()[0] != "transform.scale"  # the tree lists by category
    qtbot.keyClick(win.palette.search, Qt.Key_Return)
    assert [n.type_id for n in win.doc.graph.nodes.values()] == ["transform.scale"]


def test_palette_search_and_drop_adds_node_undo_redo(qtbot, win):
    win.palette.search.setText("resize")
    vis = win.palette.visible_types()
    assert "transform.resize" in vis and "source.shapes" not in vis
    item = win.palette.items["transform.resize"]
    mime = win.palette.tree.mimeData([item])
    vp = win.canvas.view.viewport()
    send_drop(vp, mime, QPoint(300, 200))
    assert [n.type_id for n in win.doc.graph.nodes.values()] == ["transform.resize"]
    nid = next(iter(win.doc.graph.nodes))
    assert win.canvas.view_node(nid) is not None
    pos = win.doc.position(nid)
    expect = win.canvas.view.mapToScene(QPoint(300, 200))
    assert abs(pos[0] - expect.x()) <= 1 and abs(pos[1] - expect.y()) <= 1
    assert win.isWindowModified()
    win.undo_action.trigger()
    assert not win.doc.graph.nodes and win.canvas.view_node(nid) is None
    win.redo_action.trigger()
    assert nid in win.doc.graph.nodes and win.canvas.view_node(nid) is not None


def test_tab_search_adds_node_at_cursor(qtbot, win):
    viewer = win.canvas.view
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key_Tab)
    popup = win.canvas.search
    assert popup.isVisible()
    qtbot.keyClicks(popup.field, "colour adjust")
    assert popup.list.currentItem().data(Qt.UserRole) == "transform.color"
    qtbot.keyClick(popup.field, Qt.Key_Return)
    assert not popup.isVisible()
    assert [n.type_id for n in win.doc.graph.nodes.values()] == ["transform.color"]
    win.undo_action.trigger()
    assert not win.doc.graph.nodes
    win.redo_action.trigger()
    assert [n.type_id for n in win.doc.graph.nodes.values()] == ["transform.color"]


def test_mouse_drag_connects_and_refuses_incompatible(qtbot, win):
    doc = win.doc
    a = doc.add_node("source.shapes", (0, 0))
    r = doc.add_node("transform.resize", (320, 0))
    t = doc.add_node("io.text", (0, 260))
    doc.undo_stack.clear()
    cv = win.canvas
    drag(qtbot, win, cv.port_scene_center(a, "video", "out"), cv.port_scene_center(r, "video", "in"))
    assert doc.graph.links == [(a, "video", r, "video")]
    assert cv.view_node(r).inputs()["video"].connected_ports()[0].node() is cv.view_node(a)
    # Text into a Video input: refused while dragging, nothing changes
    drag(qtbot, win, cv.port_scene_center(t, "text", "out"), cv.port_scene_center(r, "video", "in"))
    assert doc.graph.links == [(a, "video", r, "video")]
    assert len(cv.port_item(r, "video", "in").connected_pipes) == 1
    assert doc.undo_stack.count() == 1
    win.undo_action.trigger()
    assert doc.graph.links == []
    assert cv.view_node(r).inputs()["video"].connected_ports() == []
    win.redo_action.trigger()
    assert doc.graph.links == [(a, "video", r, "video")]
    # drag the wire's end off into empty space: disconnects, undoably
    drag(qtbot, win, cv.port_scene_center(r, "video", "in"), QPointF(200, 500))
    assert doc.graph.links == []
    win.undo_action.trigger()
    assert doc.graph.links == [(a, "video", r, "video")]


def test_move_node_by_mouse_is_undoable(qtbot, win):
    nid = win.doc.add_node("transform.resize", (0, 0))
    win.doc.undo_stack.clear()
    ng = win.canvas.view_node(nid)
    start = ng.view.sceneBoundingRect().center()
    drag(qtbot, win, QPointF(start.x(), ng.view.sceneBoundingRect().top() + 8), QPointF(start.x() + 150, start.y() + 60))
    new = win.doc.position(nid)
    assert new[0] > 100 and new[1] > 30
    assert ng.pos() == pytest.approx(new)
    win.undo_action.trigger()
    assert win.doc.position(nid) == [0.0, 0.0]
    assert ng.pos() == pytest.approx([0.0, 0.0])
    win.redo_action.trigger()
    assert win.doc.position(nid) == new


def test_properties_panel_edits_are_undoable(qtbot, win):
    nid = win.doc.add_node("transform.resize", (0, 0))
    win.canvas.select([nid])
    panel = win.properties
    assert panel.node_id == nid
    ed = panel.editors["width"]
    assert ed.spin.minimum() == 8 and ed.spin.maximum() == 8192  # the declared range
    ed.spin.setValue(100)
    assert win.doc.graph.nodes[nid].params["width"] == 100
    fit = panel.editors["fit"].combo
    assert [fit.itemText(i) for i in range(fit.count())] == ["stretch", "fit", "fill"]
    fit.setCurrentText("fill")
    assert win.doc.graph.nodes[nid].params["fit"] == "fill"
    win.undo_action.trigger()
    assert win.doc.graph.nodes[nid].params["fit"] == "stretch"
    assert fit.currentText() == "stretch"
    win.undo_action.trigger()
    assert win.doc.graph.nodes[nid].params["width"] == 640
    assert ed.spin.value() == 640
    win.redo_action.trigger()
    assert win.doc.graph.nodes[nid].params["width"] == 100 and ed.spin.value() == 100
    # seed re-roll and a multi-line prompt
    s = win.doc.add_node("source.shapes", (0, 300))
    win.canvas.select([s])
    before = win.doc.graph.nodes[s].params["seed"]
    for _ in range(3):
        panel.editors["seed"].reroll.click()
        if win.doc.graph.nodes[s].params["seed"] != before:
            break
    assert win.doc.graph.nodes[s].params["seed"] != before
    t = win.doc.add_node("io.text", (0, 500))
    win.canvas.select([t])
    ted = panel.editors["text"]
    ted.edit.setPlainText("a blue square\nmoving up")
    ted.flush()
    assert win.doc.graph.nodes[t].params["text"] == "a blue square\nmoving up"


def test_copy_paste_duplicate_delete_mute_bypass(qtbot, win):
    a, b, c = small_graph(win)
    cv = win.canvas
    cv.select([a, b])
    assert cv.clipboard.copy()
    new = cv.clipboard.paste()
    assert len(new) == 2 and len(win.doc.graph.nodes) == 5
    types = sorted(win.doc.graph.nodes[n].type_id for n in new)
    assert types == ["source.shapes", "transform.color"]
    assert any(l.src in new and l.dst in new for l in win.doc.graph.links)  # inner link kept
    win.undo_action.trigger()
    assert len(win.doc.graph.nodes) == 3
    cv.select([b])
    dup = cv.clipboard.duplicate()
    assert len(dup) == 1 and win.doc.graph.nodes[dup[0]].type_id == "transform.color"
    cv.view.setFocus()
    qtbot.keyClick(cv.view, Qt.Key_Delete)
    assert dup[0] not in win.doc.graph.nodes
    win.undo_action.trigger()
    assert dup[0] in win.doc.graph.nodes
    # delete a wired node, undo brings back its links
    cv.select([b])
    qtbot.keyClick(cv.view, Qt.Key_Delete)
    assert b not in win.doc.graph.nodes and len(win.doc.graph.links) == 0
    win.undo_action.trigger()
    assert {(l.src, l.dst) for l in win.doc.graph.links} == {(a, b), (b, c)}
    cv.select([b])
    qtbot.keyClick(cv.view, Qt.Key_M)
    assert win.doc.graph.nodes[b].mode == "mute" and cv.view_node(b).disabled()
    qtbot.keyClick(cv.view, Qt.Key_B)
    assert win.doc.graph.nodes[b].mode == "bypass" and "bypassed" in cv.status_text(b)
    win.undo_action.trigger()
    assert win.doc.graph.nodes[b].mode == "mute"
    win.undo_action.trigger()
    assert win.doc.graph.nodes[b].mode == "normal" and not cv.view_node(b).disabled()


def test_run_shows_times_then_reruns_only_what_changed(qtbot, win):
    a, b, c = small_graph(win)
    with qtbot.waitSignal(win.run_finished, timeout=20000) as blocker:
        assert win.runs.run_graph()
        assert not win.run_action.isEnabled()
    result, error = blocker.args
    assert error is None and set(result.executed) == {a, b, c}
    for n in (a, b, c):
        assert win.canvas.status_text(n) and "cached" not in win.canvas.status_text(n)
    assert "run finished" in win.log_view.toPlainText()
    win.properties.show_node(b)
    win.doc.set_param(b, "contrast", 1.5)
    assert "stale" in win.canvas.status_text(b) and "stale" in win.canvas.status_text(c)
    assert "stale" not in win.canvas.status_text(a)
    with qtbot.waitSignal(win.run_finished, timeout=20000) as blocker:
        win.runs.run_graph()
    result, error = blocker.args
    assert result.cached == [a] and set(result.executed) == {b, c}
    # "cached", or, where its clip had to make frames again for b (not held any more: seen under load),
    # "cached · 1 ms · 1 of 4 frames"
    assert win.canvas.status_text(a) == "cached" or win.canvas.status_text(a).startswith("cached · ")
    win.canvas.badges.set_cost(a, 0.001, 1, total=4)
    assert win.canvas.status_text(a) == "cached · 1 ms · 1 of 4 frames"
    assert win.run_action.isEnabled() and not win.stop_action.isEnabled()


def test_stop_cancels_a_long_run_before_its_end(qtbot, win):
    nid = win.doc.add_node("test.slow", (0, 0), {"steps": 4000})
    started = []
    win.runner.event.connect(lambda e: started.append(e) if type(e).__name__ == "NodeProgress" else None)
    win.runs.run_graph()
    qtbot.waitUntil(lambda: len(started) > 2, timeout=10000)
    assert win.canvas.badges._run_state[nid].get("running")
    with qtbot.waitSignal(win.run_finished, timeout=15000) as blocker:
        win.stop_action.trigger()
    result, error = blocker.args
    # stopped at its next step, not at the end of its 4000 (counted, not timed: the suite runs under any load)
    assert started[-1].step < 4000
    assert result is None and isinstance(error, Cancelled)
    assert win.canvas.status_text(nid) == "stopped"
    assert not win.runner.running


def test_failing_node_turns_red_with_message(qtbot, win):
    nid = win.doc.add_node("test.fail", (0, 0))
    with qtbot.waitSignal(win.run_finished, timeout=10000) as blocker:
        win.runs.run_graph()
    assert blocker.args[1] is not None
    ng = win.canvas.view_node(nid)
    assert tuple(ng.view.border_color) == ERROR_BORDER
    assert "model file is missing" in ng.view.toolTip()
    assert "model file is missing" in win.canvas.status_text(nid)
    assert "model file is missing" in win.log_view.toPlainText()
    win.canvas.node_graph.center_on([ng])
    img = win.canvas.view.grab().toImage()  # the red border is on screen
    view_rect = win.canvas.view.mapFromScene(ng.view.sceneBoundingRect()).boundingRect()
    red = 0
    for x in range(max(0, view_rect.left() - 3), min(img.width(), view_rect.right() + 4)):
        for y in range(max(0, view_rect.top() - 3), min(img.height(), view_rect.bottom() + 4)):
            c = img.pixelColor(x, y)
            red += c.red() > 120 and c.red() > 2 * c.green() and c.red() > 2 * c.blue()
    assert red > 20


def test_save_and_reopen_gives_identical_graph(qtbot, win, tmp_path, registry):
    a, b, c = small_graph(win)
    win.doc.set_param(b, "saturation", 0.25)
    win.doc.set_mode([c], "bypass")
    win.doc.change_setting("seed", 1234)
    assert win.isWindowModified()
    path = str(tmp_path / "g.json")
    assert win.files.save_to(path)
    assert not win.isWindowModified() and "g.json" in win.windowTitle()
    assert win.files.recent_files()[0] == os.path.abspath(path)
    saved = graph_to_dict(win.doc.graph)
    win2 = MainWindow(settings=QSettings(str(tmp_path / "s2.ini"), QSettings.IniFormat),
                      data_dir=str(tmp_path / "d2"), registry=registry)
    qtbot.addWidget(win2)
    assert win2.files.open_path(path, ask=False)
    assert graph_to_dict(win2.doc.graph) == saved
    assert graph_to_dict(load_graph(path, registry)) == saved
    assert set(win2.canvas.index.model_ids()) == {a, b, c}
    assert win2.seed_spin.value() == 1234
    win2.close()


def test_unsaved_prompt_can_cancel_new(qtbot, win):
    win.doc.add_node("transform.resize", (0, 0))
    asked = []
    win.files.ask_unsaved = lambda: asked.append(1) or "cancel"
    win.files.new_graph()
    assert asked and len(win.doc.graph.nodes) == 1
    win.files.ask_unsaved = lambda: "discard"
    win.files.new_graph()
    assert not win.doc.graph.nodes and not win.isWindowModified()


def test_autosave_recovered_after_crash(qtbot, win, tmp_path, registry):
    a, b, c = small_graph(win)
    win.doc.set_param(b, "gamma", 1.7)
    path = win.files.autosave()
    assert path and os.path.exists(path)
    # simulate a crash: the window dies without closing, so its autosave stays behind
    crashed = os.path.join(os.path.dirname(path), "autosave-999999999.json")
    os.replace(path, crashed)
    expect = graph_to_dict(win.doc.graph)
    win2 = MainWindow(settings=QSettings(str(tmp_path / "s3.ini"), QSettings.IniFormat),
                      data_dir=str(tmp_path / "data"), registry=registry)
    qtbot.addWidget(win2)
    win2.files.ask_recover = lambda info: True
    assert win2.files.offer_recovery()
    assert graph_to_dict(win2.doc.graph) == expect
    assert win2.isWindowModified()
    assert not os.path.exists(crashed)
    assert not win2.files.offer_recovery()  # offered once
    win2.files.ask_unsaved = lambda: "discard"
    win2.close()


def test_a_save_discards_the_autosave_so_a_crash_after_it_offers_nothing_older(qtbot, win, tmp_path):
    a, b, c = small_graph(win)
    win.doc.set_param(b, "gamma", 1.7)
    path = win.files.autosave()
    assert path and os.path.exists(path)
    assert win.files.save_to(str(tmp_path / "saved.json"))
    assert not os.path.exists(path)  # the walk: a crash after a save offered the work from before it

def test_dropping_a_graph_file_opens_it(qtbot, win, tmp_path):
    a, b, c = small_graph(win)
    path = str(tmp_path / "drop.json")
    win.files.save_to(path)
    win.files.new_graph()
    assert not win.doc.graph.nodes
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path)])
    send_drop(win.canvas.view.viewport(), mime, QPoint(50, 50))
    assert set(win.doc.graph.nodes) == {a, b, c}
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"not a video")
    win.files.open_path(str(bad), ask=False)
    assert "carries no Studio graph" in win.log_view.toPlainText()
    assert set(win.doc.graph.nodes) == {a, b, c}


def test_layout_is_remembered(qtbot, tmp_path, registry):
    ini = str(tmp_path / "layout.ini")
    w = MainWindow(settings=QSettings(ini, QSettings.IniFormat), data_dir=str(tmp_path / "d"), registry=registry)
    qtbot.addWidget(w)
    w.show()
    w.log_dock.setFloating(True)
    w.close()
    w2 = MainWindow(settings=QSettings(ini, QSettings.IniFormat), data_dir=str(tmp_path / "d"), registry=registry)
    qtbot.addWidget(w2)
    assert w2.log_dock.isFloating()
    w2.close()


def test_no_qt_outside_studio_ui():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bad = []
    for top in ("studio/core", "studio/engine", "nodes"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith(".py"):
                    text = open(os.path.join(dirpath, f), encoding="utf-8").read()
                    if "PySide6" in text or "NodeGraphQt" in text:
                        bad.append(os.path.join(dirpath, f))
    assert bad == []


def test_mouse_wheel_over_the_properties_scrolls_them_and_changes_no_value(qtbot, win):
    """Scrolling down a long panel with the pointer passing over a drop-down or a spin box scrolls
    the panel; the value under the pointer changes only once the user clicked into it."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    nid = win.doc.add_node("gen.train", (0, 0))
    win.canvas.select([nid])
    panel = win.properties
    panel.resize(panel.width(), 260)  # shorter than the Train node's parameters: the panel scrolls
    qtbot.wait(50)
    combo = panel.editors["model"].combo
    bar = panel.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)  # its fields made (a few a turn) and laid out
    before, pos0 = combo.currentText(), bar.value()

    def wheel(w):
        c = QPointF(w.width() / 2, w.height() / 2)
        ev = QWheelEvent(c, QPointF(w.mapToGlobal(c.toPoint())), QPoint(0, 0), QPoint(0, -120), Qt.NoButton,
                         Qt.NoModifier, Qt.NoScrollPhase, False)
        QApplication.sendEvent(w, ev)
    for _ in range(2):
        wheel(combo)
    assert combo.currentText() == before and win.doc.graph.nodes[nid].params["model"] == before
    assert bar.value() > pos0  # the panel scrolled instead
    spin = panel.editors["steps"].spin
    steps = spin.value()
    wheel(spin)
    assert spin.value() == steps
    spin.setFocus()  # clicked into: the wheel is the value's again
    qtbot.waitUntil(spin.hasFocus, timeout=1000)
    wheel(spin)
    assert spin.value() != steps
