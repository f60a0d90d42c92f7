"""Issue 61, item 3: a converted ComfyUI workflow and the graph inside a rendered clip are not on
disk as shown: replacing them (New, Open, a template, closing) asks the unsaved-changes question,
as an edited graph does; Save As ends it; File > Open starts in the folder last opened from."""
from __future__ import annotations

import json
import os

import pytest

from studio.core.fileformat import graph_to_dict
from studio.core.graph import Graph

templates = pytest.importorskip("comfyui_workflow_templates_json")
WORKFLOW = os.path.join(os.path.dirname(templates.__file__), "templates", "text_to_video_wan.json")


def _asks(win, answer):
    asked = []
    win.files.ask_unsaved = lambda: asked.append(win.files.not_on_disk) or answer
    return asked


def test_a_converted_workflow_is_asked_about_before_it_is_replaced(qtbot, open_window, tmp_path):
    win = open_window()
    assert win.files.open_path(WORKFLOW, ask=False)
    assert win.files.conversions.wait()  # converted on its thread
    assert not win.doc.dirty and win.isWindowModified()  # nothing edited, yet not on disk as shown
    converted = set(win.doc.graph.nodes)
    asked = _asks(win, "cancel")
    win.files.new_graph()
    assert asked == ["converted from the ComfyUI workflow text_to_video_wan.json"]
    assert set(win.doc.graph.nodes) == converted  # cancelled: the converted graph stays
    win.files.ask_save_path = lambda start: str(tmp_path / "kept.json")
    asked = _asks(win, "save")
    win.files.new_graph()
    assert len(asked) == 1 and os.path.exists(tmp_path / "kept.json") and not win.doc.graph.nodes
    asked = _asks(win, "cancel")
    win.files.new_graph()  # an empty new graph: nothing to ask
    assert asked == [] and not win.isWindowModified()


def test_the_graph_inside_a_rendered_clip_is_asked_about(qtbot, open_window, tmp_path):
    from studio.cli import main as cli_main
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 32, "sound": False})
    o = g.add_node("io.save_video", {"path": str(tmp_path / "clip.mp4")})
    g.connect(s.id, "video", o.id, "video")
    (tmp_path / "g.json").write_text(json.dumps(graph_to_dict(g)))
    assert cli_main(["render", str(tmp_path / "g.json"), "--quiet"]) == 0
    win = open_window()
    assert win.files.open_path(str(tmp_path / "clip.mp4"), ask=False)
    assert win.isWindowModified()
    asked = _asks(win, "cancel")
    assert win.files.open_path(WORKFLOW) is False  # Open asks first; cancelled
    assert asked == ["the graph inside clip.mp4"] and len(win.doc.graph.nodes) == 2


def test_open_starts_in_the_folder_last_opened_from(qtbot, open_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    win = open_window()
    starts = []
    picked = iter([WORKFLOW, ""])
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda parent, title, start, filters: (starts.append(start), (next(picked), ""))[1]))
    win.files.ask_unsaved = lambda: "discard"
    win.files.open_dialog()
    win.files.open_dialog()
    assert starts[1] == os.path.dirname(WORKFLOW)
