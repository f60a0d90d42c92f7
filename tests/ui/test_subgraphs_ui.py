"""Reusable sub-graphs and presets, driven as a user would: select nodes, Ctrl+Shift+G, choose
what to expose in the dialog, save to the library, drop it from the palette into a new graph,
run it and get the same frames; ungroup; presets from the properties panel."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from studio.core.library import list_presets, list_subgraphs
from studio.ui.canvas.items import GROUP_COLOR, LIBRARY_PREFIX

N = 6  # frames


pytestmark = pytest.mark.usefixtures("data_dir")  # conftest.py: the user's data folder in tmp_path


@pytest.fixture
def win(open_window):
    return open_window()


def chain(win):
    d = win.doc
    s = d.add_node("source.shapes", (0, 0), {"frames": N, "width": 48, "height": 32, "sound": False})
    c = d.add_node("transform.color", (260, 0), {"saturation": 0.2})
    r = d.add_node("transform.resize", (520, 0), {"width": 24, "height": 16})
    p = d.add_node("io.preview", (780, 0))
    d.connect(s, "video", c, "video")
    d.connect(c, "video", r, "video")
    d.connect(r, "video", p, "value")
    d.undo_stack.clear()
    return s, c, r, p


def run_frames(qtbot, win, node_id):
    with qtbot.waitSignal(win.run_finished, timeout=30000) as blocker:
        assert win.runs.run_graph()
    result, error = blocker.args
    assert error is None, error
    if node_id not in result.outputs:
        return None
    clip = result.value(node_id)
    return np.stack([clip.frame(i) for i in range(len(clip))])


def press(qtbot, win, key, mods=Qt.NoModifier):
    win.activateWindow()  # a dialog shown by a test hook (not exec'd) took the activation
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    win.canvas.view.setFocus()
    qtbot.keyClick(win.canvas.view, key, mods)


def send_drop(widget, mime: QMimeData, pos: QPoint) -> None:
    for cls in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(widget, cls(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def group_dialog_driver(qtbot, title, expose):
    """A run_dialog hook that fills the Group dialog with the keyboard and clicks Group."""
    seen = []

    def drive(dlg):
        dlg.show()
        qtbot.waitExposed(dlg)
        dlg.title_edit.selectAll()
        qtbot.keyClicks(dlg.title_edit, title)
        for key in expose:
            dlg.tree.setCurrentItem(dlg.items[key])
            dlg.tree.setFocus()
            qtbot.keyClick(dlg.tree.viewport(), Qt.Key_Space)  # toggles the check box
        seen.append(dlg)
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
        return dlg.result() == QDialog.Accepted
    return drive, seen


# ---------------------------------------------------------------------------------------------
def test_group_save_to_library_place_from_palette_and_run_same_frames(qtbot, win):
    s, c, r, p = chain(win)
    before = run_frames(qtbot, win, p)
    assert before.shape == (N, 16, 24, 3)

    # select two nodes, Ctrl+Shift+G, expose "saturation" in the dialog
    win.canvas.select([c, r])
    win.run_dialog, seen = group_dialog_driver(qtbot, "Soft look", [(c, "saturation")])
    press(qtbot, win, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    assert seen, "Ctrl+Shift+G did not open the group dialog"
    assert seen[0].exposed() == [(c, "saturation")]
    g = win.doc.graph
    groups = [n for n in g.nodes.values() if n.subgraph is not None]
    assert len(groups) == 1 and set(g.nodes) == {s, p, groups[0].id}
    grp = groups[0]
    assert grp.label == "Soft look" and grp.params == {"saturation": 0.2}
    assert set(grp.subgraph.nodes) == {c, r}
    assert {(l.src, l.dst) for l in g.links} == {(s, grp.id), (grp.id, p)}
    assert win.canvas.view_node(grp.id).color()[:3] == GROUP_COLOR
    assert win.canvas.selected_ids() == [grp.id]
    assert win.properties.node_id == grp.id and "saturation" in win.properties.editors
    # one undo step each way, same id on redo
    win.undo_action.trigger()
    assert set(g.nodes) == {s, c, r, p} and win.canvas.view_node(grp.id) is None
    assert {(l.src, l.dst) for l in g.links} == {(s, c), (c, r), (r, p)}
    assert win.doc.position(c) == [260.0, 0.0]
    win.redo_action.trigger()
    assert set(g.nodes) == {s, p, grp.id} and win.canvas.view_node(grp.id) is not None
    assert np.array_equal(run_frames(qtbot, win, p), before)

    # save it to the library: it appears in the palette under Library
    win.canvas.select([grp.id])
    win.ask_text = lambda *a: "Soft look"
    win.save_group_action.trigger()
    path = os.path.join(os.environ["STUDIO_DATA_DIR"], "library", "Soft look.json")
    assert list_subgraphs() == [("Soft look", path)]
    key = LIBRARY_PREFIX + path
    item = win.palette.items[key]
    assert item.parent().text(0) == "Library" and item.text(0) == "Soft look"
    win.palette.search.setText("soft look")  # (its own words: Blur and Vignette speak of soft edges too)
    assert win.palette.visible_types() == [key]
    win.palette.search.clear()

    # a new graph: drag the library entry in, wire it, run: the same frames
    win.files.new_graph()
    d = win.doc
    s2 = d.add_node("source.shapes", (0, 0), {"frames": N, "width": 48, "height": 32, "sound": False})
    p2 = d.add_node("io.preview", (600, 0))
    vp = win.canvas.view.viewport()
    send_drop(vp, win.palette.tree.mimeData([item]), QPoint(400, 300))
    placed = [n for n in d.graph.nodes.values() if n.subgraph is not None]
    assert len(placed) == 1 and placed[0].label == "Soft look"
    gid = placed[0].id
    pos = d.position(gid)
    expect = win.canvas.view.mapToScene(QPoint(400, 300))
    assert abs(pos[0] - expect.x()) <= 1 and abs(pos[1] - expect.y()) <= 1
    win.undo_action.trigger()
    assert gid not in d.graph.nodes and win.canvas.view_node(gid) is None
    win.redo_action.trigger()
    assert gid in d.graph.nodes and win.canvas.view_node(gid) is not None
    d.connect(s2, "video", gid, "video")
    d.connect(gid, "video", p2, "value")
    assert np.array_equal(run_frames(qtbot, win, p2), before)

    # the exposed parameter, edited in the properties panel, drives the inside
    win.canvas.select([gid])
    win.properties.editors["saturation"].spin.setValue(1.0)
    assert d.graph.nodes[gid].params["saturation"] == 1.0
    assert not np.array_equal(run_frames(qtbot, win, p2), before)
    # M mutes the group and all it contains: the preview after it does not run
    win.canvas.select([gid])
    press(qtbot, win, Qt.Key_M)
    assert d.graph.nodes[gid].mode == "mute"
    assert run_frames(qtbot, win, p2) is None


def test_double_click_library_entry_adds_it_and_ungroup_restores_nodes(qtbot, win):
    s, c, r, p = chain(win)
    before = run_frames(qtbot, win, p)
    gid = win.doc.group([c, r], "Look", [(c, "saturation")])
    win.canvas.select([gid])
    win.ask_text = lambda *a: "Look"
    win.save_group_action.trigger()
    item = win.palette.items[LIBRARY_PREFIX + list_subgraphs()[0][1]]
    tree = win.palette.tree
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    groups = [n.id for n in win.doc.graph.nodes.values() if n.subgraph is not None]
    assert len(groups) == 2
    other = next(i for i in groups if i != gid)
    win.doc.remove_nodes([other])

    # ungroup (Ctrl+Shift+U) after changing the exposed value: it is written inside
    win.doc.set_param(gid, "saturation", 0.5)
    win.canvas.select([gid])
    press(qtbot, win, Qt.Key_U, Qt.ControlModifier | Qt.ShiftModifier)
    g = win.doc.graph
    assert gid not in g.nodes and {c, r} <= set(g.nodes)
    assert g.nodes[c].params["saturation"] == 0.5
    assert {(l.src, l.dst) for l in g.links} == {(s, c), (c, r), (r, p)}
    assert sorted(win.canvas.selected_ids()) == sorted([c, r])
    assert all(win.canvas.view_node(i) is not None for i in (c, r))
    win.undo_action.trigger()
    assert gid in g.nodes and c not in g.nodes and g.nodes[gid].params["saturation"] == 0.5
    assert {(l.src, l.dst) for l in g.links} == {(s, gid), (gid, p)}
    win.redo_action.trigger()
    win.doc.set_param(c, "saturation", 0.2)
    assert np.array_equal(run_frames(qtbot, win, p), before)


def test_group_dialog_cancel_changes_nothing(qtbot, win):
    s, c, r, p = chain(win)
    win.canvas.select([c, r])

    def cancel(dlg):
        dlg.show()
        assert "video" in dlg.ports_label.text()
        qtbot.keyClick(dlg, Qt.Key_Escape)
        return dlg.result() == QDialog.Accepted
    win.run_dialog = cancel
    assert win.group_actions.group_selection() is None
    assert set(win.doc.graph.nodes) == {s, c, r, p} and win.doc.undo_stack.count() == 0


def test_presets_save_apply_undo_delete(qtbot, win):
    c = win.doc.add_node("transform.color", (0, 0))
    win.canvas.select([c])
    panel = win.properties
    panel.editors["gamma"].spin.setValue(2.0)
    panel.editors["saturation"].spin.setValue(0.3)
    panel.ask_preset_name = lambda default: "warm"
    qtbot.mouseClick(panel.preset_save, Qt.LeftButton)
    assert list_presets("transform.color")["warm"]["gamma"] == 2.0
    assert panel.preset_combo.currentText() == "warm"
    assert "saved preset 'warm'" in win.log_view.toPlainText()
    # edit, then apply the preset from the combo with the keyboard: one undo step
    win.doc.undo_stack.clear()
    panel.editors["gamma"].spin.setValue(1.0)
    panel.editors["saturation"].spin.setValue(1.0)
    steps = win.doc.undo_stack.count()
    win.canvas.select([])
    win.canvas.select([c])  # the panel is rebuilt; the combo shows the preset, changed since (issue 25)
    combo = panel.preset_combo
    assert combo.currentIndex() == 1 and combo.itemText(1) == "warm (modified)"
    combo.setCurrentIndex(0)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)
    params = win.doc.graph.nodes[c].params
    assert params["gamma"] == 2.0 and params["saturation"] == 0.3
    assert combo.itemText(1) == "warm"  # applied again: no longer modified
    assert panel.editors["gamma"].spin.value() == 2.0
    assert win.doc.undo_stack.count() == steps + 1
    win.undo_action.trigger()
    assert params["gamma"] == 1.0 and params["saturation"] == 1.0
    win.redo_action.trigger()
    assert params["gamma"] == 2.0 and params["saturation"] == 0.3
    # presets belong to the node type: another colour node sees it, a resize node does not
    c2 = win.doc.add_node("transform.color", (0, 300))
    win.canvas.select([c2])
    assert panel.preset_names() == ["warm"]
    rz = win.doc.add_node("transform.resize", (0, 600))
    win.canvas.select([rz])
    assert panel.preset_names() == [] and panel.preset_combo.itemText(0) == "(no presets)"
    win.canvas.select([c2])
    panel.preset_combo.setCurrentIndex(1)
    qtbot.mouseClick(panel.preset_delete, Qt.LeftButton)
    assert list_presets("transform.color") == {} and panel.preset_combo.count() == 1


def test_ungroup_a_placed_group_whose_inner_ids_are_taken(qtbot, win):
    s, c, r, p = chain(win)
    gid = win.doc.group([c, r], "Look")
    win.canvas.select([gid])
    win.ask_text = lambda *a: "Look"
    win.save_group_action.trigger()
    win.doc.ungroup(gid)  # c and r are outer nodes again
    path = list_subgraphs()[0][1]
    win.canvas.add_node_at(LIBRARY_PREFIX + path, (0, 400))
    placed = next(n.id for n in win.doc.graph.nodes.values() if n.subgraph is not None)
    win.canvas.select([placed])
    press(qtbot, win, Qt.Key_U, Qt.ControlModifier | Qt.ShiftModifier)
    g = win.doc.graph
    new = sorted(set(g.nodes) - {s, c, r, p})
    assert len(new) == 2 and placed not in g.nodes
    assert sorted(g.nodes[i].type_id for i in new) == ["transform.color", "transform.resize"]
    assert len([l for l in g.links if l.src in new and l.dst in new]) == 1
    assert {(l.src, l.dst) for l in g.links if l.src not in new} == {(s, c), (c, r), (r, p)}
    assert all(abs(win.doc.position(i)[1] - 400) < 1 for i in new)  # placed where the group was
    win.undo_action.trigger()
    assert placed in g.nodes and not set(new) & set(g.nodes)
    win.redo_action.trigger()
    assert set(new) <= set(g.nodes) and all(win.canvas.view_node(i) is not None for i in new)


def test_edit_inside_a_group_by_double_click_is_one_undo_step(qtbot, win):
    s, c, r, p = chain(win)
    before = run_frames(qtbot, win, p)
    gid = win.doc.group([c, r], "Look", [(c, "saturation")])
    win.doc.set_param(gid, "saturation", 0.25)  # what the group shows is what the editor shows
    seen = []

    def edit(dlg):
        dlg.show()
        qtbot.waitExposed(dlg)
        seen.append(dlg)
        assert "Look" in dlg.breadcrumb.text() and set(dlg.doc.graph.nodes) == {c, r}
        dlg.canvas.select([c])
        ed = dlg.properties.editors["saturation"]
        assert ed.spin.value() == 0.25
        ed.spin.setValue(0.9)
        dlg.canvas.select([r])
        dlg.properties.editors["width"].spin.setValue(20)
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
        return dlg.result() == QDialog.Accepted
    win.run_dialog = edit
    ng = win.canvas.view_node(gid)
    win.canvas.node_graph.center_on([ng])
    at = win.canvas.view.mapFromScene(ng.view.sceneBoundingRect().center())
    vp = win.canvas.view.viewport()
    qtbot.mouseClick(vp, Qt.LeftButton, pos=at)
    qtbot.mouseDClick(vp, Qt.LeftButton, pos=at)
    qtbot.waitUntil(lambda: bool(seen) and win.doc.undo_stack.count() >= 3, timeout=3000)
    g = win.doc.graph
    grp = g.nodes[gid]
    assert grp.params["saturation"] == 0.9 and grp.subgraph.nodes[r].params["width"] == 20
    assert {(l.src, l.dst) for l in g.links} == {(s, gid), (gid, p)}
    edited = run_frames(qtbot, win, p)
    assert edited.shape == (N, 16, 20, 3)
    win.undo_action.trigger()  # the whole edit, in one step
    assert g.nodes[gid].params["saturation"] == 0.25 and g.nodes[gid].subgraph.nodes[r].params["width"] == 24
    win.doc.set_param(gid, "saturation", 0.2)
    assert np.array_equal(run_frames(qtbot, win, p), before)

    # removing the node whose output the group shows: the output and its link go, undo brings them back
    def delete_resize(dlg):
        dlg.show()
        qtbot.waitExposed(dlg)
        dlg.canvas.select([r])
        dlg.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=2000)
        dlg.canvas.view.setFocus()
        qtbot.keyClick(dlg.canvas.view, Qt.Key_Delete)
        assert r not in dlg.doc.graph.nodes
        qtbot.keyClick(dlg, Qt.Key_Z, Qt.ControlModifier)  # undo inside the editor
        assert r in dlg.doc.graph.nodes
        dlg.canvas.select([r])
        dlg.canvas.delete_selected()
        dlg.accept()
        return True
    win.run_dialog = delete_resize
    win.canvas.select([gid])
    assert win.group_actions.edit_group()
    assert [o.name for o in g.nodes[gid].spec.outputs] == [] and (gid, p) not in {(l.src, l.dst) for l in g.links}
    assert "no longer shows output 'video'" in win.log_view.toPlainText()
    win.undo_action.trigger()
    assert {(l.src, l.dst) for l in g.links} == {(s, gid), (gid, p)}

    # Cancel leaves the group as it was
    win.run_dialog = lambda dlg: False
    n = win.doc.undo_stack.count()
    assert not win.group_actions.edit_group(gid) and win.doc.undo_stack.count() == n
