"""The properties form fits its dock's width at 1024x700 (issue 116's window size): a node whose parameter has a
long title ('Pose strength temporal') or a long word for its minimum ("the pose video's length", a spin box's
special text) made the form wider than the dock, the Title row's mode box and the preset buttons cut off at the
right (seen with SteadyDancer and SCAIL-2 selected). Long titles now wrap; a number box may be narrower than its
minimum's word (the whole word in its tooltip) and shows the word from its start."""
from __future__ import annotations

from tests.ui.settle import settle

LONG = 16  # characters: a title or minimum's word at least this long is what made the form too wide


def _long_ones(registry) -> list[str]:
    out = []
    for spec in registry.specs():
        if any(len(p.title) >= LONG or len(getattr(p, "special", "") or "") >= LONG for p in spec.params):
            out.append(spec.id)
    return out


def test_nodes_with_long_titles_or_words_fit_the_properties_dock(qtbot, nodes_window):
    w = nodes_window
    w.resize(1024, 700)
    settle()
    kinds = _long_ones(w.doc.graph.registry)
    assert "video_models.steady_dancer" in kinds  # the node the cut was seen on
    for type_id in kinds:
        nid = w.doc.add_node(type_id, (0, 0), {})
        w.canvas.select([nid])
        for _ in range(20):  # the panel adds the rows past its first ones an event-loop turn at a time
            settle()
            if len(w.properties._editors) == len(w.doc.graph.nodes[nid].spec.params):
                break
        body, view = w.properties.scroll.widget(), w.properties.scroll.viewport()
        assert body.minimumSizeHint().width() <= view.width(), (type_id, body.minimumSizeHint().width(), view.width())
        assert body.width() <= view.width(), type_id  # nothing of the form is under the dock's right edge
        w.doc.remove_nodes([nid])
    assert (w.width(), w.height()) == (1024, 700)


def test_a_number_box_shows_its_minimums_word_from_the_start(qtbot, nodes_window):
    w = nodes_window
    w.resize(1024, 700)
    settle()
    nid = w.doc.add_node("video_models.steady_dancer", (0, 0), {"frames": 0})
    w.canvas.select([nid])
    for _ in range(20):
        settle()
        if "frames" in w.properties._editors:
            break
    spin = w.properties._editors["frames"].spin
    word = spin.specialValueText()
    assert len(word) >= LONG and spin.text() == word
    assert spin.lineEdit().cursorPosition() == 0  # "the pose video's…", not "…o's length"
    assert word in spin.toolTip()  # the whole word where the box is too narrow for it
