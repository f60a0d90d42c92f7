"""Issue 116 (the seventh walk's stalls): a converted workflow opened is drawn a few nodes per turn of the event loop
(canvas/build_turns.py), not all at once on the GUI thread. When done the canvas is the one the plain build makes;
a selection, an edit or a save during the build makes the rest at once first (nothing sees or saves half a canvas)."""
from __future__ import annotations

import json

from studio.core.assets import TEMPLATES_DIR
from studio.core.fileformat import load_graph

GRAPH = str(TEMPLATES_DIR / "character_replace.json")  # 14 nodes and a note


def shown(canvas) -> tuple:
    """What the canvas shows: each node's name, place, ports and their tooltips, the wires, the notes (the node's
    own tooltip left out: the node checks, answered on their thread when they are, add to it)."""
    nodes = sorted((ng.name(), tuple(round(v, 1) for v in ng.pos()), tuple(ng.inputs()), tuple(ng.outputs()),
                    tuple(p.view.toolTip() for p in [*ng.inputs().values(), *ng.outputs().values()]))
                   for _, ng in canvas.index.items())
    return nodes, sorted(map(tuple, canvas.index.wired())), len(canvas.node_graph.all_nodes())


def test_a_graph_drawn_in_turns_is_the_plain_one_when_done(qtbot, open_window):
    win = open_window()
    cv = win.canvas
    win.doc.set_graph(load_graph(GRAPH), None)
    plain = shown(cv)
    g = load_graph(GRAPH)
    win.doc.set_graph(g, None, in_turns=True)
    assert cv.turns.building and len(list(cv.index.items())) < len(g.nodes)  # the window's turn ended before the rest
    qtbot.waitUntil(lambda: not cv.turns.building, timeout=5000)
    assert shown(cv) == plain


def test_a_selection_edit_or_save_during_the_build_sees_the_whole_graph(qtbot, open_window, tmp_path):
    win = open_window()
    cv = win.canvas
    g = load_graph(GRAPH)
    last = list(g.nodes)[-1]
    win.doc.set_graph(g, None, in_turns=True)
    assert cv.turns.building
    cv.select([last])  # a node not drawn yet: drawn, then selected
    assert not cv.turns.building and cv.selected_ids() == [last]
    win.doc.set_graph(load_graph(GRAPH), None, in_turns=True)
    nid = win.doc.add_node("io.save_video", (0, 0))  # an edit: the rest drawn first, then its node
    assert not cv.turns.building and len(list(cv.index.items())) == len(win.doc.graph.nodes) and nid in cv.index
    win.doc.set_graph(load_graph(GRAPH), None, in_turns=True)
    out = tmp_path / "saved.json"
    assert win.files.save_to(str(out))
    assert not cv.turns.building and len(json.loads(out.read_text())["nodes"]) == len(g.nodes)

