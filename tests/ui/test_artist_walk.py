"""What an artist met in a full walk through the studio (issue 25), driven through the real widgets:
the viewer keeps the playhead's frame when another node is selected, templates open whole and Fit
Graph fits them, docks recover after a resize, the Training dock says the whole step and the
budget's end, run labels say what really happened, the status bar names what the run wrote."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from studio.core.assets import DEMO_GRAPH, TEMPLATES_DIR
from tests.ui.settle import settle  # until the windows hold still (at most the ms given)


def pixels(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format_RGBA8888)
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return a[:, : img.width() * 4].reshape(img.height(), img.width(), 4).copy()


def node_of(w, type_id: str) -> str:
    return next(n for n, inst in w.doc.graph.nodes.items() if inst.type_id == type_id)


def run(qtbot, w, timeout=120_000):
    with qtbot.waitSignal(w.run_finished, timeout=timeout):
        assert w.runs.run_graph()


@pytest.fixture
def demo(open_window, qtbot, tmp_path):
    w = open_window()
    assert w.files.open_path(str(DEMO_GRAPH), ask=False)
    w.doc.set_param(node_of(w, "io.save_video"), "path", str(tmp_path / "demo.mp4"))
    return w


# -- 1. the viewer shows the playhead's frame after another node is selected -------------------------
def test_viewer_keeps_the_playhead_frame_when_another_node_is_selected(qtbot, demo):
    w = demo
    run(qtbot, w)
    pv = w.preview
    colour, resize = node_of(w, "transform.color"), node_of(w, "transform.resize")
    w.canvas.select([colour])
    qtbot.waitUntil(lambda: pv.node_id == colour and pv.shown_frame is not None, timeout=10_000)
    pv.timeline.set_current(40, emit=True)  # the user moves the playhead (as a click or a key does)
    qtbot.waitUntil(lambda: pv.shown_frame == 40, timeout=10_000)
    w.canvas.select([resize])
    qtbot.waitUntil(lambda: pv.node_id == resize and pv.shown_frame is not None, timeout=10_000)
    assert pv.timeline.current == 40 and pv.shown_frame == 40
    settle()
    shown = pixels(pv.stack.image)
    # the truth: the same node at frame 40 by an explicit seek, and at frame 0
    pv.seek(0)
    qtbot.waitUntil(lambda: pv.shown_frame == 0, timeout=10_000)
    settle()
    at0 = pixels(pv.stack.image)
    pv.seek(40)
    qtbot.waitUntil(lambda: pv.shown_frame == 40, timeout=10_000)
    settle()
    at40 = pixels(pv.stack.image)
    assert np.abs(at40.astype(int) - at0.astype(int)).mean() > 0.5  # the frames differ on screen
    assert np.array_equal(shown, at40)  # what the viewer showed after the selection is frame 40
    # a shorter output shows its last frame; back on a long one, the playhead's frame again
    pv.seek(66)
    w.canvas.select([colour])
    qtbot.waitUntil(lambda: pv.node_id == colour and pv.shown_frame == 66, timeout=10_000)


# -- 3. templates open whole or readable; Fit Graph fits them ------------------------------------------------------
@pytest.mark.parametrize("size", [(1600, 1000), (1024, 700)])
def test_templates_open_whole_and_fit_graph_fits_them(qtbot, open_window, size):
    w = open_window()
    w.resize(*size)
    settle(200)
    for name in ("plate_cleanup", "audio_image_to_video"):
        assert w.files.open_template(str(TEMPLATES_DIR / f"{name}.json"))
        settle(200)
        seen = w.canvas.visible_scene_rect()
        # whole, or (issue 61) at a zoom its titles read at from its top left corner (F: whole)
        assert seen.contains(w.canvas.graph_rect()) or (
            w.canvas.zoom_scale() >= w.canvas.readable_scale() - 1e-3
            and seen.intersects(w.canvas.graph_rect())), (name, size, seen, w.canvas.graph_rect())
        # zoomed in and panned away, F brings all of it back
        w.canvas.set_zoom_scale(1.5, w.canvas.graph_rect().topLeft())
        assert not w.canvas.visible_scene_rect().contains(w.canvas.graph_rect())
        w.canvas.view.setFocus()
        qtbot.keyClick(w.canvas.view, Qt.Key_F)
        settle(50)
        assert w.canvas.visible_scene_rect().contains(w.canvas.graph_rect()), name
        w.canvas.widget.grab()  # painted: nodes are drawn with their titles, not as blank boxes
        assert all(not w.canvas.view_node(n).view._proxy_mode for n in w.doc.graph.nodes), name


# -- 4. docks recover after a resize; the Training dock leaves with the graph that trained ---------------
def test_docks_recover_their_share_after_shrink_then_grow(qtbot, open_window):
    from studio.ui.window.layout import dock_sizes
    w = open_window()
    assert w.files.open_path(str(DEMO_GRAPH), ask=False)
    w.resize(1600, 1000)
    settle(250)
    w.resize(1024, 700)
    settle(250)
    small = (w.palette_dock.width(), w.viewer_dock.width())
    assert w.canvas.widget.width() >= 0.5 * w.width()
    w.resize(1600, 1000)  # maximised again
    settle(250)
    want = dock_sizes(1600, 1000)
    assert w.palette_dock.width() >= 0.85 * want["palette"], (small, w.palette_dock.width())
    assert w.viewer_dock.width() >= 0.85 * want["right"], (small, w.viewer_dock.width())
    assert w.viewer_dock.height() >= 0.8 * want["viewer"]
    # the viewer's title reads whole at either size (it read "Save Vid" at 1024x700)
    w.canvas.select([node_of(w, "io.save_video")])
    w.preview.show_value(node_of(w, "io.save_video"), "Save Video", np.zeros((8, 8, 3), np.float32), "k:video")
    for size in ((1600, 1000), (1024, 700)):
        w.resize(*size)
        settle(250)
        assert "<b>Save Video</b>" in w.preview.title_label.text(), (size, w.preview.title_label.text())


def test_training_dock_is_hidden_for_a_graph_without_training(qtbot, open_window):
    w = open_window()
    assert w.files.open_template(str(TEMPLATES_DIR / "text_to_video_one_object.json"))
    w.show_training_dock()
    qtbot.waitUntil(lambda: w.training_dock.isVisible(), timeout=5000)
    assert w.files.open_path(str(DEMO_GRAPH), ask=False)
    settle()
    assert w.training_dock.isHidden()
    # the View menu still brings it back by hand
    w.training_dock.toggleViewAction().trigger()
    assert w.training_dock.isVisible()


# -- 5. cramped at 1024x700: dialogs and the window fit the screen ---------------------------------------
def test_small_screen_windows_and_dialogs_fit(qtbot, open_window, monkeypatch):
    from PySide6.QtCore import QRect

    from studio.ui.dialogs import sizing
    from studio.ui.dialogs.templates import TemplateBrowser
    monkeypatch.setattr(sizing, "available", lambda widget: QRect(0, 0, 1024, 700))  # a 1024x700 screen
    from studio.ui.window.main_window import MainWindow
    from PySide6.QtCore import QSettings
    import tempfile
    tmp = tempfile.mkdtemp()
    w2 = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    qtbot.addWidget(w2)
    assert w2.width() <= 1024 and w2.height() <= 700  # was 1500x920 without a window manager
    w = open_window()
    w.resize(1024, 700)
    settle()
    dlg = TemplateBrowser(parent=w)
    qtbot.addWidget(dlg)
    assert dlg.height() <= w.height()  # was 720 px in a 700 px window
    w2.files.ask_unsaved = lambda: "discard"
    w2.close()


# -- 6. the Training dock says the whole step, the values and the budget's end -----------------------
@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_training_dock_shows_step_values_and_the_budget_end_uncut(qtbot, open_window, size):
    from studio.engine import events as ev
    w = open_window()
    w.resize(*size)
    assert w.files.open_template(str(TEMPLATES_DIR / "text_to_video_one_object.json"))
    w.show_training_dock()
    panel = w.training
    qtbot.waitUntil(lambda: w.training_dock.isVisible() and w.training_dock.widget() is panel, timeout=5000)
    w.runs.on_engine_event(ev.RunStarted(["train"], "cpu"))
    w.runs.on_engine_event(ev.NodeStarted("train", "Train Generator"))
    for step in (1000, 1414):
        w.runs.on_engine_event(ev.NodeProgress("train", step, 20000, values={
            "loss": 0.0123456, "diffusion": 0.0101, "flow": 0.00231, "motion": 0.0004, "val_loss": 0.0345},
            unit="step", budget_end=1430))
    panel.flush()
    settle(150)
    st = panel.step_label
    assert "step 1,414 / 20,000" in st.text() and "budget ends near 1,430" in st.text()
    assert st.width() >= st.sizeHint().width()  # not cut
    assert st.geometry().right() < panel.log_box.geometry().left()  # "log y" covers nothing
    vl = panel.values_label
    for name in ("loss 0.01235", "diffusion 0.0101", "flow 0.00231", "motion 0.0004", "val_loss 0.0345"):
        assert name in vl.text()
    assert vl.heightForWidth(vl.width()) <= vl.height()  # every value fits (wrapped, not cut)
    # the node on the canvas shows the budget's end beside /20000
    assert "1414/20000 · budget ≈1430" in w.canvas.status_text("train")


# -- 8. run labels say what really happened ---------------------------------------------------------------
def test_a_group_whose_contents_ran_says_so_and_shows_its_result(qtbot, demo):
    w = demo
    c, r = node_of(w, "transform.color"), node_of(w, "transform.resize")
    gid = w.doc.group([c, r], "Look")
    run(qtbot, w)
    text = w.canvas.status_text(gid)
    assert text and not text.startswith("not run"), text  # it said "not run yet: ... Ctrl+F5"
    assert not w.canvas.badges.state(gid).get("not_run")
    w.canvas.select([gid])
    qtbot.waitUntil(lambda: w.preview.node_id == gid and w.preview.shown_frame is not None, timeout=10_000)
    assert w.preview.clip is not None and w.preview.clip.n_frames > 1  # the group's output, in the viewer


def test_nodes_after_a_failed_node_say_what_failed_not_ctrl_f5(qtbot, open_window, tmp_path):
    w = open_window()
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all")  # there, so it fails when it runs
    src = w.doc.add_node("io.load_video", (0, 0))
    w.doc.set_param(src, "path", str(tmp_path / "broken.mp4"))
    col = w.doc.add_node("transform.color", (250, 0))
    out = w.doc.add_node("io.save_video", (500, 0))
    w.doc.set_param(out, "path", str(tmp_path / "x.mp4"))
    w.doc.connect(src, "video", col, "video")
    w.doc.connect(col, "video", out, "video")
    side = w.doc.add_node("source.shapes", (0, 300))  # a side branch the failed run never reached
    side_out = w.doc.add_node("io.preview", (250, 300))
    w.doc.connect(side, "video", side_out, "value")
    run(qtbot, w)
    assert w.canvas.badges.state(src).get("error")
    for nid in (col, out):
        text = w.canvas.status_text(nid)
        assert "'Load Video' failed" in text and "Ctrl+F5" not in text, text
    for nid in (side, side_out):  # reached or not, never a Ctrl+F5 that cannot help after a failure
        assert "Ctrl+F5" not in w.canvas.status_text(nid)
    # a clean run offers Ctrl+F5 only as a short hint, the reason in the tooltip
    from studio.engine.run_state import NOT_RUN_HINT
    assert len(NOT_RUN_HINT) <= 24


# -- 9. the group dialog's tick boxes are visible on the dark theme -------------------------------------
def test_group_dialog_tick_boxes_stand_out_from_the_dark_base(qtbot):
    from PySide6.QtWidgets import QApplication, QStyleFactory

    from studio.core.fileformat import load_graph
    from studio.ui.dialogs.group_dialog import GroupDialog
    from studio.ui.theme import StudioStyle, apply_theme
    app = QApplication.instance()
    old_style, old_palette = app.style().name(), app.palette()
    apply_theme(app)
    try:
        g = load_graph(str(DEMO_GRAPH))
        ids = [n for n, i in g.nodes.items() if i.type_id in ("transform.color", "transform.resize")]
        dlg = GroupDialog(g, ids)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        assert isinstance(app.style(), StudioStyle)
        tree = dlg.tree
        item = next(iter(dlg.items.values()))
        settle(50)
        img = pixels(tree.viewport())
        r = tree.visualItemRect(item)
        size = tree.style().pixelMetric(tree.style().PixelMetric.PM_IndicatorWidth)
        row = img[r.top():r.bottom(), r.left():r.left() + size + 8, :3].astype(int)
        base = tree.palette().base().color()
        lum = row.mean(axis=2)
        assert lum.max() - (base.red() + base.green() + base.blue()) / 3 > 80  # a light frame on the dark base
    finally:
        app.setStyle(QStyleFactory.create(old_style))
        app.setPalette(old_palette)


# -- 10. the Render in Chunks dialog knows the graph's length ------------------------------------------
def test_render_dialog_frame_range_is_the_graphs(qtbot, demo):
    from studio.ui.dialogs.render import open_render_dialog
    w = demo
    dlg = open_render_dialog(w)  # before a run: the length is not known, and it says so
    assert "after a run" in dlg.length_label.text()
    dlg.close()
    run(qtbot, w)
    n = w.runs.outputs[node_of(w, "io.save_video")]["video"].n_frames
    dlg = open_render_dialog(w)
    assert dlg.last_spin.value() == n - 1 and f"of {n} frames" in dlg.length_label.text()  # was "to 47"
    dlg.close()
    w.preview.set_in_out_points(10, 30)
    dlg = open_render_dialog(w)
    assert not dlg.all_frames.isChecked() and (dlg.first_spin.value(), dlg.last_spin.value()) == (10, 29)
    dlg.close()


# -- 11. the status bar names what the run wrote, a click opens its folder ----------------------------
def test_status_bar_names_the_output_and_opens_its_folder(qtbot, open_window, tmp_path):
    w = open_window()
    assert w.files.open_template(str(TEMPLATES_DIR / "plate_cleanup.json"))
    g = w.doc.graph
    exr = next(n for n, i in g.nodes.items() if i.type_id == "footage.save_sequence")
    mp4 = node_of(w, "io.save_video")
    w.doc.set_param(exr, "path", str(tmp_path / "comp" / "comp.####.exr"))
    w.doc.set_param(mp4, "path", str(tmp_path / "review.mp4"))
    run(qtbot, w)
    link = w.runs.output_link
    assert link.isVisible() and ("review.mp4" in link.text() or "comp.####.exr" in link.text()), link.text()
    assert "+1 more" in link.text() and str(tmp_path / "review.mp4") in link.toolTip()
    assert str(tmp_path / "comp" / "comp.####.exr") in link.toolTip()  # a sequence: by its pattern
    opened = []
    link.opener = opened.append
    with qtbot.waitSignal(link.opened, timeout=2000) as sig:
        qtbot.mouseClick(link, Qt.LeftButton)
    assert opened == [link.paths[0]] and sig.args[0] == os.path.dirname(link.paths[0])
    # the EXR line in the log says where the frames went, not only their names
    log = w.log_view.toPlainText()
    assert f"frames in {tmp_path / 'comp'}" in log, log[-800:]


# -- 13. smaller ones -------------------------------------------------------------------------------------
def test_a_relaunch_opens_the_last_graph(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QStyleFactory

    from studio.ui.app import start_window
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    app = QApplication.instance()
    old_style, old_palette = app.style().name(), app.palette()
    ini = str(tmp_path / "s.ini")
    try:
        _app, w = start_window(None, QSettings(ini, QSettings.IniFormat))  # first launch: the demo
        qtbot.addWidget(w)
        assert w.doc.path is None and len(w.doc.graph.nodes) == 4  # the demo, untitled
        target = str(tmp_path / "mine.json")
        w.files.ask_save_path = lambda start: target
        assert w.files.save_as()
        w.close()
        _app, w2 = start_window(None, QSettings(ini, QSettings.IniFormat))  # relaunch
        qtbot.addWidget(w2)
        assert w2.doc.path == target
        w2.close()
    finally:
        app.setStyle(QStyleFactory.create(old_style))
        app.setPalette(old_palette)


def test_tab_search_popup_is_whole_inside_the_canvas(qtbot, open_window):
    w = open_window()
    w.resize(1024, 700)
    settle()
    view, pop = w.canvas.view, w.canvas.search
    pop.open_at(QPoint(view.width() - 5, view.height() - 5), w.canvas.view.mapToScene(QPoint(0, 0)))
    assert pop.isVisible()
    assert view.rect().contains(pop.geometry())  # not clipped at the right or bottom edge
    fm = pop.list.fontMetrics()
    longest = max(fm.horizontalAdvance(pop.list.item(i).text()) for i in range(pop.list.count()))
    assert pop.list.viewport().width() >= min(longest, view.width() - 60)  # entries are not cut
    pop.hide()


def test_properties_keep_their_scroll_position_and_the_preset_box_says_modified(qtbot, open_window,
                                                                                 tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    w = open_window()
    w.resize(1024, 700)
    assert w.files.open_template(str(TEMPLATES_DIR / "text_to_video_one_object.json"))
    settle()
    panel = w.properties
    w.canvas.select(["train"])
    sb = panel.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: sb.maximum() > 100, timeout=5000)  # Train's parameters need scrolling
    sb.setValue(120)
    w.canvas.select(["dataset"])
    w.canvas.select(["train"])
    settle(50)
    assert sb.value() == 120  # it went back to the top
    # a preset: saved, then a parameter changed: the box says so
    panel.ask_preset_name = lambda default: "quick"
    qtbot.mouseClick(panel.preset_save, Qt.LeftButton)
    assert panel.preset_combo.currentText() == "quick"
    w.doc.set_param("train", "lr", 0.005)
    assert panel.preset_combo.currentText() == "quick (modified)"
    w.doc.undo_stack.undo()
    assert panel.preset_combo.currentText() == "quick"


def test_a_failed_run_says_its_error_once_in_the_status_bar(qtbot, open_window, tmp_path):
    w = open_window()
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all")
    src = w.doc.add_node("io.load_video", (0, 0))
    w.doc.set_param(src, "path", str(tmp_path / "broken.mp4"))
    out = w.doc.add_node("io.save_video", (300, 0))
    w.doc.set_param(out, "path", str(tmp_path / "x.mp4"))
    w.doc.connect(src, "video", out, "video")
    run(qtbot, w)
    verdict = w.runs.run_label.text().strip()
    assert verdict.startswith("✗") and "broken.mp4" in verdict
    assert "broken.mp4" not in w.statusBar().currentMessage()  # not a second time beside it
    assert "broken.mp4" in w.log_view.toPlainText()
    # refused before it runs (a file that is not there): said once too
    w.doc.set_param(src, "path", str(tmp_path / "missing.mp4"))
    run(qtbot, w)
    assert "missing.mp4" in w.runs.run_label.text() and "missing.mp4" not in w.statusBar().currentMessage()


def test_a_wire_over_a_port_that_will_refuse_it_says_so_before_the_release(qtbot, open_window):
    w = open_window()
    t = w.doc.add_node("io.text", (0, 0))
    r = w.doc.add_node("transform.resize", (320, 0))
    settle()
    cv = w.canvas
    vp = cv.view.viewport()
    a = cv.view.mapFromScene(cv.port_scene_center(t, "text", "out"))
    b = cv.view.mapFromScene(cv.port_scene_center(r, "video", "in"))
    qtbot.mousePress(vp, Qt.LeftButton, pos=a)
    for k in range(1, 6):
        qtbot.mouseMove(vp, a + (b - a) * (k / 5))
    assert cv.view.refusing and "gives Text" in cv.view.refusing  # the cue, while still dragging
    assert cv.view._LIVE_PIPE.pen().color().red() > 200
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=b)
    assert cv.view.refusing is None and w.doc.graph.links == []


# -- 12. labels from this run, not the last one ------------------------------------------------------------
def test_viewer_title_drops_the_last_runs_size_while_the_node_runs_again(qtbot, open_window):
    from studio.engine.clip import ArrayClip
    from studio.engine.events import NodeProgress
    w = open_window()
    pv = w.preview
    pv.show_value("n1", "Image to Video", ArrayClip(np.zeros((8, 16, 16, 3), np.float32), 8.0), "k1:video")
    assert "8 frames" in pv.title_label.summary
    pv.on_progress(NodeProgress("n1", 1, 4, frame=0, preview=np.zeros((16, 16, 3), np.float32)))
    assert pv.title_label.summary == "running…" and "8 frames" not in pv.title_label.text()
    pv.show_value("n1", "Image to Video", ArrayClip(np.zeros((4, 16, 16, 3), np.float32), 8.0), "k2:video")
    assert "4 frames" in pv.title_label.summary  # the size this run made
