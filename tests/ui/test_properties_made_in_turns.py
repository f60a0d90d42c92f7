"""Issue 116, item 2: a node of many settings is shown in Properties without stalling the window: its first fields are
made at once, the rest a few an event-loop turn (properties.py), each made without the window's application event
filter (app_filters.py: a trip into Python for each of thousands of events); a field asked for by name is there at
once, and a node left scrolled down is shown scrolled back, all its fields made at once."""
from __future__ import annotations

from studio.ui import app_filters
from studio.ui.panels import properties as props


def _generator(w):
    nid = w.doc.add_node("video_models.image_to_video", (0, 0))
    params = w.doc.graph.nodes[nid].spec.params
    assert len(params) > props.FIRST_ROWS + props.ROWS_A_TURN  # more than two turns' worth
    return nid, [p.name for p in params]


def test_a_node_of_many_settings_shows_its_first_fields_at_once_and_the_rest_in_turns(qtbot, nodes_window):
    w = nodes_window
    nid, names = _generator(w)
    panel = w.properties
    w.canvas.select([nid])
    assert panel.form.rowCount() == 2 + props.FIRST_ROWS  # title and preset rows, then the first fields
    assert panel._pending and app_filters._paused == 0  # the filters back
    qtbot.waitUntil(lambda: not panel._pending, timeout=5000)
    assert panel.form.rowCount() == 2 + len(names) and list(panel._editors) == names
    # asked for by name before its turn: made then
    other = w.doc.add_node("io.save_video", (0, 300))
    w.canvas.select([other])
    w.canvas.select([nid])
    assert panel._pending and set(panel.editors) == set(names) and not panel._pending
    # an edit in a field made in a later turn reaches the node
    last = names[-1]
    p = w.doc.graph.nodes[nid].spec.param(last)
    w.doc.set_param(nid, last, p.default)
    assert panel.editors[last] is panel._editors[last]


def test_a_node_scrolled_down_is_shown_scrolled_back_once_its_fields_are_made(qtbot, nodes_window):
    w = nodes_window
    w.resize(1024, 700)
    nid, _ = _generator(w)
    panel = w.properties
    w.canvas.select([nid])
    qtbot.waitUntil(lambda: not panel._pending, timeout=5000)
    bar = panel.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 100, timeout=5000)
    bar.setValue(bar.maximum())
    at = bar.value()
    other = w.doc.add_node("io.save_video", (0, 300))
    w.canvas.select([other])
    w.canvas.select([nid])  # all its fields made at once: shown where it was, not at the top then jumping there
    assert not panel._pending
    qtbot.waitUntil(lambda: bar.value() == at, timeout=2000)
