"""Issue 35, item 3: a typed number out of range is refused in place, with the range shown, in the
real properties panel (it was rewritten without a word: -5 became 5.000, 100000 became 10.000,
Particles frames 0 went back to 96)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt



@pytest.fixture
def win(nodes_window):
    return nodes_window


def type_into(qtbot, spin, text):
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    assert spin.lineEdit().text() == text  # every key kept while typing
    qtbot.keyClick(spin, Qt.Key_Return)


def test_out_of_range_factor_is_refused_in_place_with_the_range(qtbot, win):
    n = win.doc.add_node("motion.interpolate", (0, 0))
    win.canvas.select([n])
    ed = win.properties.editors["factor"]
    spin = ed.spin
    assert "range: 0.05 to 64" in spin.toolTip()
    said = []
    win.properties.message.connect(said.append)
    for typed in ("-5", "100000"):
        type_into(qtbot, spin, typed)
        assert win.doc.graph.nodes[n].params["factor"] == 2.0  # not rewritten to 5 or 64
        assert spin.value() == 2.0 and spin.lineEdit().text() == "2.000"
        assert ed.range_note.isVisible() and "0.05 to 64" in ed.range_note.text()
        assert spin.property("refused") and "ff6e6e" in spin.styleSheet()
    assert said[-1] == "Frame Interpolation: Factor 100000 refused: it must be 0.05 to 64"
    assert "refused" in win.statusBar().currentMessage() or "refused" in win.log_view.toPlainText()
    type_into(qtbot, spin, "4")  # in range: taken, the refusal cleared
    assert win.doc.graph.nodes[n].params["factor"] == 4.0
    assert not ed.range_note.isVisible() and not spin.property("refused")


def test_particles_frames_zero_is_refused_not_reverted_silently(qtbot, win):
    n = win.doc.add_node("procedural.particles", (0, 0))
    win.canvas.select([n])
    ed = win.properties.editors["frames"]
    before = win.doc.graph.nodes[n].params.get("frames", ed.spin.value())
    type_into(qtbot, ed.spin, "0")
    assert ed.spin.value() == before and ed.range_note.isVisible()
    assert ed.range_note.text().startswith("1 to") and "refused" in ed.range_note.toolTip()
    win.properties.setFocus()  # leaving the field with a bad value refuses it too
    type_into(qtbot, ed.spin, "12")
    assert win.doc.graph.nodes[n].params["frames"] == 12
