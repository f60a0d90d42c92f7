"""Issue 116, item 1: the window fits 1024x700 whatever is selected. A converted Wan 2.2 workflow's Load Video
Model (four files not found, each said in a long sentence) made Properties ask for 526 px and the window grew
from 681 to 863 px: its Log, tabs and status bar off the screen. Here every template and converted workflow of
the tests has its node with the most warnings selected, and the window still fits; the notes scroll instead."""
from __future__ import annotations

import glob
import os

from studio.core.assets import TEMPLATES_DIR
from tests.ui.settle import settle

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "convert", "data")


def _graphs() -> list[str]:
    out = sorted(glob.glob(str(TEMPLATES_DIR / "*.json")))
    out += sorted(glob.glob(os.path.join(DATA, "**", "*.json"), recursive=True))
    try:  # ComfyUI's official Wan 2.2 workflows (a test dependency), the walk's own
        import comfyui_workflow_templates_json as t
        comfy = os.path.join(os.path.dirname(t.__file__), "templates")
        out += [os.path.join(comfy, n + ".json") for n in ("video_wan2_2_14B_i2v", "video_wan2_2_14B_flf2v")]
    except ImportError:
        pass
    return out


def _most_warned(w) -> tuple[str, int]:
    said = {nid: w.canvas.badges._checks.get(nid, []) for nid in w.doc.graph.nodes}
    nid = max(said, key=lambda n: (len(said[n]), sum(len(t) for _lv, t in said[n])))
    return nid, len(said[nid])


def test_the_node_with_the_most_warnings_never_makes_the_window_outgrow_1024x700(qtbot, nodes_window):
    w = nodes_window
    w.resize(1024, 700)
    settle()
    most = 0
    for path in _graphs():
        assert w.files.open_path(path, ask=False), path
        assert w.files.conversions.wait(), path  # a workflow converts on its thread
        w.check_now()
        nid, n = _most_warned(w)
        most = max(most, n)
        w.canvas.select([nid])
        hint = w.minimumSizeHint()
        assert hint.height() <= 700 and hint.width() <= 1024, (os.path.basename(path), hint.toTuple())
    settle()
    assert (w.width(), w.height()) == (1024, 700)  # shown at 1024x700 with the last one selected: unchanged
    assert most >= 3  # a node with several warnings was among them (the Wan 2.2 loader's files not found)


def test_long_warnings_scroll_inside_properties(qtbot, nodes_window):
    w = nodes_window
    w.resize(1024, 700)
    settle()
    nid = w.doc.add_node("io.load_image", (0, 0), {"path": "nowhere.png"})
    w.canvas.select([nid])
    w.check_now()  # the node's own checks said now: they would replace those set here a moment later
    words = "the file was not found where the graph said it would be, nor beside the graph " * 3
    w.properties.set_checks([("error", f"{k}: {words}") for k in range(12)])
    settle()
    notes = w.properties.notes
    assert notes.scrolls()  # twelve long warnings: more than the notes show, the rest a scroll away
    assert notes.height() <= notes.sizeHint().height() + 2 < 12 * notes.fontMetrics().lineSpacing()
    assert w.minimumSizeHint().height() <= 700 and (w.width(), w.height()) == (1024, 700)
    assert w.properties.scroll.height() >= 3 * notes.fontMetrics().lineSpacing()  # the fields keep room
    w.properties.set_checks([])
    settle()
    assert not notes.scrolls(), (notes.content_height(), notes.viewport().height(), notes.height(), notes.sizeHint().height())


def test_a_short_note_takes_only_its_own_lines(qtbot, nodes_window):
    w = nodes_window
    nid = w.doc.add_node("io.load_image", (0, 0), {"path": "nowhere.png"})
    w.canvas.select([nid])
    w.check_now()
    w.properties.set_checks([("warning", "short")])
    settle()
    notes = w.properties.notes
    assert not notes.scrolls() and notes.height() <= notes.content_height() + 4


def test_a_note_saved_too_small_for_its_text_shows_all_of_it(qtbot, nodes_window):
    """A converted workflow's note kept ComfyUI's size, and its last line was cut at the note's edge."""
    from studio.ui.canvas.items import note_height
    w = nodes_window
    text = "This workflow makes a clip in two passes; " * 12 + "the last line."
    w.doc.set_annotations_now("notes", [{"text": text, "pos": [0, 0], "size": [300, 40]}])
    settle()
    item = w.canvas.annotations.view("notes")[0].view
    assert item.width == 300 and item.height >= note_height(text, 300) > 40
    assert item.toolTip() == text
