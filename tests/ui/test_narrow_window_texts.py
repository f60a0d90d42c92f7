"""Issue 61 item 6: at 1024x700 a path field shows the file's name, not the end of the path cut
('2.safetensors'), the whole path in its tooltip; a long status message is cut in its middle, its
start and end kept, the whole in the tooltip and in currentMessage."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEventLoop, QTimer


def settle(ms: int = 100) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


@pytest.fixture
def win(open_window):
    """A window 1024 px wide (a laptop's), laid out."""
    w = open_window()
    w.resize(1024, 700)
    settle()
    return w


def test_a_model_path_field_scrolls_to_the_name_and_says_the_whole_path(qtbot, open_window):
    win = open_window()
    win.resize(1024, 700)
    n = win.doc.add_node("video_models.load", (0, 0), {"model": "models/diffusion_models/wan2.1_vace_1.3B_fp16.safetensors"})
    win.canvas.view.setFocus()  # the artist is not typing in the field
    win.properties.show_node(n)
    settle()
    ed = win.properties.editors["model"]
    # the name's start at the field's left edge: the name reads (a laid-out field, on a loaded machine later)
    qtbot.waitUntil(lambda: ed.edit.cursorPosition() == len("models/diffusion_models/")
                    and ed.edit.cursorRect().left() < 10, timeout=5000)
    assert ed.edit.toolTip() == "models/diffusion_models/wan2.1_vace_1.3B_fp16.safetensors"
    assert ed.models_button.toolTip().startswith("Models…") and ed.models_button.width() < 40


def test_a_long_status_message_is_cut_in_its_middle_whole_in_the_tooltip(qtbot, win):
    text = ("'Load Video Model' (n1): the model '/home/artist/projects/client/shots/sh010/models/diffusion_models/"
            "wan2.1_vace_14B_fp8_e4m3fn_scaled_kj.safetensors' was not found: put it in the models folder")
    sb = win.statusBar()
    sb.showMessage(text, 8000)
    shown = super(type(sb), sb).currentMessage()
    assert shown != text and "…" in shown
    assert shown.startswith("'Load Video Model' (n1)") and shown.endswith("put it in the models folder")
    assert sb.fontMetrics().horizontalAdvance(shown) <= sb.room()
    assert sb.toolTip() == text and sb.currentMessage() == text
    sb.showMessage("saved", 8000)
    assert sb.toolTip() == "" and sb.currentMessage() == "saved"
    sb.clearMessage()
    assert sb.currentMessage() == ""


def test_a_long_verdict_is_cut_in_its_middle_and_never_widens_the_window(qtbot, win):
    verdict = ("✗ 'Wan 2.1 1.3B' (n1): model 'Wan-AI/Wan2.1-T2V-1.3B-Diffusers' not found: looked in /tmp/a/very/long/"
               "folder/of/models/for/the/client/project/diffusion_models and 6 more folders. No model was found there.")
    label = win.runs.run_label
    label.setText(verdict)
    settle()
    assert win.minimumSizeHint().width() <= 1024 and win.width() == 1024  # the window is not pushed wider
    assert label.width() <= 0.45 * win.width() + 1
    shown = label.shown_text()
    assert label.text() == verdict and "…" in shown
    assert shown.startswith("✗ 'Wan 2.1 1.3B'") and shown.endswith("found there.")


def test_every_status_label_long_at_once_never_widens_the_window(qtbot, open_window, tmp_path):
    """Seen under Xvfb: during a run the verdict, the node's message ('Image to Video — decoding 45 frames
    with the VAE…') and the memory line together widened a 1024-wide window to 1267 px."""
    win = open_window()
    win.resize(1024, 700)
    settle()
    win.runs.run_label.setText("running: Image to Video — step 8 / 8 · about 4 s on the CPU (66 ms a step)")
    win.node_label.setText("Image to Video — decoding 45 frames with the VAE… about 4 s on the CPU, 8 steps")
    win.mem_label.setText(" RAM 1.02 GiB · cache 116 MiB · 1 model(s) in memory 0.0 GiB · disk cache 35 MiB ")
    win.runs.output_link.set_outputs([str(tmp_path / "a" / "long" / "folder" / "of" / "renders" / "move.mp4")])
    settle()
    assert win.minimumSizeHint().width() <= 1024 and win.width() == 1024
    assert win.node_label.text().endswith("8 steps") and "…" in win.node_label.shown_text()


def test_a_full_status_bar_after_a_run_keeps_1024_wide(qtbot, open_window, tmp_path):
    """Seen under Xvfb (issue 61): after the inpaint template's run the verdict, 'wrote
    inpaint_object.mp4 in /tmp/.../out' and 'RAM · cache · 2 model(s) in memory' asked for 912 px
    of status bar, and the window grew to 1238 px, past a 1024-wide screen."""
    from PySide6.QtCore import QEventLoop, QTimer
    w = open_window()
    w.resize(1024, 700)
    w.runs.state.set_verdict("✓ run finished in 51.86 s: 9 ran, 0 cached", "ok")
    deep = tmp_path / "a" / "rather" / "deep" / "project" / "folder" / "out"
    w.runs.output_link.set_outputs([str(deep / "inpaint_object.mp4")])
    w.mem_label.setText(" RAM 1.00 GiB · GPU 12.50 GiB · cache 91 MiB · 2 model(s) in memory 13.2 GiB ")
    w.node_label.setText(" running: Object (click it) — decoding 41 / 121 frames with the VAE… ")
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    assert w.statusBar().minimumSizeHint().width() < 1024
    assert w.minimumSizeHint().width() <= 1024
    assert w.width() == 1024
    assert "inpaint_object.mp4" in w.runs.output_link.toolTip()  # the whole path said
