"""Issue 61 item 1: clicks for a mask land on the plate. A Segment or Control Mask node shows its
input clip in the viewer before it has a result (the loader's first frame before any run), its
clicks land there in the plate's pixels; after a run its mask is drawn over that plate whatever was
viewed before, and Matte shows the mask alone."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from studio.core.frame_keys import parse_prompts

from .viewer_edit import at

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WALKER = os.path.join(ROOT, "assets", "media", "walker.mp4")


def test_segment_before_any_run_shows_the_loaders_frame_and_takes_clicks_on_it(qtbot, open_window):
    win = open_window()
    load = win.doc.add_node("io.load_video", (0, 0), {"path": WALKER})
    seg = win.doc.add_node("preprocess.segment", (300, 0))
    win.doc.connect(load, "video", seg, "video")
    win.canvas.select([seg])
    area = win.preview
    qtbot.waitUntil(lambda: area.node_id == seg and area.stack.image.image is not None, timeout=10000)
    view = area.stack.image
    assert view.image_size() == (256, 256)  # the walker's frame, not an empty viewer
    assert area.title == "Segment · plate: Load Video"
    QTest.mouseClick(view, Qt.LeftButton, Qt.NoModifier, at(view, 0.5, 0.4))  # on the figure
    got = parse_prompts(win.doc.graph.nodes[seg].params["prompts"])
    (x, y, keep), = got[0].points
    assert keep and abs(x - 0.5) < 0.01 and abs(y - 0.4) < 0.01


def test_a_mask_is_drawn_over_its_plate_after_a_run_and_matte_shows_it_alone(qtbot, open_window):
    win = open_window()
    load = win.doc.add_node("io.load_video", (0, 0), {"path": WALKER})
    mask = win.doc.add_node("control.mask", (300, 0), {"source": "ellipse", "shape_keys": "0: 0.5 0.5 0.2 0.3"})
    win.doc.connect(load, "video", mask, "video")
    other = win.doc.add_node("source.shapes", (0, 300), {"frames": 4, "width": 256, "height": 256, "sound": False})
    with qtbot.waitSignal(win.run_finished, timeout=60000):
        assert win.runs.run_graph([mask, other])
    area = win.preview
    for first in (other, load):  # whatever video was viewed before: the mask's own plate under it
        win.canvas.select([first])
        win.canvas.select([mask])
        qtbot.waitUntil(lambda: area.node_id == mask and area.shown_frame is not None, timeout=10000)
        assert area.kind == "mask" and area.matte_button.isVisible() and not area.matte_button.isChecked()
        plate = area.plate_clip()
        assert plate is not None and plate.n_frames == 48  # the walker clip, not the shapes
        qtbot.waitUntil(lambda: area.stack.image.mask is not None, timeout=10000)  # drawn over the plate
    area.matte_button.click()  # Matte: the mask alone
    assert area.matte and area.plate_clip() is None
    qtbot.waitUntil(lambda: area.stack.image.mask is None, timeout=10000)
    area.matte_button.click()
    qtbot.waitUntil(lambda: area.stack.image.mask is not None, timeout=10000)
