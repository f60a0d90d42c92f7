"""pose_to_video built from scratch in the window (issue 34): a driving clip's tracked points drawn
as a skeleton drive a (tiny) Wan VACE; the viewer wipes the control (B) against the result (A) and
the playhead scrubs both. STUDIO_SHOTS=<folder> saves the screenshots."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.core.assets import TEMPLATES_DIR

from .test_artist_walk import node_of, pixels, run, settle  # noqa: F401

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def vace_dir(tmp_path_factory):
    from tests.video_models.tiny_control import build_wan_vace
    return build_wan_vace(str(tmp_path_factory.mktemp("models") / "tiny-wan-vace"))


def _shot(w, name):
    d = os.environ.get("STUDIO_SHOTS")
    if d:
        os.makedirs(d, exist_ok=True)
        w.grab().save(os.path.join(d, name + ".png"))


def test_build_pose_to_video_and_wipe_control_against_result(qtbot, open_window, tmp_path, vace_dir):
    w = open_window()
    w.resize(1600, 1000)
    doc = w.doc
    media = os.path.join(os.path.dirname(TEMPLATES_DIR), "media", "driving.mp4")
    drv = doc.add_node("io.load_video", (0, 160), {"path": media})
    track = doc.add_node("motion.track_keypoints", (260, 160), {"max_points": 24, "min_distance": 20.0})
    skel = doc.add_node("control.keypoints_to_skeleton", (520, 160), {"skeleton": "chain", "radius": 2.0,
                                                                        "thickness": 1, "width": 64, "height": 64})
    load = doc.add_node("video_models.load", (520, 0), {"model": vace_dir})
    vace = doc.add_node("video_models.wan_vace", (800, 60), {"prompt": "a red fox", "width": 64, "height": 64,
                                                             "frames": 5, "steps": 2, "preview_size": "off"})
    out = doc.add_node("io.save_video", (1080, 60), {"path": str(tmp_path / "pose.mp4")})
    for a, ap, b, bp in ((drv, "video", track, "video"), (track, "keypoints", skel, "keypoints"),
                         (load, "model", vace, "model"), (skel, "video", vace, "video"), (vace, "video", out, "video")):
        doc.connect(a, ap, b, bp)
    assert doc.graph.validate() == []
    run(qtbot, w, timeout=300_000)
    assert os.path.getsize(tmp_path / "pose.mp4") > 0
    pv = w.preview
    w.canvas.select([skel])
    qtbot.waitUntil(lambda: pv.node_id == skel and pv.shown_frame is not None, timeout=20_000)
    pv.timeline.set_current(4, emit=True)
    qtbot.waitUntil(lambda: pv.shown_frame == 4, timeout=20_000)
    settle()
    control = pixels(pv.stack.image)
    _shot(w, "1_control")
    pv.compare_button.setChecked(True)  # the control becomes B of the wipe ...
    w.canvas.select([vace])  # ... the result is A
    qtbot.waitUntil(lambda: pv.node_id == vace and pv.shown_frame == 4, timeout=20_000)
    view = pv.stack.image
    view.wipe = 1.0
    settle()
    result = pixels(view)
    view.wipe = 0.5
    settle()
    wiped = pixels(view)
    _shot(w, "2_wipe_frame4")
    x = int(view.to_widget(32, 32).x())  # the wipe line at the middle of the 64 px frame
    rows = slice(30, wiped.shape[0])  # below the A / B badges
    left, right = slice(0, x - 30), slice(x + 30, wiped.shape[1])
    assert np.array_equal(wiped[rows, left], result[rows, left])  # A: the result left of the line
    assert np.array_equal(wiped[rows, right], control[rows, right])  # B: the control right of it
    assert np.abs(result.astype(int) - control.astype(int)).mean() > 1  # they are two different pictures
    pv.timeline.set_current(0, emit=True)  # scrub: both sides follow the playhead
    qtbot.waitUntil(lambda: pv.shown_frame == 0, timeout=20_000)
    settle()
    _shot(w, "3_wipe_frame0")
    assert not np.array_equal(pixels(view), wiped)
