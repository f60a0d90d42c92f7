"""Timeline and frames on demand: the playhead shows exactly frame N, only that frame is computed,
keys step as described, in/out points limit a render, frames arrive live during a run."""
from __future__ import annotations

import os
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.core.graph import Graph
from studio.core.params import Int
from studio.core.registry import Registry, default_registry
from studio.core.spec import CLIP, In, Node, Out
from studio.core.timecode import timecode
from studio.engine.clip import Clip
from studio.engine.events import NodeProgress, RunFinished
from studio.engine.executor import Executor
from studio.ui.preview.pixels import to_u8
from studio.ui.preview.timeline import Timeline
from studio.ui.preview.ruler import nice_step
from studio.ui.preview.qimages import qimage_to_array


class CountingClip(Clip):
    """Frame i is a flat colour that encodes i; every computation is recorded."""

    def __init__(self, n=10_000, w=32, h=24, fps=24.0):
        super().__init__(n, fps, w, h, 3)
        self.calls: list[int] = []

    delay = 0.0

    def _frame(self, i):
        self.calls.append(i)
        if self.delay:
            time.sleep(self.delay)
        f = np.empty((self.height, self.width, 3), np.float32)
        f[..., 0] = (i % 256) / 255.0
        f[..., 1] = ((i // 256) % 256) / 255.0
        f[..., 2] = 0.5
        return f


@pytest.fixture
def area(make_area):
    return make_area(640, 300)


def wait_shown(qtbot, area, i):
    qtbot.waitUntil(lambda: area.shown_frame == i and area.requested_frame == i, timeout=5000)


def test_moving_the_playhead_to_n_shows_exactly_frame_n(qtbot, area):
    ex = Executor(frame_cache=area.frame_cache)
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 40, "width": 64, "height": 48, "count": 2, "speed": 3.0})
    col = g.add_node("transform.color", {"exposure": 0.5, "saturation": 1.5})
    g.connect(src.id, "video", col.id, "video")
    res = ex.run(g, targets=[col.id])
    clip = res.value(col.id, "video")
    area.show_value(col.id, "Colour", clip, res.signatures[col.id] + ":video")
    tl = area.timeline
    for n in (17, 3, 39):
        x = int(tl.x_of(n + 0.5))
        qtbot.mouseClick(tl, Qt.LeftButton, pos=QPoint(x, 10))
        wait_shown(qtbot, area, n)
        assert tl.current == n
        shown = qimage_to_array(area.stack.image.image)
        np.testing.assert_array_equal(shown, to_u8(clip.frame(n)))
        assert not np.array_equal(shown, to_u8(clip.frame(n - 1))), "neighbouring frames must differ"
    # and it is on screen: at 1:1 the widget's centre pixel is the frame's centre pixel
    view = area.stack.image
    view.one_to_one()
    grab = qimage_to_array(view.grab().toImage())
    cy, cx = view.height() // 2, view.width() // 2
    p = view.to_image(QPointF(cx + 0.5, cy + 0.5))
    np.testing.assert_array_equal(grab[cy, cx], to_u8(clip.frame(39))[int(p.y()), int(p.x())])


def test_scrubbing_computes_only_the_frames_under_the_playhead(qtbot, area):
    area.auto_thumbnails = False
    clip = CountingClip(10_000)
    area.show_value("n1", "Counting", clip, "sig:video")
    wait_shown(qtbot, area, 0)
    for n in (5000, 7, 9999):
        area.seek(n)
        wait_shown(qtbot, area, n)
    assert sorted(clip.calls) == [0, 7, 5000, 9999]
    # a cached frame shows at once, on the GUI thread, without computing it again
    area.seek(5000)
    assert area.shown_frame == 5000
    assert sorted(clip.calls) == [0, 7, 5000, 9999]
    assert area.timeline.computed >= {0, 7, 5000, 9999}
    # a fast drag over a slow clip computes the frames it stops on, not every one it passes
    clip.delay = 0.02
    tl = area.timeline
    before = len(clip.calls)
    for x in range(10, 610, 6):  # what dragging the playhead does on each mouse move
        tl.set_current(tl.frame_at(x), emit=True)
    qtbot.waitUntil(lambda: area.fetcher.idle() and area.shown_frame == tl.current, timeout=5000)
    assert area.shown_frame == tl.frame_at(604)
    assert len(clip.calls) - before <= 10  # 100 positions passed


def test_thumbnails_compute_only_visible_slots(qtbot, area):
    clip = CountingClip(10_000, w=64, h=36)
    area.show_value("n1", "Counting", clip, "sig:video")
    tl = area.timeline
    qtbot.waitUntil(lambda: len(tl.thumbs) >= len(tl.thumb_slots()) - 1, timeout=5000)
    qtbot.waitUntil(area.fetcher.idle, timeout=5000)
    slots = {f for f, _, _ in tl.thumb_slots()}
    assert set(clip.calls) <= slots | {0}
    assert len(set(clip.calls)) <= len(slots) + 1 < 50


def test_keys_step_as_described(qtbot, area):
    area.auto_thumbnails = False
    area.show_value("n1", "Counting", CountingClip(100), "sig:video")
    tl = area.timeline
    tl.setFocus()
    steps = [(Qt.Key_Right, Qt.NoModifier, 1), (Qt.Key_Right, Qt.ShiftModifier, 11),
             (Qt.Key_Left, Qt.NoModifier, 10), (Qt.Key_Left, Qt.ShiftModifier, 0),
             (Qt.Key_Left, Qt.NoModifier, 0), (Qt.Key_End, Qt.NoModifier, 99),
             (Qt.Key_Right, Qt.ShiftModifier, 99), (Qt.Key_Home, Qt.NoModifier, 0)]
    for key, mod, expect in steps:
        qtbot.keyClick(tl, key, mod)
        assert tl.current == expect, (key, mod)
        wait_shown(qtbot, area, expect)
    # keys pressed over the viewer reach the timeline too
    qtbot.keyClick(area.stack.image, Qt.Key_Right)
    assert tl.current == 1
    # Space plays and pauses; K stops; L plays forward
    qtbot.keyClick(tl, Qt.Key_Space)
    assert area.player.playing
    qtbot.keyClick(tl, Qt.Key_Space)
    assert not area.player.playing
    qtbot.keyClick(tl, Qt.Key_L)
    assert area.player.playing and area.player.speed == 1.0
    qtbot.keyClick(tl, Qt.Key_L)
    assert area.player.speed == 2.0
    qtbot.keyClick(tl, Qt.Key_K)
    assert not area.player.playing
    qtbot.keyClick(tl, Qt.Key_J)
    assert area.player.playing and area.player.speed == -1.0
    qtbot.keyClick(tl, Qt.Key_K)


def test_in_out_points_limit_a_render(qtbot, area, tmp_path):
    ex = Executor(frame_cache=area.frame_cache)
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 12, "width": 32, "height": 24, "sound": False})
    out = g.add_node("io.save_images", {"folder": str(tmp_path / "frames")})
    g.connect(src.id, "video", out.id, "video")
    res = ex.run(g, targets=[src.id])
    area.show_value(src.id, "Shapes", res.value(src.id, "video"), res.signatures[src.id] + ":video")
    tl = area.timeline
    assert area.in_out() is None
    seen = []
    area.inOutChanged.connect(seen.append)
    area.seek(3)
    qtbot.keyClick(tl, Qt.Key_I)
    area.seek(6)
    qtbot.keyClick(tl, Qt.Key_O)
    assert area.in_out() == (3, 7)
    assert seen[-1] == (3, 7)
    assert area.player.range == (3, 7)
    ex.run(g, targets=[out.id], frame_range=area.in_out())
    written = sorted(os.listdir(tmp_path / "frames"))
    assert written == [f"frame_{i:05d}.png" for i in (3, 4, 5, 6)]
    qtbot.keyClick(tl, Qt.Key_I, Qt.AltModifier)
    assert area.in_out() == (0, 7)
    qtbot.keyClick(tl, Qt.Key_X)
    assert area.in_out() is None and area.player.range == (0, 12)


class LiveFrames(Node):
    """A test node that produces frames one by one and reports each with a preview."""
    id = "test.live_frames"
    title = "Live Frames"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Int("frames", 6, min=1, max=100),)

    def run(self, ctx, video):
        out = []
        for i in range(ctx.params.frames):
            f = 1.0 - np.asarray(video.frame(i))
            out.append(f)
            ctx.progress(i + 1, ctx.params.frames, frame=i, preview=f)
        from studio.engine.clip import ArrayClip
        return ArrayClip(np.stack(out), video.fps)


def test_frames_arrive_in_the_timeline_during_a_run(qtbot, area):
    reg = Registry()
    for s in default_registry().specs():
        reg.register(s)
    reg.register(LiveFrames)
    g = Graph(reg)
    src = g.add_node("source.shapes", {"frames": 6, "width": 32, "height": 24})
    live = g.add_node("test.live_frames", {"frames": 6})
    g.connect(src.id, "video", live.id, "video")
    during: list[tuple[int, int | None]] = []

    def on_event(e):
        if isinstance(e, NodeProgress):
            area.on_progress(e)
            during.append((len(area.timeline.live), area.shown_frame))
        elif isinstance(e, RunFinished):
            during.append(("finished", None))

    area.clear()
    res = Executor(frame_cache=area.frame_cache).run(g, targets=[live.id], on_event=on_event)
    # frame k appeared (with its preview in the viewer) while the node was still running
    assert during[:6] == [(k + 1, k) for k in range(6)]
    assert during[-1] == ("finished", None)
    assert area.timeline.live == set(range(6)) and len(area.timeline.thumbs) == 6
    np.testing.assert_array_equal(qimage_to_array(area.stack.image.image),
                                  to_u8(res.value(live.id).frame(5)))
    # a progressive preview without a frame (a sampler's step) shows in the viewer
    area.on_progress(NodeProgress(live.id, 3, 10, None, np.full((8, 8, 3), 0.25, np.float32)))
    assert "step 3 / 10" in area.stack.image.caption  # the Training dock's words (issue 35)
    assert qimage_to_array(area.stack.image.image)[0, 0].tolist() == [64, 64, 64]
    # events of another node do not disturb a value that is shown
    area.show_value(src.id, "Shapes", res.value(src.id, "video"), res.signatures[src.id] + ":video")
    area.on_progress(NodeProgress("other", 1, 2, 1, np.zeros((8, 8, 3), np.float32)))
    assert area.timeline.live == set()


def test_zoom_keeps_the_frame_under_the_cursor(qtbot):
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(600, 140)
    tl.set_clip(1000, 24.0)
    x = 300.0
    before = tl.frame_at(x)
    tl.zoom_by(8.0, x)
    assert tl.ppf is not None and tl.pixels_per_frame() > 4
    assert abs(tl.frame_at(x) - before) <= 1
    a, b = tl.visible_range()
    assert b - a < 200
    tl.set_zoom(None)
    assert tl.visible_range() == (0, 1000)
    tl.grab()  # paints without error at every zoom


def test_timecode_and_ruler_steps():
    assert timecode(0, 24) == "00:00:00:00"
    assert timecode(24 * 61 + 5, 24) == "00:01:01:05"
    assert timecode(30 * 3600, 29.97) == "01:00:00:00"
    assert nice_step(3, 24) == 5
    assert nice_step(30, 24) == 48
    assert nice_step(0.1, 24) == 1


def test_a_clip_streamed_to_an_output_keeps_the_written_frames_on_the_timeline_between_its_previews(qtbot, area):
    """A long video-model clip goes to Save Video as its windows finish: the sampler's previews
    (no frame) come between the frames the output writes, and must not wipe them."""
    area.clear()
    area.on_progress(NodeProgress("gen", 2, 6, None, np.full((8, 8, 3), 0.5, np.float32)))  # window 1
    for k in range(4):  # its frames written
        area.on_progress(NodeProgress("save", k + 1, 13, k))
    area.on_progress(NodeProgress("gen", 3, 6, None, np.full((8, 8, 3), 0.25, np.float32)))  # window 2
    assert area.timeline.live == set(range(4))
    assert "step 3 / 6" in area.stack.image.caption  # the preview still shows
    for k in range(4, 8):
        area.on_progress(NodeProgress("save", k + 1, 13, k))
    assert area.timeline.live == set(range(8))
