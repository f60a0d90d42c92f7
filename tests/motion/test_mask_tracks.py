"""Tracks from Mask (nodes/motion/mask_tracks.py, issue 57): the centroid of a mask's pixels each
frame on hand-computed cases, an empty frame hidden and said, the mask pulled a chunk at a time, and
its Keypoints taken by Draw Tracks and Image to Video's 'tracks'."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.motion import mask_tracks as M
from studio.core.graph import Graph
from studio.engine.clip import ArrayClip
from studio.engine.context import Context, Runtime
from studio.engine.executor import Executor


def _masks() -> np.ndarray:
    """4 frames of 6x8 (H x W): frame 0 one pixel at (x 1, y 2); frame 1 columns 2..5 of row 0 and
    row 3 (8 pixels); frame 2 empty; frame 3 pixel (7, 5) at 1.0 and pixel (0, 0) at 0.4 (below 0.5)."""
    m = np.zeros((4, 6, 8, 1), np.float32)
    m[0, 2, 1] = 1
    m[1, [0, 3], 2:6] = 1
    m[3, 5, 7] = 1
    m[3, 0, 0] = 0.4
    return m


class Counting(ArrayClip):
    def __init__(self, frames):
        super().__init__(frames, fps=12.0)
        self.pulls: list[tuple[int, int]] = []

    def _chunk(self, a, b):
        self.pulls.append((a, b))
        return super()._chunk(a, b)


def _run(clip, threshold=0.5):
    rt = Runtime()
    said: list = []
    rt.emit = said.append
    spec = M.TracksFromMask.spec()
    ctx = Context("n1", spec.title, spec.coerce_params({"threshold": threshold}), 0, None, rt)
    return M.TracksFromMask().run(ctx, mask=clip), [getattr(e, "text", "") for e in said]


def test_the_centroid_of_each_frame_by_hand_and_an_empty_frame_hidden_at_the_last_place():
    k, said = _run(Counting(_masks()))
    assert k.points.shape == (4, 1, 2) and k.visible.shape == (4, 1) and (k.width, k.height, k.fps) == (8, 6, 12.0)
    # pixel centres at i + 0.5: frame 0 (1.5, 2.5); frame 1 x mean(2..5) + 0.5 = 4, y mean(0, 3) + 0.5 = 2
    assert np.allclose(k.points[:, 0], [[1.5, 2.5], [4.0, 2.0], [4.0, 2.0], [7.5, 5.5]])
    assert k.visible[:, 0].tolist() == [True, True, False, True]  # frame 2 empty; frame 3's 0.4 pixel left out
    assert any("empty on 1 of 4 frames (2)" in s for s in said)
    k, _ = _run(Counting(_masks()), threshold=0.3)  # the 0.4 pixel counts now: ((7.5 + 0.5) / 2, (5.5 + 0.5) / 2)
    assert np.allclose(k.points[3, 0], [4.0, 3.0])


def test_leading_empty_frames_take_the_first_place_and_an_all_empty_mask_is_warned():
    m = _masks()
    m[0] = 0
    k, _ = _run(Counting(m))
    assert k.visible[:, 0].tolist() == [False, True, False, True] and np.allclose(k.points[0, 0], [4.0, 2.0])
    k, said = _run(Counting(np.zeros((3, 4, 4, 1), np.float32)))
    assert not k.visible.any() and np.all(np.isfinite(k.points))
    assert any("empty (nothing above 0.5) in all 3 frames" in s for s in said)


def test_the_mask_is_pulled_a_bounded_chunk_at_a_time(monkeypatch):
    assert M.chunk_frames(4096, 4096) == 1 and M.chunk_frames(8, 8) == 64
    monkeypatch.setattr(M, "CHUNK_PIXELS", 2 * 6 * 8)  # two frames a chunk
    clip = Counting(_masks())
    k, _ = _run(clip)
    assert clip.pulls == [(0, 2), (2, 4)] and np.allclose(k.points[3, 0], [7.5, 5.5])


def _graph():
    g = Graph()
    g.add_node("control.mask", {"shape_keys": "0: 0.25 0.5 0.25 0.25; 4: 0.75 0.5 0.25 0.25", "frames": 5,
                                "width": 64, "height": 32}, node_id="mask")
    g.add_node("motion.tracks_from_mask", {}, node_id="t")
    g.connect("mask", "mask", "t", "mask")
    return g


def test_a_control_masks_rectangle_is_followed_and_draw_tracks_and_image_to_video_take_it():
    g = _graph()
    g.add_node("procedural.noise", {"width": 64, "height": 32, "frames": 5, "color_a": "#000000",
                                    "color_b": "#000000"}, node_id="plate")
    g.add_node("motion.draw_tracks", {"trail": 0}, node_id="draw")
    g.connect("plate", "video", "draw", "video")
    g.connect("t", "keypoints", "draw", "keypoints")
    g.add_node("video_models.image_to_video", {}, node_id="i2v")
    g.connect("t", "keypoints", "i2v", "tracks")  # the port types agree (Keypoints), or connect refuses
    problems = [str(e) for e in g.validate()]
    assert not [s for s in problems if "'tracks'" in s or "keypoints" in s.lower()], problems
    assert all("i2v" in s for s in problems)  # only its model and image are missing
    res = Executor(frame_caching=False).run(g, targets=["t", "draw"], device="cpu")
    k = res.value("t")
    assert k.visible.all() and np.allclose(k.points[[0, 4], 0], [[16, 16], [48, 16]], atol=0.6)
    assert np.allclose(k.points[2, 0], [32, 16], atol=0.6)  # half way
    out = res.value("draw").frame(4)
    assert out[16, 48].max() > 0.2 and out[16, 16].max() == 0  # the dot where the rectangle is on frame 4


def test_a_wrong_input_is_refused_at_connect():
    g = _graph()
    g.add_node("motion.path_tracks", {}, node_id="p")
    with pytest.raises(Exception, match="(?i)keypoints|mask|type"):
        g.connect("p", "keypoints", "t", "mask")
