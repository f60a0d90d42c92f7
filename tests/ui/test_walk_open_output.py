"""Issue 35, item 9: with no desktop launcher, opening an output shows it in the viewer and says
so (the status-bar link and the render dialog's rows did nothing and said nothing)."""
from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import QPoint, Qt

from studio.ui.dialogs import open_output


@pytest.fixture
def no_launcher(monkeypatch):
    real = shutil.which
    monkeypatch.setattr(open_output.shutil, "which", lambda name, *a, **k: None if name == "xdg-open" else real(name))
    monkeypatch.setattr(open_output.sys, "platform", "linux")


def test_the_output_link_opens_the_file_in_the_viewer_without_a_launcher(qtbot, nodes_window, tmp_path, no_launcher):
    win = nodes_window
    a = win.doc.add_node("source.shapes", (0, 0), {"frames": 5, "width": 32, "height": 24, "sound": False})
    s = win.doc.add_node("io.save_video", (300, 0), {"path": str(tmp_path / "project" / "out.mp4")})
    win.doc.connect(a, "video", s, "video")
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph()
    link = win.runs.output_link
    assert link.paths and os.path.exists(link.paths[0])
    win.canvas.select([a])  # the viewer shows something else first
    qtbot.mouseClick(link, Qt.LeftButton, pos=QPoint(5, 5))
    pv = win.preview
    qtbot.waitUntil(lambda: pv.node_id == f"file:{link.paths[0]}")
    assert pv.timeline.n_frames == 5 and pv.title == "out.mp4"
    log = win.log_view.toPlainText()
    assert "no desktop launcher (xdg-open) is installed" in log and "showing out.mp4 in the viewer" in log


def test_a_render_row_opens_in_the_viewer_too(qtbot, nodes_window, tmp_path, no_launcher):
    import cv2
    import numpy as np
    win = nodes_window
    from studio.ui.dialogs.render import RenderDialog
    dlg = RenderDialog(lambda: win.doc.graph, win)
    qtbot.addWidget(dlg)
    sheet = str(tmp_path / "sheet.png")
    cv2.imwrite(sheet, np.full((20, 30, 3), 200, np.uint8))
    dlg._paths[0] = sheet
    assert dlg.open_row(0)
    qtbot.waitUntil(lambda: win.preview.node_id == f"file:{sheet}")
    assert win.preview.kind == "image" and "showing sheet.png in the viewer" in win.log_view.toPlainText()
