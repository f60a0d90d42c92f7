"""Drawn Tracks (nodes/motion/drawn.py, issue 57): its keys text read and written
(studio.core.frame_keys), each point linear between keys and held outside them, hidden from a key
on; the node's Keypoints on hand-computed cases; its text refused in words at validation."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import GraphError, StudioError
from studio.core.frame_keys import format_track_keys, parse_track_keys, track_at
from studio.core.graph import Graph
from studio.engine.executor import Executor
from studio.engine.plan import compile_plan

TEXT = "0: 0.2 0.3, 10: 0.6 0.5; 4: 0.5 0.5 hidden, 8: 0.9 0.1"


def test_the_keys_are_read_and_written_back_the_same():
    tracks = parse_track_keys(TEXT)
    assert tracks == [[(0, 0.2, 0.3, True), (10, 0.6, 0.5, True)], [(4, 0.5, 0.5, False), (8, 0.9, 0.1, True)]]
    assert format_track_keys(tracks) == TEXT
    assert parse_track_keys("\n 5: 1 0 , 2: 0 1 ;\n") == [[(2, 0.0, 1.0, True), (5, 1.0, 0.0, True)]]  # sorted
    assert parse_track_keys("  ") == []


def test_a_point_moves_in_a_line_between_keys_and_is_held_outside_them():
    a, b = parse_track_keys(TEXT)
    assert track_at(a, 5) == pytest.approx((0.4, 0.4, True))  # half way: (0.2 + 0.6) / 2, (0.3 + 0.5) / 2
    assert track_at(a, 0) == track_at(a, -3) == (0.2, 0.3, True)
    assert track_at(a, 25) == (0.6, 0.5, True)
    # hidden from its first key (and before it) to the next key, shown from frame 8 on
    assert track_at(b, 0) == (0.5, 0.5, False) and track_at(b, 6)[2] is False
    assert track_at(b, 6)[:2] == pytest.approx((0.7, 0.3))
    assert track_at(b, 8) == pytest.approx((0.9, 0.1, True)) and track_at(b, 30)[2] is True


@pytest.mark.parametrize("text, words", [
    ("0 0.2 0.3", "track 1, key '0 0.2 0.3' is not 'frame: x y'"),
    ("0: 0.2 0.3; 4: 0.1", "track 2, key '4: 0.1' is not"),
    ("0: nan 0.3", "track 1, key at frame 0: the point must be from -10 to 10"),
    ("0: 0.2 inf", "not nan or inf"),
    ("-2: 0.2 0.3", "the frame must be 0 or more"),
    ("3: 0.2 0.3, 3: 0.4 0.4", "track 1 has two keys at frame 3"),
    ("0: 0.1 0.1 hiden", "is not 'frame: x y' or 'frame: x y hidden'"),
])
def test_bad_text_is_refused_in_words(text, words):
    with pytest.raises(StudioError, match=words.replace("(", r"\(")):
        parse_track_keys(text)


def _run(**params):
    g = Graph()
    g.add_node("motion.drawn_tracks", params, node_id="n")
    return Executor(frame_caching=False).run(g, device="cpu").value("n")


def test_the_node_outputs_keypoints_like_path_tracks():
    k = _run(tracks=TEXT, frames=12, width=100, height=50)
    assert k.points.shape == (12, 2, 2) and k.visible.shape == (12, 2) and (k.width, k.height) == (100, 50)
    assert k.points.dtype == np.float32 and k.visible.dtype == bool
    assert np.allclose(k.points[5, 0], [40, 20]) and np.allclose(k.points[11, 0], [60, 25])  # 0.4*100, 0.4*50
    assert np.allclose(k.points[0, 1], [50, 25]) and np.allclose(k.points[6, 1], [70, 15])
    assert k.visible[:, 0].all() and k.visible[:, 1].tolist() == [False] * 8 + [True] * 4
    g = Graph()
    g.add_node("motion.path_tracks", {}, node_id="p")
    path = Executor(frame_caching=False).run(g, device="cpu").value("p")
    assert type(k) is type(path)  # the same value (Wan-Move's tracks, Draw Tracks take it)
    from nodes.motion.drawn import DrawnTracks
    from nodes.motion.paths import PathTracks
    assert DrawnTracks.outputs[0].type == PathTracks.outputs[0].type == "Keypoints"


@pytest.mark.parametrize("params, words", [
    ({"tracks": "", "frames": 5}, "no tracks yet: select the node and click on the frame"),
    ({"tracks": "0: 0.1 0.1, 7: 0.2 0.2", "frames": 5}, "track 1 has a key at frame 7, past the 5 frames"),
    ({"tracks": "0: x 0.1", "frames": 5}, "'tracks': track 1, key '0: x 0.1' is not"),
    ({"tracks": "; ".join(["0: 0.5 0.5"] * 1001), "frames": 5}, "more than 1000 tracks"),
    ({"tracks": "; ".join(["0: 0.5 0.5"] * 1000), "frames": 2001}, "2001 frames of 1000 tracks: at most 2,000,000"),
])
def test_the_nodes_text_is_refused_at_validation_naming_the_node(params, words):
    g = Graph()
    g.add_node("motion.drawn_tracks", params, node_id="drawn")
    with pytest.raises(GraphError, match="drawn.*" + words.replace("(", r"\(")):
        compile_plan(g, targets=None)


def test_a_plate_wired_in_gives_the_tracks_its_frame():
    g = Graph()
    g.add_node("procedural.noise", {"width": 64, "height": 32, "frames": 2, "fps": 12.0}, node_id="plate")
    g.add_node("motion.drawn_tracks", {"tracks": "0: 0.5 0.25, 3: 1 1", "frames": 4, "width": 999, "height": 999},
               node_id="n")
    g.connect("plate", "video", "n", "plate")
    k = Executor(frame_caching=False).run(g, targets=["n"], device="cpu").value("n")
    assert (k.width, k.height, k.fps) == (64, 32, 12.0) and k.points.shape == (4, 1, 2)  # 'frames', not the plate's 2
    assert np.allclose(k.points[:, 0], [[32, 8], [42.6667, 16], [53.3333, 24], [64, 32]], atol=1e-3)


def test_draw_tracks_takes_them_and_leaves_a_hidden_track_out():
    g = Graph()
    g.add_node("procedural.noise", {"width": 64, "height": 32, "frames": 3, "color_a": "#000000",
                                    "color_b": "#000000"}, node_id="plate")
    g.add_node("motion.drawn_tracks", {"tracks": "0: 0.25 0.5; 0: 0.75 0.5 hidden", "frames": 3}, node_id="n")
    g.add_node("motion.draw_tracks", {"trail": 0}, node_id="draw")
    g.connect("plate", "video", "n", "plate")
    g.connect("plate", "video", "draw", "video")
    g.connect("n", "keypoints", "draw", "keypoints")
    out = Executor(frame_caching=False).run(g, targets=["draw"], device="cpu").value("draw").frame(1)
    assert out[16, 16].max() > 0.2  # the shown track's dot at (16, 16) on the black plate
    assert out[12:21, 44:53].max() == 0  # the hidden one: nothing at (48, 16)
