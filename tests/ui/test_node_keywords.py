"""Nodes found by the words of other tools (issue 61, item 13: '"roto" finds nothing'): each node
type declares keywords (NodeSpec.keywords); the palette's filter and the Tab search find it by
them, in the real widgets."""
from __future__ import annotations

import pytest

from studio.ui.canvas.search import rank_specs

WORDS = {  # a compositor's word -> node types it must find
    "roto": {"control.mask", "edit.mask_tools", "preprocess.segment"},
    "matte": {"control.mask", "edit.mask_tools", "preprocess.segment"},
    "comp": {"edit.composite"},
    "retime": {"edit.time", "motion.interpolate"},
    "upres": {"transform.resize"},
    "grade": {"edit.lut", "transform.color"},
    "tracker": {"motion.track_keypoints"},
    "merge": {"edit.composite", "transform.blend"},
}


def test_the_declarations_carry_the_keywords(nodes_registry):
    specs = {s.id: s for s in nodes_registry.specs()}
    for word, ids in WORDS.items():
        for i in ids:
            assert any(word in k.split() or word == k for k in specs[i].keywords), (word, i)
    assert all(k == k.lower() for s in specs.values() for k in s.keywords)


@pytest.mark.parametrize("word", sorted(WORDS))
def test_the_palette_finds_nodes_by_keyword(qtbot, nodes_window, word):
    win = nodes_window
    win.palette.search.setText(word)
    shown = set(win.palette.visible_types())
    assert WORDS[word] <= shown, (word, shown)
    assert "source.shapes" not in shown and "io.load_audio" not in shown
    win.palette.search.setText("")


def test_the_tab_search_ranks_keyword_matches_above_help_mentions(qtbot, nodes_window):
    from PySide6.QtCore import Qt
    win = nodes_window
    win.canvas.view.setFocus()
    qtbot.keyClick(win.canvas.view, Qt.Key_Tab)
    popup = win.canvas.search
    assert popup.isVisible()
    qtbot.keyClicks(popup.field, "roto")
    listed = [popup.list.item(i).data(Qt.UserRole) for i in range(popup.list.count())]
    assert WORDS["roto"] <= set(listed[:len(WORDS["roto"])])
    qtbot.keyClick(popup.field, Qt.Key_Escape)
    specs = list(win.doc.graph.registry.specs())
    assert [s.id for s in rank_specs(specs, "upres")][:1] == ["transform.resize"]


def test_keywords_go_through_the_node_manifest(nodes_registry):
    from studio.core.manifest import same_spec, spec_from_json, spec_to_json
    spec = nodes_registry.get("control.mask")
    d = spec_to_json(spec)
    back = spec_from_json(d, "nodes.control.makers")
    assert back.keywords == spec.keywords and "roto" in back.keywords and same_spec(spec, back)
    d["keywords"] = ["roto", 5, None, {"x": 1}]  # a damaged manifest: only the words kept
    assert spec_from_json(d, "nodes.control.makers").keywords == ("roto",)
