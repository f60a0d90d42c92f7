"""Issue 116's aim, at 1024x700: nothing cut without a tooltip. Walk10 found the Render dialog's output path shown
only by its end, with no tooltip. Every dialog of studio/ui/dialogs is opened with long paths and names in its
fields and lists (the Render dialog's output, the Preferences' folders, a group's title, the template browser), no
bigger than 1024x700, and each line edit, one-line label and list item whose text is wider than the room it has
must say the whole text in its tooltip (studio/ui/whole_text.py); the tooltip follows an edit."""
from __future__ import annotations

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import Qt as GuiQt, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QStyle

LONG = "/home/artist/projects/client_spring_campaign/shots/sh010_the_lighthouse_at_dusk/renders/final"


def _settle(ms: int = 50) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _cut_without_tooltip(root) -> list[str]:
    """The texts shown cut in ``root`` whose widget's tooltip does not hold them whole."""
    out = []
    for e in root.findChildren(QLineEdit):
        text = e.text() or e.placeholderText()
        room = e.contentsRect().width() - 2 * e.style().pixelMetric(QStyle.PM_DefaultFrameWidth) - 4
        if e.isVisible() and text and e.fontMetrics().horizontalAdvance(text) > room and text not in e.toolTip():
            out.append(f"line edit {e.objectName() or e.placeholderText()!r}: {text!r}")
    for lab in root.findChildren(QLabel):
        if not lab.isVisible() or lab.wordWrap() or not lab.text():
            continue
        rich = lab.textFormat() == Qt.RichText or (lab.textFormat() == Qt.AutoText and GuiQt.mightBeRichText(lab.text()))
        plain = QTextDocumentFragment.fromHtml(lab.text()).toPlainText() if rich else lab.text()
        wide = max(lab.fontMetrics().horizontalAdvance(line) for line in plain.split("\n"))
        if wide > lab.contentsRect().width() and not (lab.toolTip() if rich else plain in lab.toolTip()):
            out.append(f"label: {plain!r}")
    for view in root.findChildren(QListWidget):
        for i in range(view.count()):
            it = view.item(i)
            room = view.viewport().width() - 8
            if view.isVisible() and view.fontMetrics().horizontalAdvance(it.text()) > room and it.text() not in it.toolTip():
                out.append(f"list item: {it.text()!r}")
    return out


def _at_most_1024x700(d) -> None:
    d.show()
    d.resize(min(d.width(), 1024), min(d.height(), 700))
    _settle()


def test_the_render_dialogs_output_path_is_whole_in_its_tooltip(qtbot, nodes_window):
    from studio.ui.dialogs.render import RenderDialog
    d = RenderDialog(nodes_window.doc.graph, nodes_window, output=LONG + "/sh010_v012_lighthouse_dusk.mp4")
    qtbot.addWidget(d)
    _at_most_1024x700(d)
    assert d.output_edit.fontMetrics().horizontalAdvance(d.output_edit.text()) > d.output_edit.width()  # cut
    assert _cut_without_tooltip(d) == []
    d.output_edit.setText(LONG + "/take_2.mp4")  # chosen or typed: the tooltip follows
    assert d.output_edit.toolTip() == LONG + "/take_2.mp4"


def test_the_preferences_folders_and_a_groups_title_are_whole_in_their_tooltips(qtbot, nodes_window, tmp_path,
                                                                                monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    from studio.ui.dialogs.group_dialog import GroupDialog
    from studio.ui.dialogs.preferences import PreferencesDialog
    d = PreferencesDialog(nodes_window)
    qtbot.addWidget(d)
    d.models_dir.edit.setText(LONG + "/models")
    d.comfyui_dir.edit.setText(LONG + "/ComfyUI")
    d.extra_dirs.add(LONG + "/more_models")
    d.allowed_dirs.add(LONG + "/outputs")
    _at_most_1024x700(d)
    for page in range(d.pages.count()):
        d.pages.setCurrentIndex(page)
        _settle()
        assert _cut_without_tooltip(d) == [], d.pages.tabText(page)
    assert d.comfyui_dir.edit.toolTip().startswith("ComfyUI's folder") and LONG in d.comfyui_dir.edit.toolTip()

    w = nodes_window
    ids = [w.doc.add_node("io.load_image", (0, 0)), w.doc.add_node("io.save_video", (300, 0))]
    g = GroupDialog(w.doc.graph, ids, w)
    qtbot.addWidget(g)
    _at_most_1024x700(g)
    g.title_edit.setText("Lighthouse at dusk: the matte, the grade and the slow push-in, second version " * 2)
    assert _cut_without_tooltip(g) == []


def test_the_template_browser_cuts_nothing_without_a_tooltip(qtbot):
    from studio.ui.dialogs.templates import TemplateBrowser
    d = TemplateBrowser()
    qtbot.addWidget(d)
    _at_most_1024x700(d)
    qtbot.waitUntil(lambda: not d.looking, timeout=10000)
    _settle()
    assert _cut_without_tooltip(d) == []
