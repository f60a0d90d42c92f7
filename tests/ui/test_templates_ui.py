"""File > New from Template, driven as a user would: the browser lists each template with its
thumbnail and line of description; a click and Enter opens one as an untitled graph whose media
still resolve; it runs from the window; saved elsewhere it still finds its media."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from studio.core.fileformat import load_graph
from studio.engine.media import probe
from studio.ui.dialogs.templates import PATH_ROLE, TEMPLATES_DIR, TITLE_ROLE, TemplateBrowser, list_templates


pytestmark = pytest.mark.usefixtures("data_dir")  # conftest.py: the user's data folder in tmp_path


@pytest.fixture
def win(open_window):
    return open_window()


def pick(qtbot, title: str | None, key=Qt.Key_Return, seen=None):
    """A run_dialog hook: click the row of ``title`` in the browser, then press ``key``."""
    def drive(dlg):
        dlg.show()
        qtbot.waitExposed(dlg)
        if seen is not None:
            seen.append(dlg)
        if title is not None:
            row = next(i for i in range(dlg.list.count()) if dlg.list.item(i).data(TITLE_ROLE) == title)
            it = dlg.list.item(row)
            dlg.list.scrollToItem(it)
            qtbot.mouseClick(dlg.list.viewport(), Qt.LeftButton, pos=dlg.list.visualItemRect(it).center())
            assert dlg.list.currentRow() == row
        qtbot.keyClick(dlg.list, key)
        return dlg.result() == QDialog.Accepted
    return drive


def test_list_templates_has_titles_descriptions_thumbnails():
    ts = list_templates()
    names = {t.name for t in ts}
    assert {"motion_transfer", "slow_motion", "music_visualiser"} <= names
    assert "demo" not in names  # a plain example graph is not a template
    for t in ts:
        assert t.title and t.description and os.path.dirname(t.path) == str(TEMPLATES_DIR)
    assert all(t.thumbnail and os.path.exists(t.thumbnail) for t in ts if t.name in
               {"motion_transfer", "slow_motion", "music_visualiser"})
    assert [t.title.lower() for t in ts] == sorted(t.title.lower() for t in ts)


def test_browser_rows_show_thumbnail_and_description(qtbot, tmp_path):
    # a folder with one template without thumbnail and one broken file: both handled
    (tmp_path / "t1.json").write_text('{"ui": {"template": {"title": "Mine", "description": "one line"}}}')
    (tmp_path / "broken.json").write_text("{not json")
    ts = list_templates(tmp_path)
    assert [t.title for t in ts] == ["Mine"] and ts[0].thumbnail is None
    dlg = TemplateBrowser(list_templates())
    qtbot.addWidget(dlg)
    made = sum(dlg.list.itemWidget(dlg.list.item(i)) is not None for i in range(dlg.list.count()))
    assert made == 6 < dlg.list.count() and not dlg.cards_made  # those in sight as it opens (36 held it 0.2-1 s)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.list.count() == len(list_templates())
    assert dlg.list.itemWidget(dlg.list.item(0)) is not None  # those in sight made as it opens
    qtbot.waitUntil(lambda: dlg.cards_made)  # the rest a few at a time
    for i in range(dlg.list.count()):
        row = dlg.list.itemWidget(dlg.list.item(i))
        t = dlg.templates[i]
        assert t.title in row.text.text() and t.description in row.text.text()
        assert not row.thumb.pixmap().isNull() and row.thumb.pixmap().width() > 50
    # the thumbnail is on screen: the music visualiser row is not a flat colour
    i = next(i for i, t in enumerate(dlg.templates) if t.name == "music_visualiser")
    img = dlg.list.itemWidget(dlg.list.item(i)).thumb.grab().toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 20
    empty = TemplateBrowser([])
    qtbot.addWidget(empty)
    assert not empty.open_button.isEnabled() and empty.chosen() is None


def test_new_from_template_opens_untitled_with_media_resolving_and_runs(qtbot, win, tmp_path):
    win.doc.add_node("transform.resize", (0, 0))  # unsaved work: the user is asked first
    asked = []
    win.files.ask_unsaved = lambda: asked.append(1) or "discard"
    seen = []
    win.run_dialog = pick(qtbot, "Music visualiser", seen=seen)
    win.canvas.view.setFocus()
    qtbot.keyClick(win.canvas.view, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    assert seen and asked
    g = win.doc.graph
    src = load_graph(os.path.join(TEMPLATES_DIR, "music_visualiser.json"))
    assert sorted(n.type_id for n in g.nodes.values()) == sorted(n.type_id for n in src.nodes.values())
    assert win.doc.path is None and not win.isWindowModified()
    assert win.windowTitle().startswith("Music visualiser (template, not saved)")  # not "untitled" (issue 48)
    assert g.base_dir is None  # unsaved: what it writes goes to the project folder (issue 15)
    assert len(win.canvas.annotations.view("notes")) == 1  # the template's note is on the canvas
    assert "Music visualiser" in win.log_view.toPlainText()
    assert g.validate() == []
    # run it from the window at a reduced size: the music (a relative path) is found
    for n in g.nodes.values():
        if n.type_id.startswith("procedural."):
            win.doc.set_param(n.id, "frames", 6)
            win.doc.set_param(n.id, "width", 64)
            win.doc.set_param(n.id, "height", 48)
        elif n.type_id == "encode.audio":  # the features set the length of what they drive
            win.doc.set_param(n.id, "frames", 6)
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    out = str(tmp_path / "vis.mp4")
    win.doc.set_param(save.id, "path", out)
    with qtbot.waitSignal(win.run_finished, timeout=60000) as blocker:
        assert win.runs.run_graph()
    result, error = blocker.args
    assert error is None, error
    info = probe(out)
    assert info["frames"] == 6 and info["width"] == 64 and info.get("audio_codec") == "aac"

    # Save As elsewhere: the media path (made absolute when the template opened) still finds it
    music = next(n for n in g.nodes.values() if n.type_id == "io.load_audio")
    assert os.path.samefile(music.params["path"], os.path.join(TEMPLATES_DIR, "..", "media", "music.wav"))
    saved = str(tmp_path / "sub" / "mine.json")
    os.makedirs(os.path.dirname(saved))
    assert win.files.save_to(saved)
    again = load_graph(saved)
    p = again.nodes[music.id].params["path"]
    assert os.path.samefile(os.path.join(tmp_path / "sub", p), os.path.join(TEMPLATES_DIR, "..", "media", "music.wav"))


def test_template_browser_cancel_and_double_click(qtbot, win):
    a = win.doc.add_node("transform.resize", (0, 0))
    win.doc.undo_stack.setClean()
    win.run_dialog = pick(qtbot, "Slow motion 4x", key=Qt.Key_Escape)
    assert not win.files.new_from_template()
    assert list(win.doc.graph.nodes) == [a]

    def dclick(dlg):
        dlg.show()
        qtbot.waitExposed(dlg)
        row = next(i for i in range(dlg.list.count()) if dlg.list.item(i).data(TITLE_ROLE) == "Slow motion 4x")
        it = dlg.list.item(row)
        at = dlg.list.visualItemRect(it).center()
        qtbot.mouseClick(dlg.list.viewport(), Qt.LeftButton, pos=at)  # a double-click starts with a press
        qtbot.mouseDClick(dlg.list.viewport(), Qt.LeftButton, pos=at)
        assert dlg.chosen() == it.data(PATH_ROLE)
        return dlg.result() == QDialog.Accepted
    win.run_dialog = dclick
    assert win.files.new_from_template()
    assert sorted(n.type_id for n in win.doc.graph.nodes.values()) == sorted(
        n.type_id for n in load_graph(os.path.join(TEMPLATES_DIR, "slow_motion.json")).nodes.values())
    assert QApplication.activeModalWidget() is None


def test_the_cards_fit_the_list_with_no_horizontal_scroll_bar(qtbot):
    """The walk at 1024x700: a horizontal scroll bar under the cards. Cards whose height did not change kept the
    width of a viewport before its vertical scroll bar came (or their first guess): every card is now as wide as
    the viewport, after the bar comes and after a resize."""
    dlg = TemplateBrowser(list_templates())
    qtbot.addWidget(dlg)
    dlg.resize(720, 640)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.cards_made)
    for size in ((720, 640), (900, 600), (720, 640)):
        dlg.resize(*size)
        qtbot.waitUntil(lambda: dlg.list.viewport().width() < size[0])
        QApplication.processEvents()
        widths = {dlg.list.item(i).sizeHint().width() for i in range(dlg.list.count())}
        assert widths == {dlg.list.viewport().width() - 2 * dlg.list.spacing()}, (size, widths)
        assert dlg.list.horizontalScrollBar().maximum() == 0
