"""The Training dock shows the loss weights a Train node reports (issue 16)."""
import pytest

from studio.engine import events as ev
from studio.ui.panels.training import TrainingPanel

from .widgets import shown


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, TrainingPanel(redraw_ms=20), 700, 260)


def test_the_dock_shows_the_loss_weights_of_the_training_node(panel, qtbot):
    text = "loss weights: diffusion 1, flow 1, refine 1, adversarial 0.1, content 0 (off), motion 0.5"
    panel.on_event(ev.RunStarted(["train"], "cpu"))
    panel.on_event(ev.NodeStarted("train", "Train Generator"))
    panel.on_event(ev.NodeMessage("train", "Train Generator", text, "info"))
    panel.on_event(ev.NodeMessage("other", "Other", "loss weights: x 9", "info"))
    for s in range(1, 4):
        panel.on_event(ev.NodeProgress("train", s, 10, None, None, None, {"loss": 1.0 / s, "adversarial": 0.2}))
    panel.flush()
    qtbot.waitUntil(lambda: "adversarial 0.1" in panel.title_label.summary)
    assert "content 0 (off)" in panel.title_label.summary and "x 9" not in panel.title_label.summary
    assert text in panel.title_label.toolTip()  # in full, where the dock is too narrow for it


def test_the_dock_shows_steps_and_samples_per_second_and_the_batch_rule(panel, qtbot, monkeypatch):
    """Issue 28: steps/s from the progress events' arrival, samples/s with the batch the Train
    node reported, the batch rule (auto) in the tooltip."""
    import studio.ui.panels.training_series as tp  # the histories keep time there
    clock = [100.0]
    monkeypatch.setattr(tp.time, "monotonic", lambda: clock[0])
    rule = "batch 256 (auto: the largest that fits in GPU memory; learning rate x sqrt(256/16)); learning rate 0.004"
    panel.on_event(ev.RunStarted(["train"], "cuda"))
    panel.on_event(ev.NodeStarted("train", "Train Generator"))
    panel.on_event(ev.NodeMessage("train", "Train Generator", rule, "info"))
    for k in range(5):  # 50 steps every half second: 100 steps/s
        clock[0] += 0.5
        panel.on_event(ev.NodeProgress("train", 50 * (k + 1), 1000, None, None, None, {"loss": 1.0}))
    panel.flush()
    qtbot.waitUntil(lambda: "steps/s" in panel.values_label.text())
    text = panel.values_label.text()
    assert "100 steps/s" in text and "25,600 samples/s" in text and "batch 256 (auto), lr 0.004" in text, text
    assert panel.values_label.toolTip().endswith("\n" + rule)  # the values in full, then the batch rule


def test_batch_auto_is_a_word_in_the_cli_and_the_properties_panel(qtbot):
    from studio.core.registry import default_registry
    from studio.ui.panels.param_editors import IntEditor
    p = next(x for x in default_registry().get("gen.train").params if x.name == "batch")
    assert p.coerce("auto") == 0 and p.coerce("64") == 64 and p.coerce(0) == 0
    ed = IntEditor(p, lambda v: None)
    qtbot.addWidget(ed)
    ed.set_value(0)
    assert ed.spin.text() == "auto"
    ed.set_value(16)
    assert ed.spin.text() == "16"
