"""Issue 116, item 2: a ComfyUI workflow opened is converted on a thread of its own (window/converting.py): the
status bar says so, the window answers meanwhile, the graph is shown when done, a failure is one sentence, and
a graph opened meanwhile is not replaced by the conversion's when it ends."""
from __future__ import annotations

import os
import threading

import pytest

from studio.core.fileformat import save_graph
from studio.core.graph import Graph

templates = pytest.importorskip("comfyui_workflow_templates_json")
WORKFLOW = os.path.join(os.path.dirname(templates.__file__), "templates", "text_to_video_wan.json")


@pytest.fixture
def gate(monkeypatch):
    """The conversion waits on its thread until the test opens the gate (then runs as it would, or fails)."""
    import studio.convert.mapping.file as mf
    state = {"open": threading.Event(), "fail": None}
    real = mf.convert_file

    def held(path, registry=None):
        assert threading.current_thread() is not threading.main_thread()  # never on the GUI thread
        state["open"].wait(20)
        if state["fail"]:
            raise state["fail"]
        return real(path, registry)
    monkeypatch.setattr(mf, "convert_file", held)
    yield state
    state["open"].set()  # a test that failed midway leaves no thread waiting


def test_the_window_answers_while_a_workflow_converts_and_shows_it_when_done(qtbot, open_window, gate):
    win = open_window()
    before = win.doc.graph
    assert win.files.open_path(WORKFLOW, ask=False)
    assert win.files.converting and "converting the ComfyUI workflow text_to_video_wan.json" in \
        win.statusBar().currentMessage()
    ticks = []
    from PySide6.QtCore import QTimer
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2000)  # the event loop runs while the conversion waits
    nid = win.doc.add_node("io.save_video", (0, 0))  # and the graph shown can still be edited
    assert win.doc.graph is before and nid in before.nodes
    gate["open"].set()
    assert win.files.conversions.wait()
    assert win.doc.graph is not before and any(n.type_id.startswith("video_models.") for n in win.doc.graph.nodes.values())
    assert "converted the ComfyUI workflow" in win.log_view.toPlainText()
    assert win.files.not_on_disk.startswith("converted from") and not win.files.converting


def test_a_conversion_that_fails_is_one_sentence_in_the_log(qtbot, open_window, gate):
    win = open_window()
    gate["fail"] = RuntimeError("the sampler's inputs loop\nsecond line")
    gate["open"].set()
    assert win.files.open_path(WORKFLOW, ask=False)
    assert win.files.conversions.wait()
    log = win.log_view.toPlainText()
    assert "cannot convert the ComfyUI workflow 'text_to_video_wan.json': the sampler's inputs loop (RuntimeError)" in log
    assert "second line" not in log and "Traceback" not in log


def test_a_graph_opened_while_a_workflow_converts_is_not_replaced(qtbot, open_window, gate, tmp_path):
    win = open_window()
    mine = Graph(win.registry)
    mine.add_node("io.save_video", node_id="kept")
    path = str(tmp_path / "mine.json")
    save_graph(mine, path)
    assert win.files.open_path(WORKFLOW, ask=False)
    assert win.files.open_path(path, ask=False)  # a Studio graph opens at once
    gate["open"].set()
    assert win.files.conversions.wait()
    assert set(win.doc.graph.nodes) == {"kept"} and win.doc.path == path


def test_a_picture_a_workflow_holds_as_text_is_written_into_the_project_folder_not_beside_it(
        qtbot, open_window, tmp_path, monkeypatch):
    """A start image saved as base64 text is decoded when the window opens the workflow: written into the project
    folder (where the untitled graph's files go), never beside the workflow opened, and its Load Image points there."""
    import json

    from tests.convert.test_comfy_leftover_mends import PNG, _wan_i2v
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    wf = tmp_path / "shared" / "loop.json"
    wf.parent.mkdir()
    wf.write_text(json.dumps(_wan_i2v({"class_type": "easy loadImageBase64",
                                       "inputs": {"base64_data": "data:image/png;base64," + PNG,
                                                  "image_output": "Hide", "save_prefix": "ComfyUI"}})))
    win = open_window()
    assert win.files.open_path(str(wf), ask=False)
    assert win.files.conversions.wait()
    qtbot.waitUntil(lambda: not win.files.converting, timeout=20000)
    assert sorted(p.name for p in wf.parent.iterdir()) == ["loop.json"]  # nothing written beside the workflow
    written = list((tmp_path / "project").glob("*.png"))
    assert len(written) == 1
    paths = [n.params["path"] for n in win.doc.graph.nodes.values() if n.type_id == "io.load_image"]
    assert paths == [str(written[0])] and f"wrote {written[0]}" in win.log_view.toPlainText()
