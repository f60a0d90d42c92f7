"""Issue 47: the timeline shows where the keyframes of the generator whose clip is shown sit. The
real Timeline paints a teal diamond at each keyframe's frame (negative frames from the clip's end,
frames past it left out); the window marks the shown generator's 'keyframes', through a Save Video
after it, follows an edit of the setting, and clears them when a node without keyframes is shown."""
from __future__ import annotations

import numpy as np

from studio.engine.clip import ArrayClip
from studio.ui.preview.key_marks import KEY_COLOR, set_keyframes
from studio.ui.preview.qimages import qimage_to_array
from studio.ui.preview.timeline import Timeline

from .widgets import shown


def _teal_columns(tl: Timeline) -> list[int]:
    """The x of each run of keyframe-coloured pixels on the ruler's foot (the diamonds' middle row)."""
    img = qimage_to_array(tl.grab().toImage())[..., :3].astype(int)
    row = img[int(tl.RULER_H - 3)]
    hit = np.flatnonzero(np.abs(row - np.array([KEY_COLOR.red(), KEY_COLOR.green(), KEY_COLOR.blue()])).sum(1) < 30)
    runs = np.split(hit, np.flatnonzero(np.diff(hit) > 1) + 1) if hit.size else []
    return [int(round(r.mean())) for r in runs]


def test_the_timeline_marks_each_keyframe_at_its_frame(qtbot):
    tl = shown(qtbot, Timeline(), 600, 200)
    tl.set_clip(49, 24.0)
    tl.set_current(12)  # the playhead (drawn over everything) away from the marks
    assert _teal_columns(tl) == []
    set_keyframes(tl, (0, 24, -1, 60))  # -1: the last frame; 60 is past the clip's end
    cols = _teal_columns(tl)
    want = [tl.x_of(f) + max(1.0, tl.pixels_per_frame()) / 2 for f in (0, 24, 48)]
    assert len(cols) == 3 and all(abs(c - w) <= 2 for c, w in zip(cols, want)), (cols, want)
    set_keyframes(tl, ())
    assert _teal_columns(tl) == []


def test_the_window_marks_the_shown_generators_keyframes(qtbot, open_window):
    w = open_window()
    gen = w.doc.add_node("video_models.text_to_video", (0, 0), {"frames": 9, "keyframes": "0, 4, last"})
    save = w.doc.add_node("io.save_video", (300, 0), {})
    other = w.doc.add_node("source.shapes", (0, 300), {"frames": 9, "width": 32, "height": 24, "sound": False})
    w.doc.connect(gen, "video", save, "video")
    clip = ArrayClip(np.zeros((9, 24, 32, 3), np.float32), 24.0)
    w.runs.outputs[gen] = {"video": clip}
    w.runs.outputs[save] = {"video": clip}
    w.runs.outputs[other] = {"video": clip}
    tl = w.preview.timeline

    assert w.runs.show_result(save)  # Save Video shows the generator's clip: its keyframes
    tl.set_current(6)  # the playhead (drawn over everything) away from the marks
    assert tl.keyframes == (0, 4, -1) and len(_teal_columns(tl)) == 3
    w.doc.set_param(gen, "keyframes", "2")  # the setting edited: the marks follow
    assert tl.keyframes == (2,) and len(_teal_columns(tl)) == 1
    assert w.runs.show_result(other)  # a node with no keyframes: none
    assert tl.keyframes == () and _teal_columns(tl) == []
    assert w.runs.show_result(gen)
    assert tl.keyframes == (2,)
