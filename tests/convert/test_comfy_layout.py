"""A converted ComfyUI workflow laid out (issue 61, item 5): on the canvas itself, no note covers
a node (with its status line) or another note, for every official template that makes video;
the nodes not converted are one note, not one each."""
from __future__ import annotations

import glob
import json
import os

import pytest

from studio.convert.finishing import layout as comfy_layout
from studio.convert.mapping.convert import MAX_LISTED, convert

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _doc(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _video_conversions():
    """Every template that converts into at least one video pipeline."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEMPLATES, "*.json"))):
        name = os.path.basename(path)[:-5]
        try:
            conv = convert(_doc(name), name)
        except Exception:  # noqa: BLE001 - not a workflow Studio converts: not this test's
            continue
        if conv.pipelines:
            out.append((name, conv))
    return out


def _rects(win):
    """The scene rectangles of the canvas's nodes (with their status lines) and notes."""
    from studio.ui.canvas.items import StatusItem
    nodes = []
    for nid, ng in win.canvas.index.items():
        r = ng.view.sceneBoundingRect()
        for ch in ng.view.childItems():
            if isinstance(ch, StatusItem):
                r = r.united(ch.sceneBoundingRect())
        nodes.append((nid, r))
    return nodes, [bd.view.sceneBoundingRect() for bd in win.canvas.annotations.view("notes")]


def test_no_note_covers_a_node_or_a_note_on_the_canvas(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    from studio.ui.canvas.items import NOTE_WIDTH, note_height
    from studio.ui.window.main_window import MainWindow
    assert comfy_layout.NOTE_W == NOTE_WIDTH  # the layout's notes are the canvas's width
    win = MainWindow()
    win.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(win)
    done = _video_conversions()
    assert len(done) >= 40  # the package's video templates (78 when written)
    covered = []
    for name, conv in done:
        win.doc.set_graph(conv.graph)
        nodes, notes = _rects(win)
        assert len(nodes) == len(conv.graph.nodes) and len(notes) == len(conv.graph.ui.get("notes") or [])
        for i, note in enumerate(notes):
            text = conv.graph.ui["notes"][i]["text"]
            assert note_height(text) <= comfy_layout.note_height(text), (name, text[:80])  # the estimate is above
            covered += [(name, i, nid) for nid, r in nodes if note.intersects(r)]
            covered += [(name, i, j) for j, other in enumerate(notes[:i]) if note.intersects(other)]
        for nid, r in nodes:  # and the layout's node width is above the canvas's
            assert r.width() <= comfy_layout.NODE_W, (name, nid)
    assert covered == []


def test_the_animate_workflow_gives_a_few_notes_and_names_every_node_it_drops():
    for name in ("video_wan_animate2", "video_wan_animate2_distilled"):
        conv = convert(_doc(name), name)
        notes = conv.graph.ui["notes"]
        assert len(notes) <= 7, [n["text"][:60] for n in notes]  # were 28 and 42, one per node
        dropped = [n for n in notes if n["text"].startswith("ComfyUI nodes not converted")]
        assert len(dropped) == 1
        listed = dropped[0]["text"].count("\n- '")
        assert listed == sum(int(x.rsplit(" x", 1)[1]) if " x" in x else 1
                             for x in next(l for l in conv.log if "not converted" in l).split(": ", 2)[2].split(", "))
        assert listed + len(conv.passed) >= 15  # the rest passed over by their types, each said in its own note
        assert sum(n["text"].startswith("ComfyUI nodes passed over") for n in notes) == (1 if conv.passed else 0)


def test_thousands_of_nodes_not_converted_are_one_note_that_says_how_many():
    doc = _doc("text_to_video_wan")
    for n in doc["nodes"]:
        n["pos"] = [1e300, -1e300]  # far off: the converted nodes are placed by Studio
    for i in range(1500):  # each given the VAE (#39): a node joined to none would be passed over (displays.py)
        doc["nodes"].append({"id": 10_000 + i, "type": "SomePackNode", "pos": [float(i), 1e30], "mode": 0,
                             "inputs": [{"name": "vae", "type": "VAE", "link": 20_000 + i}], "outputs": [],
                             "widgets_values": [i, "x" * 1000]})
        doc["links"].append([20_000 + i, 39, 0, 10_000 + i, 0, "VAE"])
    conv = convert(doc, "many.json")
    dropped = [n["text"] for n in conv.graph.ui["notes"] if n["text"].startswith("ComfyUI nodes not converted")]
    assert len(dropped) == 1 and "(1,500)" in dropped[0]
    assert dropped[0].count("(SomePackNode, #") == MAX_LISTED
    assert f"and {1500 - MAX_LISTED:,} more" in dropped[0]
    assert len(dropped[0]) < MAX_LISTED * (1000 + 400)  # each node's settings whole (settings23), MAX_LISTED listed
    positions = conv.graph.ui["positions"].values()
    assert all(abs(c) < 1e5 for p in positions for c in p)  # laid out by Studio, not where the file said


def test_notes_of_a_pipeline_start_beside_it_and_columns_do_not_overlap():
    conv = convert(_doc("video_wan_vace_14B_v2v"), "v2v")
    g = conv.graph
    right = max(p[0] for p in g.ui["positions"].values()) + comfy_layout.NODE_W
    notes = g.ui["notes"]
    assert all(n["pos"][0] >= right for n in notes)
    boxes = [(n["pos"][0], n["pos"][1], comfy_layout.NOTE_W, comfy_layout.note_height(n["text"])) for n in notes]
    for i, (x, y, w, h) in enumerate(boxes):
        for (x2, y2, w2, h2) in boxes[:i]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    assert notes[0]["text"].startswith("Converted from ComfyUI")  # the sampling note first, at the top
    assert notes[0]["pos"][1] == min(p[1] for p in g.ui["positions"].values())


@pytest.mark.parametrize("name", ["video_wan_ati", "video_wanmove_480p"])
def test_the_tracks_a_family_makes_stand_in_a_column_before_the_generator(name):
    """Issue 75, item 8: ATI's Tracks from Coordinates (and Wan-Move's path tracks) kept ComfyUI's place,
    behind Image to Video; they join its band, each in a column before the node it feeds."""
    g = convert(_doc(name), name).graph
    pos = g.ui["positions"]
    gen = next(n.id for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    tracks = [n.id for n in g.nodes.values() if n.type_id.startswith("motion.")]
    assert tracks and all(pos[t][0] < pos[gen][0] and pos[t][1] >= 0 for t in tracks)
    spots = [tuple(p) for nid, p in pos.items() if nid in g.nodes]
    assert len(spots) == len(set(spots))  # no two nodes at one place
