"""The Training dock shows the loss weights a Train node reports (issue 16)."""
import pytest

from studio.engine import events as ev
from studio.ui.panels.training import TrainingPanel


@pytest.fixture
def panel(qtbot):
    p = TrainingPanel(redraw_ms=20)
    qtbot.addWidget(p)
    p.resize(700, 260)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_the_dock_shows_the_loss_weights_of_the_training_node(panel, qtbot):
    text = "loss weights: diffusion 1, flow 1, refine 1, adversarial 0.1, content 0 (off), motion 0.5"
    panel.on_event(ev.RunStarted(["train"], "cpu"))
    panel.on_event(ev.NodeStarted("train", "Train Generator"))
    panel.on_event(ev.NodeMessage("train", "Train Generator", text, "info"))
    panel.on_event(ev.NodeMessage("other", "Other", "loss weights: x 9", "info"))
    for s in range(1, 4):
        panel.on_event(ev.NodeProgress("train", s, 10, None, None, None, {"loss": 1.0 / s, "adversarial": 0.2}))
    panel.flush()
    qtbot.waitUntil(lambda: "adversarial 0.1" in panel.title_label.text())
    assert "content 0 (off)" in panel.title_label.text() and "x 9" not in panel.title_label.text()
    assert panel.title_label.toolTip() == text
