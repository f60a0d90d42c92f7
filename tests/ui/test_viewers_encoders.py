"""Viewers for the encoder and fusion nodes (similarity matrix, "which input dominates"), the
timeline's audio-features strip, and in/out markers dragged with the mouse."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.core.graph import Graph
from studio.core.values import Audio, Features
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from studio.ui.preview.values import classify
from studio.ui.preview.timeline import Timeline
from studio.ui.preview.qimages import qimage_to_array
from studio.ui.preview.pixels import MODALITY_COLORS, dominance_of, heatmap, similarity_of

from .widgets import shown


@pytest.fixture
def area(make_area):
    return make_area(640, 420, auto_thumbnails=False)


def sim_features():
    m = torch.tensor([[1.0, 0.8, 0.25], [0.8, 1.0, 0.1], [0.25, 0.1, 1.0]])
    labels = ["a red circle", "a red ball", "a blue square"]
    return Features(m, per_frame=False, names=labels, extras={"labels": labels, "kind": "similarity"})


def pixel(widget, p: QPointF) -> np.ndarray:
    img = qimage_to_array(widget.grab().toImage())
    dpr = widget.devicePixelRatioF()
    return img[int(p.y() * dpr), int(p.x() * dpr)].astype(int)


# -- similarity matrix ------------------------------------------------------------------------


def test_similarity_matrix_is_a_labelled_heatmap_and_hover_names_the_pair(qtbot, area):
    feats = sim_features()
    assert classify(feats) == "similarity"
    area.show_value("sim", "Prompt Similarity", feats, "s:matrix")
    sv = area.stack.similarity
    assert area.stack.currentWidget() is sv
    assert sv.labels == ["a red circle", "a red ball", "a blue square"]
    # each cell is painted in the colour of its value (sampled off-centre, away from the number)
    for i, j in ((0, 0), (0, 2), (2, 1)):
        r = sv.cell_rect(i, j)
        got = pixel(sv, QPointF(r.left() + 4, r.top() + 4))
        want = heatmap(np.array([[feats.data[i, j].item()]]), sv.lo, sv.hi)[0, 0].astype(int)
        assert np.abs(got - want).max() <= 6, (i, j, got, want)
    # hovering a cell names both prompts and the value, in the status line under the viewer
    c = sv.cell_rect(0, 2).center().toPoint()
    qtbot.mouseMove(sv, c)
    qtbot.waitUntil(lambda: "0.250" in area.pixel_label.text(), timeout=2000)
    assert "a red circle" in area.pixel_label.text() and "a blue square" in area.pixel_label.text()
    assert sv.hover == (0, 2)
    assert sv.cell_at(QPointF(1, 1)) is None  # over the labels: no cell
    # a matrix whose labels do not match its size is ordinary features
    bad = Features(torch.zeros(3, 4), extras={"labels": ["x", "y", "z"]})
    assert similarity_of(bad) is None and classify(bad) == "features"


def test_text_similarity_node_output_opens_the_matrix_viewer(qtbot, area):
    from nodes.encoders.text import default_model_available
    if not default_model_available():
        pytest.skip("the pinned MiniLM model is not installed")
    g = Graph()
    n = g.add_node("encode.text_similarity", {"prompts": "a cat\na kitten\na truck"})
    res = Executor().run(g, targets=[n.id])
    area.show_value(n.id, "Prompt Similarity", res.value(n.id, "matrix"), "k:matrix")
    sv = area.stack.similarity
    assert area.stack.currentWidget() is sv and sv.labels == ["a cat", "a kitten", "a truck"]
    assert sv.matrix[0, 1] > sv.matrix[0, 2]  # cat ~ kitten more than cat ~ truck


# -- which input dominates --------------------------------------------------------------------


def _view_to_widget(view, plot, x: float, y: float) -> QPointF:
    scene = plot.vb.mapViewToScene(QPointF(x, y))
    vp = view.glw.mapFromScene(scene)
    return QPointF(view.glw.mapTo(view, vp))


def test_dominance_shows_as_stacked_areas_with_a_legend_and_a_playhead(qtbot, area):
    T = 20
    dom = np.zeros((T, 4), np.float32)
    dom[:10, 0] = 1.0  # a drives the first half
    dom[10:, 1] = 1.0  # b the second
    feats = Features(torch.randn(T, 8), per_frame=True, fps=24.0,
                     extras={"dominance": torch.from_numpy(dom), "modalities": ["a", "b", "c", "d"],
                             "present": [True, True, False, False]})
    area.show_value("fuse", "Gated Fusion", feats, "f:features")
    fv = area.stack.features
    assert area.stack.currentWidget() is fv
    assert fv.dominance_names == ["a", "b"]  # inputs not connected and without share are left out
    assert len(fv.dominance_items) == 2
    legend = fv.dominance_plot.legend
    assert [lab.text for _s, lab in legend.items] == ["a", "b"]
    area.viewer_widget.resize(700, 700)
    qtbot.wait(50)
    plot = fv.dominance_plot
    plot.setXRange(0, T - 1, padding=0)
    qtbot.wait(50)
    left = pixel(fv, _view_to_widget(fv, plot, 4, 0.5))
    right = pixel(fv, _view_to_widget(fv, plot, 15, 0.5))
    ca, cb = np.array(MODALITY_COLORS[0]), np.array(MODALITY_COLORS[1])
    assert np.abs(left - ca).sum() < np.abs(left - cb).sum()  # blue-ish where a dominates
    assert np.abs(right - cb).sum() < np.abs(right - ca).sum()  # orange-ish where b does
    # the playhead follows the frame
    area.seek(7)
    lines = [it for it in plot.items if it in fv.lines]
    assert lines and all(ln.value() == 7 for ln in lines)


def test_real_fusion_node_dominance_and_clip_level_bars(qtbot, area):
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 6, "width": 32, "height": 24, "sound": True})
    aud = g.add_node("encode.audio", {"mels": 16, "mfcc": 4})
    img = g.add_node("encode.image", {"size": 32, "dim": 8})
    fuse = g.add_node("fusion.gated", {"dim": 8})
    g.connect(src.id, "video", aud.id, "video")
    g.connect(src.id, "video", img.id, "video")
    g.connect(img.id, "features", fuse.id, "a")
    g.connect(aud.id, "features", fuse.id, "b")
    res = Executor().run(g, targets=[fuse.id])
    feats = res.value(fuse.id, "features")
    area.show_value(fuse.id, "Gated Fusion", feats, "g:features")
    fv = area.stack.features
    assert fv.dominance is not None and fv.dominance.shape[0] == 6
    assert fv.dominance_names[:2] == ["a", "b"]
    np.testing.assert_allclose(np.asarray(feats.extras["dominance"]).sum(1), 1.0, atol=1e-4)
    # clip-level features: one bar per input
    clip_level = Features(torch.randn(8), extras={"dominance": torch.tensor([0.7, 0.3, 0.0, 0.0]),
                                                  "present": [True, True, False, False]})
    area.show_value("c", "Concat Fusion", clip_level, "c:features")
    assert len(fv.dominance_items) == 2 and fv.dominance.shape == (1, 2)
    assert dominance_of(Features(torch.randn(8))) is None


# -- audio features under the timeline --------------------------------------------------------


def clicks(seconds=2.0, rate=16000, every=0.5):
    x = np.zeros(int(seconds * rate), np.float32)
    t = np.arange(int(0.03 * rate)) / rate
    burst = (0.8 * np.sin(2 * np.pi * 880 * t) * np.exp(-t * 80)).astype(np.float32)
    for k in range(int(seconds / every)):
        a = int(k * every * rate)
        x[a:a + burst.size] += burst[: x.size - a]
    return Audio(x, rate)


def test_audio_encoder_features_fill_the_timeline_strip_aligned_to_frames(qtbot, area):
    n = 40
    loud = np.full(n, -40.0, np.float32)
    loud[10:20] = -6.0
    onset = np.zeros(n, np.float32)
    onset[[5, 25]] = 1
    beat = np.zeros(n, np.float32)
    beat[[12, 30]] = 1
    feats = Features(torch.randn(n, 4), per_frame=True, fps=24.0, names=["a", "b", "c", "d"],
                     extras={"loudness": torch.from_numpy(loud), "onset": torch.from_numpy(onset),
                             "beat": torch.from_numpy(beat), "tempo": 120.0})
    area.show_value("aud", "Audio Encoder", feats, "a:features")
    tl = area.timeline
    assert tl.has_audio_features and tl.features_source == "features"
    assert tl.onsets.tolist() == [5, 25] and tl.beats.tolist() == [12, 30]
    assert tl.loudness[15] == pytest.approx(1.0) and tl.loudness[0] == pytest.approx(0.0)
    r = tl.features_rect()
    img = qimage_to_array(tl.grab().toImage())
    dpr = tl.devicePixelRatioF()

    def at(x, y):
        return img[int(y * dpr), int(x * dpr)].astype(int)
    y_mid = r.top() + r.height() * 0.7
    beat_px = at(tl.x_of(12.5), y_mid)
    assert np.abs(beat_px - [120, 210, 255]).max() < 30  # a beat tick under frame 12
    onset_px = at(tl.x_of(5.5), r.top() + 3)
    assert np.abs(onset_px - [255, 150, 40]).max() < 30  # an onset tick under frame 5
    quiet, loud_px = at(tl.x_of(3.3), r.top() + 5), at(tl.x_of(15.3), r.top() + 8)
    assert loud_px.sum() > quiet.sum() + 60  # the loudness curve is filled up where it is loud
    # a value without audio features clears the strip
    area.show_value("x", "Other", Features(torch.randn(n, 4), per_frame=True, fps=24.0), "x:f")
    assert not tl.has_audio_features and tl.features_rect() is None


def test_audio_value_and_clip_sound_are_analysed_in_the_background(qtbot, area):
    audio = clicks()
    area.show_value("rec", "Audio", audio, "au:audio")
    tl = area.timeline
    qtbot.waitUntil(lambda: tl.has_audio_features, timeout=5000)
    assert tl.features_source == "audio" and tl.loudness.shape == (tl.n_frames,)
    assert len(tl.onsets) >= 3  # the clicks every 12 frames
    assert all(abs(f - 12 * round(f / 12)) <= 1 for f in tl.onsets.tolist())
    # a video with sound gets the strip too; a silent track clears it without an error
    clip = ArrayClip(np.zeros((48, 8, 8, 3), np.float32), 24.0)
    clip.audio = clicks()
    area.show_value("v", "Video", clip, "v:video")
    qtbot.waitUntil(lambda: tl.has_audio_features and tl.features_source == "audio", timeout=5000)
    area.show_value("s", "Silence", Audio(np.zeros(16000, np.float32), 16000), "si:audio")
    qtbot.waitUntil(lambda: area.fetcher.idle(), timeout=5000)
    qtbot.wait(30)
    assert not tl.has_audio_features and area.last_error is None


# -- in/out markers dragged with the mouse ------------------------------------------------------


@pytest.fixture
def timeline(qtbot):
    t = shown(qtbot, Timeline(), 502, 160)
    t.set_clip(100, 24.0)
    return t


def drag(qtbot, w, x0, x1, y=60):
    qtbot.mousePress(w, Qt.LeftButton, pos=QPoint(int(round(x0)), y))
    for k in range(1, 6):
        qtbot.mouseMove(w, QPoint(int(round(x0 + (x1 - x0) * k / 5)), y))
    qtbot.mouseRelease(w, Qt.LeftButton, pos=QPoint(int(round(x1)), y))


def test_in_and_out_markers_drag_with_the_mouse(qtbot, timeline):
    t = timeline
    t.set_current(50)
    t.set_in(20)
    t.set_out(60)
    seen = []
    t.inOutChanged.connect(seen.append)
    assert t.marker_at(t.x_of(20) + 2) == "in" and t.marker_at(t.x_of(60) - 3) == "out"
    assert t.marker_at(t.x_of(40)) is None
    # the cursor says a marker can be dragged
    qtbot.mouseMove(t, QPoint(int(t.x_of(20)) + 1, 60))
    assert t.cursor().shape() == Qt.SplitHCursor
    qtbot.mouseMove(t, QPoint(int(t.x_of(40)), 60))
    assert t.cursor().shape() == Qt.ArrowCursor
    drag(qtbot, t, t.x_of(20), t.x_of(35))
    assert t.in_point == 35 and t.in_out() == (35, 60)
    assert t.current == 50  # dragging a marker leaves the playhead alone
    assert seen and seen[-1] == (35, 60)
    drag(qtbot, t, t.x_of(60), t.x_of(90))
    assert t.out_point == 90
    # neither marker passes the other: at least one frame stays between them
    drag(qtbot, t, t.x_of(90), t.x_of(5))
    assert t.out_point == 36 and t.in_point == 35
    drag(qtbot, t, t.x_of(35), t.x_of(99) + 20)
    assert t.in_point == 35 and t.out_point == 36  # the in marker stops a frame before the out one
    # a click away from the markers still moves the playhead
    qtbot.mouseClick(t, Qt.LeftButton, pos=QPoint(int(t.x_of(80.5)), 60))
    assert t.current == 80


def test_marker_drag_limits_playback_and_the_render_range(qtbot, area):
    clip = ArrayClip(np.zeros((50, 8, 8, 3), np.float32), 24.0)
    area.show_value("v", "Video", clip, "v:video")
    t = area.timeline
    t.set_in(10)
    t.set_out(40)
    drag(qtbot, t, t.x_of(10), t.x_of(15))
    drag(qtbot, t, t.x_of(40), t.x_of(30))
    assert area.in_out() == (15, 30)
    assert area.player.range == (15, 30)


def test_a_single_loud_frame_stays_visible_when_zoomed_out(qtbot):
    t = Timeline()
    qtbot.addWidget(t)
    t.resize(202, 160)
    t.show()
    t.set_clip(2000, 24.0)  # ten frames per pixel
    loud = np.full(2000, -60.0, np.float32)
    loud[1703] = 0.0
    t.set_audio_features(loud)
    r = t.features_rect()
    img = qimage_to_array(t.grab().toImage())
    dpr = t.devicePixelRatioF()
    col = np.round(np.arange(img.shape[1]) / dpr).astype(int)
    band = img[int((r.top() + 8) * dpr):int((r.top() + 24) * dpr)].astype(int).mean(axis=0)  # [W, 3]
    lit = {int(c) for c in col[np.abs(band - [34, 30, 44]).max(axis=1) > 25]}  # filled under the curve
    lit = {x for x in lit if x > 6}  # not the playhead at frame 0
    assert lit and all(abs(x - t.x_of(1703)) <= 2 for x in lit), lit
