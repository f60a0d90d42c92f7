"""Issue 48, items 12 and 13 (UI): the status bar's "wrote" names the folder and a click opens
it; the window's title names a graph opened from a template (the demo said "untitled"); a node's
label and the viewer agree on a clip's length ("4 of 6 frames" when the run made only part)."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt

from studio.core.assets import DEMO_GRAPH
from studio.ui.text import short_folder


def run(qtbot, w):
    with qtbot.waitSignal(w.run_finished, timeout=60_000):
        assert w.runs.run_graph()


def test_wrote_names_the_folder_and_a_click_opens_it(qtbot, nodes_window, tmp_path):
    w = nodes_window
    src = w.doc.add_node("source.shapes", (0, 0), {"frames": 6, "width": 32, "height": 24, "sound": False})
    out = w.doc.add_node("io.save_video", (300, 0), {"path": str(tmp_path / "renders" / "clip.mp4")})
    w.doc.connect(src, "video", out, "video")
    run(qtbot, w)
    link = w.runs.output_link
    text = link.text()
    assert "clip.mp4" in text and f" in <span" in text and "renders" in text, text
    assert short_folder(str(tmp_path / "renders")) in text
    opened = []
    link.opener = opened.append
    with qtbot.waitSignal(link.opened, timeout=2000) as sig:
        qtbot.mouseClick(link, Qt.LeftButton)
    assert sig.args[0] == str(tmp_path / "renders") and opened == [str(tmp_path / "renders" / "clip.mp4")]


def test_short_folder_keeps_the_tail_and_says_home_as_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert short_folder(str(tmp_path / "Documents" / "Studio" / "out")) == os.path.join("~", "Documents", "Studio", "out")
    deep = os.path.join("/srv", "projects", "a-very-long-show-name", "shots", "sh010", "comp", "out")
    got = short_folder(deep, 24)
    assert got.startswith("…" + os.sep) and got.endswith(os.path.join("comp", "out")) and len(got) <= 24


def test_the_title_names_a_graph_from_a_template(qtbot, nodes_window, tmp_path):
    w = nodes_window
    assert w.files.open_path(str(DEMO_GRAPH), ask=False)
    assert w.doc.path is None
    assert w.windowTitle().startswith("Demo (template, not saved)")
    assert "untitled" not in w.windowTitle()
    w.files.ask_save_path = lambda start: str(tmp_path / "mine.json")
    assert w.files.save_as()
    assert w.windowTitle().startswith("mine.json")
    w.files.new_graph()
    assert w.windowTitle().startswith("untitled")


def test_the_label_and_the_viewer_agree_on_the_clip_length(qtbot, nodes_window, tmp_path):
    w = nodes_window
    src = w.doc.add_node("source.shapes", (0, 0), {"frames": 6, "width": 32, "height": 24, "sound": False})
    out = w.doc.add_node("io.save_video", (300, 0), {"path": str(tmp_path / "cut.mp4")})
    w.doc.connect(src, "video", out, "video")
    w.doc.set_in_out(0, 4)  # the render is cut to frames 0-3: the source makes 4 of its 6
    run(qtbot, w)
    # selected after the run: a node selected while it runs is shown by the viewer, whose thumbnails make the
    # rest of its frames during the run, and the label then counts them too ("6 frames": the node made 6)
    w.canvas.select([src])
    label = w.canvas.status_text(src)
    assert "4 of 6 frames" in label, label
    assert w.preview.node_id == src and "6 frames" in w.preview.title_label.summary
