"""Issue 104 item 4 and issue 100 item 6, driven through the window's widgets at 1024x700: the viewer's
PREVIEW mark in its own corner (the title's '[PREVIEW: …]' was cut off), the toolbar saying Preview
while the run previews (it read Final), the output link cut at its end with '…', and the Queue dock's
jobs with their seed and size (Preview / Final, picked in the dock) in five rows and more, Pause saying
Resume while paused."""
from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer

from studio.core.assets import TEMPLATES_DIR
from studio.engine.clip import ArrayClip

TEMPLATE = os.path.join(str(TEMPLATES_DIR), "text_to_video_pretrained.json")


def _settle(ms: int = 120) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def test_the_preview_mark_stands_in_the_viewers_corner(make_area):
    area = make_area(360, 240)
    clip = ArrayClip(np.zeros((3, 48, 64, 3), np.float32))
    clip.preview = "Text to Video at 256x144 instead of 832x480, 8 steps instead of 30"
    area.show_value("n2", "Save Video with a long title that the bar cuts", clip, "sig:video")
    mark = area.preview_mark
    assert mark.isVisible() and mark.text() == "PREVIEW" and "256x144 instead of 832x480" in mark.toolTip()
    stack = area.stack.rect()
    assert stack.contains(mark.geometry()) and mark.geometry().right() >= stack.right() - 8  # its own top right
    assert mark.geometry().top() <= 8
    area.viewer_widget.resize(220, 240)  # narrower: it moves with the corner, still whole
    _settle(30)
    assert area.stack.rect().contains(mark.geometry())
    area.show_value("n3", "Resize", ArrayClip(np.zeros((3, 48, 64, 3), np.float32)), "sig2:video")
    assert not mark.isVisible()  # a full-size clip: no mark
    area.show_value("n2", "Save Video", clip, "sig:video")
    area.clear()
    assert not mark.isVisible()


def test_the_toolbar_says_preview_while_the_run_previews(nodes_window, monkeypatch):
    win = nodes_window
    assert win.files.open_path(TEMPLATE, ask=False)
    gen = next(n for n in win.doc.graph.nodes.values() if n.spec.param("preview_size") is not None)
    toggle = win.preview_toggle
    monkeypatch.setattr(win, "runs_on_cpu", lambda: True)
    toggle.on_cpu = win.runs_on_cpu
    gen.params["preview_size"] = "on CPU"
    toggle.sync()
    assert toggle.isChecked() and toggle.text() == "Preview" and gen.label in toggle.toolTip()
    toggle.click()  # full size: every generator's 'preview size' off, one undo step
    assert gen.params["preview_size"] == "off" and toggle.text() == "Full size" and not toggle.isChecked()
    win.doc.undo_stack.undo()
    assert gen.params["preview_size"] == "on CPU" and toggle.text() == "Preview"
    monkeypatch.setattr(win, "runs_on_cpu", lambda: False)  # on a GPU 'on CPU' makes the full size
    toggle.on_cpu = win.runs_on_cpu
    toggle.sync()
    assert toggle.text() == "Full size"
    toggle.click()  # preview on a GPU: 'always'
    assert gen.params["preview_size"] == "always" and toggle.text() == "Preview"


def test_the_output_link_is_cut_at_its_end(nodes_window, tmp_path):
    """Seen under Xvfb: 'wrote text_to_video_pretrained.preview.m', the name cut off with no sign of it."""
    import re
    win = nodes_window
    win.resize(1024, 700)
    link = win.runs.output_link
    name = "text_to_video_pretrained_with_a_rather_long_name_for_a_take.preview.mp4"
    link.set_outputs([str(tmp_path / "renders" / name)])
    _settle(60)
    shown = re.sub("<[^>]+>", "", link.text())
    assert shown.startswith("wrote text_to_video") and shown.endswith("…") and shown.count("…") == 1
    assert link.fontMetrics().horizontalAdvance(shown) <= link.contentsRect().width()  # whole, to its '…'
    assert name in link.toolTip()
    link.set_outputs([str(tmp_path / "t.mp4")])  # a short name: whole, its folder cut first
    _settle(60)
    assert re.sub("<[^>]+>", "", link.text()).startswith("wrote t.mp4 in ")


def test_the_queue_dock_shows_seeds_sizes_and_resume_at_1024x700(nodes_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    from studio.queue import admit  # the template's model is not on this machine: its jobs would be refused when
    monkeypatch.setattr(admit, "refusal", lambda job, registry=None: None)  # added (test_queue_keeps_word.py)
    win = nodes_window
    win.resize(1024, 700)
    assert win.files.open_path(TEMPLATE, ask=False)
    gen = next(n for n in win.doc.graph.nodes.values() if n.spec.param("preview_size") is not None)
    gen.params["preview_size"] = "always"
    win.preview_toggle.sync()
    panel = win.queue_panel
    win.queue_dock.raise_()
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)  # the jobs wait: only the list is looked at
    assert panel.queue.paused and panel.pause_button.text() == "Resume"
    assert panel.size_box.currentText() == "Size: Final"  # the queue's own size: Final until one is picked
    panel.size_box.activated.emit(0)  # the artist picks Preview
    panel.variations.setText("seeds 1-5")
    qtbot.mouseClick(panel.variations_button, Qt.LeftButton)
    panel.size_box.activated.emit(1)  # the artist picks Final
    panel.size_box.setCurrentIndex(1)
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    _settle()
    table = panel.table
    cols = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = [{cols[c]: table.item(r, c).text() for c in range(len(cols))} for r in range(table.rowCount())]
    assert [(r["Seed"], r["Size"], r["State"]) for r in rows[:5]] == [(str(s), "Preview", "queued") for s in range(1, 6)]
    assert rows[5]["Size"] == "Final" and rows[5]["Seed"] == str(win.doc.graph.settings.get("seed", 0))
    shown = [r for r in range(6) if table.visualRect(table.model().index(r, 1)).bottom() <= table.viewport().height()]
    assert len(shown) >= 5, (table.viewport().height(), table.rowHeight(0))
    assert not table.horizontalScrollBar().isVisible() and win.width() == 1024
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)  # an eighth: past the fold, the list scrolls to it
    _settle()
    last = table.visualRect(table.model().index(table.rowCount() - 1, 1))
    sb = table.verticalScrollBar()
    assert last.top() >= 0 and last.bottom() <= table.viewport().height(), (sb.maximum(), sb.value(), table.rowCount())
    from studio.queue.run import job_graph
    preview_job, final_job = panel.queue.jobs()[0], panel.queue.jobs()[5]
    assert job_graph(preview_job).nodes[gen.id].params["preview_size"] == "always"  # wherever it runs
    assert job_graph(final_job).nodes[gen.id].params["preview_size"] == "off"  # full size, as main.py render
    win.preview_toggle.click()  # the window at full size: the dock keeps the size picked there
    assert panel.size_box.currentText() == "Size: Final"
    qtbot.mouseClick(panel.pause_button, Qt.LeftButton)
    assert panel.pause_button.text() == "Pause"
    panel.queue.set_paused(True)


def test_a_damaged_queue_file_is_said_in_the_log(open_window, tmp_path):
    folder = tmp_path / "data" / "queue"
    folder.mkdir(parents=True)
    from studio.queue.store import FILE
    (folder / FILE).write_text("{ not json")
    win = open_window()
    assert win.queue_panel.queue.notes
    assert f"queue: {win.queue_panel.queue.notes[0]}" in win.log_view.toPlainText()


def test_a_path_typed_in_properties_is_allowed_as_a_pick_is(qtbot, open_window, place):
    """Issue 104 item 6: a newcomer typing the README's paths met 'Allow this folder?' at F5 first. The
    artist's typed path gives its folder as a pick in a file dialog does (read: kept; write: this session);
    a value the graph brought, focused and left, gives nothing."""
    from studio.core import confine
    from studio.core.settings import load_settings
    shared, outside = place
    win = open_window()
    load = win.doc.add_node("io.load_image", (0, 0), {"path": str(outside / "elsewhere" / "x.png")})
    win.canvas.select([load])
    ed = win.properties.editors["path"]
    ed.edit.setFocus()
    ed.edit.editingFinished.emit()  # the graph's own value: not the artist's keys
    assert load_settings()["read_dirs"] == []
    ed.edit.clear()
    qtbot.keyClicks(ed.edit, str(outside / "plate.png"))
    qtbot.keyClick(ed.edit, Qt.Key_Return)
    assert win.doc.graph.nodes[load].params["path"] == str(outside / "plate.png")
    assert load_settings()["read_dirs"] == [confine.real(str(outside))]
    save = win.doc.add_node("io.save_video", (200, 0), {"path": "out.mp4"})
    win.canvas.select([save])
    ed = win.properties.editors["path"]
    ed.edit.clear()
    qtbot.keyClicks(ed.edit, str(outside / "renders" / "take.mp4"))
    win.properties.flush_edits()  # F5 with the cursor still in the field
    assert confine.real(str(outside / "renders")) in confine.allowed_dirs(str(shared))


def test_preferences_list_every_folder_given_and_revoke_one(qtbot, place):
    """Issue 104 item 6: the folders read from (picked or typed) and those allowed for this session are
    listed in Preferences beside the allowed output folders, and Remove revokes one, at once."""
    from PySide6.QtWidgets import QDialogButtonBox

    from studio.core import confine
    from studio.core.settings import load_settings
    from studio.ui.dialogs.preferences import PreferencesDialog
    shared, outside = place
    footage, renders = outside / "footage", outside / "renders"
    confine.remember_read_folder(str(footage))
    confine.allow_for_session(str(renders))
    assert confine.real(str(footage)) in confine.readable_dirs(str(shared))
    d = PreferencesDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.read_dirs.folders() == [confine.real(str(footage))]
    assert d.session_dirs.folders() == [confine.real(str(renders)), confine.real(str(footage))]
    assert not d.session_dirs.add_button.isVisible()
    assert d.minimumSizeHint().height() <= 660, d.minimumSizeHint()  # fits a 1024x700 screen, title bar and all
    d.read_dirs.list.setCurrentRow(0)
    qtbot.mouseClick(d.read_dirs.remove_button, Qt.LeftButton)
    d.session_dirs.list.setCurrentRow(0)
    qtbot.mouseClick(d.session_dirs.remove_button, Qt.LeftButton)
    with qtbot.waitSignal(d.saved, timeout=2000):
        qtbot.mouseClick(d.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert load_settings()["read_dirs"] == []
    assert confine.real(str(footage)) not in confine.readable_dirs(str(shared))  # revoked now, not next session
    assert confine.real(str(renders)) not in confine.allowed_dirs(str(shared))


def test_the_families_dialog_counts_families_as_the_readme_does(qtbot):
    """'65 kinds of model' beside the README's '34 families' (issue 104's walk): the dialog counts the video
    model families apart, the number the README's fact says."""
    import re

    from scripts import doc_facts
    from studio.ui.panels.families import count_words
    records = [{"kind": "video model"}] * 3 + [{"kind": "text encoder"}, {"kind": "upscaler"}, {"kind": "not read"}]
    assert count_words(records) == ("3 video model families, 2 other models (text encoders, upscalers, "
                                    "preprocessors…) and 1 named, not read")
    from nodes.video_models.catalog.family_records import family_records
    said = count_words(family_records())
    assert said.startswith(f"{doc_facts.facts()['families_count']} video model families")
    readme = open(os.path.join(os.path.dirname(doc_facts.__file__), "..", "README.md"), encoding="utf-8").read()
    assert re.search(r"fact:families_count -->(\d+)<", readme).group(1) == doc_facts.facts()["families_count"]
    from studio.ui.panels.families import FamiliesDialog
    d = FamiliesDialog(family_records())
    qtbot.addWidget(d)
    assert d.minimumSizeHint().width() <= 1000  # its words wrap: the dialog fits a 1024-wide screen


def test_the_readme_counts_the_templates_the_browser_lists():
    from scripts import doc_facts
    from studio.ui.dialogs.templates import list_templates
    assert doc_facts.facts()["templates"] == str(len(list_templates()))  # 36, where 37 files counted the demo


def test_checks_said_of_a_node_are_not_shown_for_another_graphs_node_with_its_id(qtbot, nodes_window, tmp_path):
    """Issue 104 item 2: what was said of a node belongs to its graph. Node ids repeat from graph to graph:
    a node of the next graph selected before its own check ran showed the old graph's '⚠ … not found'."""
    from studio.core.graph import Graph
    win = nodes_window
    nid = win.doc.add_node("io.load_image", (0, 0), {"path": str(tmp_path / "gone.png")})
    win.canvas.select([nid])
    win.check_now()
    assert "not found" in win.properties.checks.text()
    other = Graph(win.doc.graph.registry)
    fine = other.add_node("io.load_image", {"path": os.path.join(str(TEMPLATES_DIR), "media", "still.png")})
    assert fine.id == nid  # the same id in another graph
    win.doc.set_graph(other, None)
    win.canvas.select([nid])  # at once: before the new graph's checks have run
    assert not win.properties.checks.isVisible()


def test_the_timelines_message_is_cut_at_its_end(make_area):
    """A plain label with no width of its own clipped the timeline's message mid-word, with no sign of it."""
    area = make_area(320, 200)
    area._say("muted: no audio device was found on this machine, so playback runs silent until one is")
    _settle(30)
    shown = area.info_label.shown_text()
    assert shown.endswith("…") and shown.startswith("muted:")
    assert area.info_label.fontMetrics().horizontalAdvance(shown) <= area.info_label.contentsRect().width()
    assert "until one is" in area.info_label.toolTip()


def test_the_time_left_of_each_row_in_one_pass():
    """The dock's times from the queue's estimates read once (not a queue walk a row): the running job's
    rest, then each waiting job's in the order they run; unknown from the first job with no estimate."""
    from types import SimpleNamespace as NS

    from studio.ui.panels.queue_rows import time_left
    run = NS(id="r", state="running", progress=0.5, seconds=3.0)
    a, b, c = (NS(id=k, state="queued", seconds=None) for k in "abc")
    done = NS(id="d", state="done", seconds=7.0)
    calls = []

    class Queue:
        running = run

        def estimates(self, jobs):
            calls.append(len(jobs))
            return {"r": 10.0, "a": 4.0, "b": None, "c": 2.0, "d": 8.0}

        def pending(self):
            return [a, b, c]
    left = time_left(Queue(), [done, run, a, b, c])
    assert left == {"d": 7.0, "r": 5.0, "a": 9.0, "b": None, "c": None} and calls == [5]


def test_the_viewer_is_the_windows_again_when_a_queued_job_ends(open_window, tmp_path, monkeypatch):
    """Seen under Xvfb: after the queued jobs had ended, the viewer still showed the last job's live frame
    ('live: step 8 / 8') under the window's own node title."""
    from studio.engine.events import NodeProgress
    monkeypatch.setenv("STUDIO_ALLOWED_DIRS", str(tmp_path))
    win = open_window()
    g = win.doc.graph
    solid = g.add_node("procedural.solid", {"frames": 2, "width": 16, "height": 16})
    area = win.preview
    area.on_progress(NodeProgress(solid.id, 8, 8, preview=np.zeros((16, 16, 3), np.float32)))  # a job's frame
    assert area.live_node == solid.id and area.stack.image.caption.startswith("live: step 8 / 8")
    job = type("Job", (), {"id": "j1", "title": "t · seed 1", "state": "done", "error": "", "outputs": []})()
    win.queue_panel._on_heard("ended", job, None)
    assert area.live_node is None and area.stack.image.caption == "" and area.node_id is None


def test_a_seed_variations_row_leaves_the_seed_to_its_column():
    """The walk: every row read 'name · seed N' beside the Seed column's N. The title keeps it (the CLI's list
    has no such column); a title that only looks alike, or a sweep's, is shown whole."""
    from types import SimpleNamespace as NS

    from studio.ui.panels.queue_rows import title_of
    assert title_of(NS(title="sh010 · seed 12", seed=12)) == "sh010"
    assert title_of(NS(title="sh010 · seed 12", seed=None)) == "sh010 · seed 12"
    assert title_of(NS(title="sh010 · seed 12", seed=3)) == "sh010 · seed 12"
    assert title_of(NS(title=" · seed 1", seed=1)) == " · seed 1"  # nothing left: kept whole
    assert title_of(NS(title="sh010 · steps=20", seed=None)) == "sh010 · steps=20"


def test_before_its_first_frame_a_run_says_its_clip_is_coming_not_a_one_frame_clip(make_area):
    """The walk: a step preview made the strip a one-frame clip, its red playhead and label mid-strip over the
    ruler. Now the strip says the clip is coming; the first frame makes the clip; the run's end clears it."""
    from types import SimpleNamespace as NS

    from studio.engine.events import NodeProgress
    from studio.ui.preview.live import WAITING
    from studio.ui.window.run_views import end_live
    area = make_area(360, 240)
    preview = np.full((9, 16, 3), 0.5, np.float32)
    area.on_progress(NodeProgress("gen", 1, 8, preview=preview))
    tl = area.timeline
    assert tl.n_frames == 0 and tl.waiting == WAITING
    end_live(area, NS(level="info", verdict="done"))
    assert tl.waiting == ""
    area.on_progress(NodeProgress("gen", 2, 8, preview=preview))
    area.on_progress(NodeProgress("gen", 1, 5, frame=0, preview=preview))  # frames: the clip grows
    assert tl.n_frames == 5 and tl.waiting == ""


def test_the_playhead_label_keeps_inside_the_strip_and_off_the_rulers_numbers(qtbot):
    """Its label turns left of the line at the strip's end; a ruler number or timecode it would cover is left
    out (the walk: the ruler's timecodes ran under it)."""
    from PySide6.QtGui import QImage, QPainter

    from studio.ui.preview.timeline import Timeline
    from studio.ui.preview.timeline_paint import paint_ruler, playhead_label
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(160, 120)
    tl.set_clip(2, 24.0)
    img = QImage(160, 120, QImage.Format_RGB32)

    class Painter(QPainter):
        texts: list = []

        def drawText(self, *a):  # noqa: N802 - Qt's name
            self.texts.append(a[-1])
            return super().drawText(*a)
    p = Painter(img)
    ppf = tl.pixels_per_frame()
    _label, box = playhead_label(p, tl, 160, ppf)
    assert box.left() > tl.x_of(0) and box.right() > tl.x_of(1)  # frame 0's label runs over frame 1's numbers
    paint_ruler(p, tl, 160, 0, 2, ppf)
    assert "1" not in p.texts and "0" in p.texts  # frame 1's number, under the label, is left out
    tl.current = 1
    _label, box = playhead_label(p, tl, 160, ppf)
    assert box.right() <= 160 and box.right() < tl.x_of(1) + ppf / 2  # at the end: left of the line
    p.end()


def test_draft_and_preview_stand_beside_the_run_controls_at_1024x700(nodes_window):
    """Issue 104: the toolbar's Final / Preview toggles say what the next run makes; they stand right after Run,
    Stop and Pause (they had come after Device, Seed and Roll), whole on screen at 1024x700."""
    from PySide6.QtWidgets import QToolBar
    win = nodes_window
    win.resize(1024, 700)
    assert win.files.open_path(TEMPLATE, ask=False)
    _settle()
    bar = win.findChild(QToolBar, "toolbar-run")
    pause = bar.widgetForAction(win.pause_action)
    items = [bar.widgetForAction(a) for a in bar.actions()]
    at = items.index(pause)
    assert items[at + 1] is win.quality_toggle and items[at + 2] is win.preview_toggle  # next to the run controls
    for w in (bar.widgetForAction(win.run_action), pause, win.quality_toggle, win.preview_toggle):
        assert w.isVisible() and bar.rect().contains(w.geometry())  # whole, not in the toolbar's overflow
    gap = win.quality_toggle.geometry().left() - pause.geometry().right()
    assert 0 <= gap <= 12 and win.preview_toggle.geometry().left() - win.quality_toggle.geometry().right() <= 12


def test_the_timeline_message_stands_beside_the_time_not_over_it(make_area):
    """Seen under Xvfb at 1024x700: drawing a camera key said 'the Zoom In preset is now keys you can move' on
    the timeline's bar over 'frame 40 / 48  00:00:02:08  16 fps' (the layout gave the time no room of its own)."""
    area = make_area(696, 150)
    area.time_label.setText("frame 40 / 48   00:00:02:08   16 fps")
    area.info_label.setText("the Zoom In preset is now keys you can move ('Custom'): Undo brings it back")
    _settle(30)
    time, info = area.time_label.geometry(), area.info_label.geometry()
    assert info.left() > time.right() and info.right() < area.fit_timeline_button.geometry().left()
    assert area.time_label.fontMetrics().horizontalAdvance(area.time_label.text()) <= time.width()
    assert area.info_label.shown_text().endswith("…")  # cut at its end, whole in its tooltip


def test_the_timelines_message_goes_with_its_graph(make_area):
    """Seen under Xvfb: 'the Zoom In preset is now keys you can move' (said drawing a camera key in the Camera move
    template) stood on the timeline's bar of the Kandinsky 6 template opened next, over 'no clip'."""
    area = make_area(696, 150)
    area._say("the Zoom In preset is now keys you can move ('Custom'): Undo brings it back")
    assert area.info_label.text()
    area.clear()  # another graph opened
    assert area.info_label.text() == "" and area.info_label.toolTip() == ""
