"""A ComfyUI output dropped on the canvas (a PNG SaveImage wrote, its workflow in its text chunks) is converted as
the workflow it carries (reading/embedded.py): the window's title and Log name the file it came from; a plain
picture dropped is one sentence, the graph kept."""
from __future__ import annotations

import json

from PIL import Image, PngImagePlugin

from tests.convert.test_embedded_workflow import PROMPT


def _png(path, prompt=None) -> str:
    info = PngImagePlugin.PngInfo()
    if prompt is not None:
        info.add_text("prompt", json.dumps(prompt))
    Image.new("RGB", (8, 8), (10, 120, 10)).save(path, pnginfo=info)
    return str(path)


def test_a_png_dropped_on_the_canvas_opens_as_the_workflow_it_carries(qtbot, open_window, tmp_path):
    win = open_window()
    png = _png(tmp_path / "ComfyUI_00007_.png", PROMPT)
    win.canvas.files_dropped.emit([png])  # what the canvas emits for a dropped file (canvas.py)
    assert win.files.conversions.wait()
    types = sorted(n.type_id for n in win.doc.graph.nodes.values())
    assert "io.load_image" in types and any("invert" in t for t in types)
    log = win.log_view.toPlainText()
    assert "converted the ComfyUI workflow inside ComfyUI_00007_.png" in log
    assert win.files.not_on_disk == "converted from the ComfyUI workflow inside ComfyUI_00007_.png"


def test_a_plain_picture_dropped_is_said_and_the_graph_kept(qtbot, open_window, tmp_path):
    win = open_window()
    before = win.doc.graph
    win.canvas.files_dropped.emit([_png(tmp_path / "holiday.png")])
    assert win.doc.graph is before
    assert "'holiday.png' carries no Studio graph" in win.log_view.toPlainText()
    assert "and no ComfyUI workflow (no 'workflow' or 'prompt' in its metadata)" in win.log_view.toPlainText()
