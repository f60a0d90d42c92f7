"""Issue 116's aim (the window's longest stall under 200 ms): selecting a converted workflow's node of many
warnings stalled the window 110-220 ms at load 4-6. The turn of the click now makes only the node's notes (its
warnings and time, known from the last checks, shown at once) and its first FIRST_ROWS fields; the rest come a
few a turn; the canvas lays no status line out again, a rich label lays out its text once per width."""
from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QLabel

from studio.ui.canvas.items import StatusItem
from studio.ui.panels import properties as props
from studio.ui.window.edit_checks import Checker
from studio.ui.wrap_label import WrapLabel

WARNINGS = [("warning", f"'Load Video Model' (n{k}): the model 'models/diffusion_models/wan2.2_i2v_high_noise_14B_"
                        f"fp8_scaled.safetensors' was not found in the models folders: put it there") for k in range(4)]


def _turn(ms: int = 0) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def test_the_first_turn_of_a_selection_makes_the_notes_and_the_first_fields_only(qtbot, nodes_window, monkeypatch):
    w = nodes_window
    w.resize(1024, 700)
    gen = w.doc.add_node("video_models.image_to_video", (0, 0))
    other = w.doc.add_node("io.save_video", (300, 0))
    names = [p.name for p in w.doc.graph.nodes[gen].spec.params]
    assert len(names) > props.FIRST_ROWS + props.ROWS_A_TURN
    w.check_now()
    qtbot.waitUntil(lambda: not w.checks_pending(), timeout=10000)  # (the real check's answer first: one coming
    checker = w.findChild(Checker)  # after the warnings shown below replaced them, a race on a loaded machine)
    checker.show(gen, WARNINGS, "time: about 2 min")  # as the checker's thread answers
    monkeypatch.setattr(checker, "later", lambda *ids, **kw: None)  # no real check after the selections: its answer
    # (one warning) would replace the four above while the fields are made a few a turn (a race on a loaded machine)
    w.canvas.select([other])
    qtbot.waitUntil(lambda: not w.properties._pending and not w.checks_pending(), timeout=5000)
    for item in w.canvas.badges._status.values():  # the status lines as set (a paint lays them out: one may not
        item.lines()  # have come yet on a loaded machine)
    laid: list = []
    plain = StatusItem._lay_out
    monkeypatch.setattr(StatusItem, "_lay_out", lambda self, width: laid.append(self.text) or plain(self, width))

    w.canvas.select([gen])  # the click's turn
    panel = w.properties
    assert panel.node_id == gen
    assert panel.form.rowCount() == 2 + props.FIRST_ROWS  # title and preset rows, then the first fields
    assert list(panel._editors) == names[:props.FIRST_ROWS] and len(panel._pending) == len(names) - props.FIRST_ROWS
    assert not panel.checks.isHidden() and all(w_[1].split(":")[0] in panel.checks.text() for w_ in WARNINGS)
    assert not panel.estimate.isHidden() and "about 2 min" in panel.estimate.text()
    _turn()
    assert laid == []  # the nodes' status lines were laid out when set, not again for a selection's repaint
    made = [len(panel._editors)]
    while panel._pending:
        _turn()
        made.append(len(panel._editors))
    assert list(panel._editors) == names
    assert all(0 < b - a <= props.ROWS_A_TURN for a, b in zip(made, made[1:]))  # a few a turn
    assert w.height() <= 700 and panel.checks.text().count("⚠") == len(WARNINGS)


def test_a_wrapped_label_lays_its_text_out_once_per_width(qtbot, monkeypatch):
    label = WrapLabel("<b>four</b> long warnings " * 40)
    qtbot.addWidget(label)
    asked: list = []
    plain = QLabel.heightForWidth
    monkeypatch.setattr(QLabel, "heightForWidth", lambda self, wd: asked.append(wd) or plain(self, wd))
    h = label.heightForWidth(300)
    assert h > label.heightForWidth(600) and label.heightForWidth(300) == h and asked == [300, 600]
    label.setText("short")  # new text: laid out again
    assert label.heightForWidth(300) < h and asked == [300, 600, 300]
