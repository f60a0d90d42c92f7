"""Camera Path (nodes/motion/camera.py): the presets' poses and a keyed path on hand-computed cases, a path
that cannot move refused at validation naming the node, and the Plücker embedding of a three-frame Zoom
In checked ray by ray against the formula written out here."""
from __future__ import annotations

import math

import numpy as np
import pytest

from studio.core.errors import GraphError
from studio.core.graph import Graph
from studio.core.values import CameraPath
from studio.engine.executor import Executor

from nodes.motion.camera import pixel_lens, plucker, preset_path

torch = pytest.importorskip("torch")


def _run(**params):
    g = Graph()
    g.add_node("motion.camera_path", params, node_id="cam")
    return Executor().run(g, device="cpu").value("cam")


def test_presets_move_by_the_fraction_of_the_path_each_frame_has_gone():
    # frame i of n has gone i / n of the way: 1.5 units of translation, pi / 3 of rotation a unit at speed 1
    pan = _run(preset="Pan Right", speed=2.0, frames=4)
    assert isinstance(pan, CameraPath) and pan.c2w.shape == (4, 4, 4)
    assert np.allclose(pan.c2w[:, :3, 3], [[0, 0, 0], [0.75, 0, 0], [1.5, 0, 0], [2.25, 0, 0]])
    assert np.allclose(pan.c2w[:, :3, :3], np.eye(3))
    up = preset_path("Pan Up", 1.0, 2)
    assert np.allclose(up[1, :3, 3], [0, -0.75, 0])  # y points down: up is -y
    cw = preset_path("Orbit CW", 1.0, 3)
    a = 2 / 3 * math.pi / 3  # the last frame's roll about the view axis
    assert np.allclose(cw[2, :3, :3], [[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    assert np.allclose(preset_path("Orbit ACW", 1.0, 3)[2, :3, :3], cw[2, :3, :3].T)
    assert np.allclose(_run(preset="Static", frames=5).c2w, np.eye(4))


def test_a_keyed_path_is_interpolated_between_keys_and_held_after_the_last():
    keys = ('[{"frame": 4, "position": [0, 0, 2], "rotation": [0, 90, 0]}, '
            '{"frame": 0, "position": [0, 0, 0]}]')  # out of order: sorted by frame
    cam = _run(preset="Custom", poses=keys, frames=6)
    assert np.allclose(cam.c2w[:, 2, 3], [0, 0.5, 1, 1.5, 2, 2])
    half = math.radians(45)  # frame 2: half of the pan's 90 degrees about y
    assert np.allclose(cam.c2w[2, :3, :3], [[math.cos(half), 0, math.sin(half)], [0, 1, 0],
                                            [-math.sin(half), 0, math.cos(half)]])
    assert cam.label == "custom, 2 keys"


@pytest.mark.parametrize("keys, why", [
    ('[{"frame": 0, "position": [1, 0, 0]}, {"frame": 40, "position": [1, 0, 0]}]', "does not move"),
    ('[{"frame": 10, "position": [0, 0, 0]}, {"frame": 10, "position": [0, 0, 1]}]', "has no length"),
    ('[{"frame": 0}]', "needs two keys or more"),
    ('not json', "not JSON"),
])
def test_a_custom_path_that_cannot_move_is_refused_at_validation_naming_the_node(keys, why):
    from studio.engine.plan import compile_plan
    g = Graph()
    g.add_node("motion.camera_path", {"preset": "Custom", "poses": keys}, node_id="cam")
    with pytest.raises(GraphError, match=f"cam.*{why}"):
        compile_plan(g, targets=None)
    g.nodes["cam"].params["preset"] = "Static"  # the Static preset is a path that stands still, and fine
    compile_plan(g, targets=None)


def test_the_plucker_embedding_of_a_three_frame_zoom_in_ray_by_ray():
    cam = _run(preset="Zoom In", frames=3, speed=1.0)
    assert np.allclose(cam.c2w[:, :3, 3], [[0, 0, 0], [0, 0, 1], [0, 0, 2]])  # i/3 * 1.5 * 2 forward
    w, h = 8, 4  # wider than 16:9: the lens's height is stretched (read for a 1280 x 720 recording)
    fx, fy, cx, cy = pixel_lens(cam, w, h)
    assert (fx, cx, cy) == (4.0, 4.0, 2.0) and fy == pytest.approx(w / (16 / 9) * 0.5)
    emb = plucker(cam, w, h)
    assert emb.shape == (3, h, w, 6) and emb.dtype == torch.float32
    for t in range(3):
        for v in range(h):
            for u in range(w):
                d = np.array([(u + 0.5 - cx) / fx, (v + 0.5 - cy) / fy, 1.0])
                d /= np.linalg.norm(d)
                o = np.array([0.0, 0.0, float(t)])  # the camera's centre: frame t is t units forward
                m = np.array([o[1] * d[2] - o[2] * d[1], o[2] * d[0] - o[0] * d[2], o[0] * d[1] - o[1] * d[0]])
                assert np.allclose(emb[t, v, u].numpy(), np.concatenate([m, d]), atol=1e-6), (t, v, u)


def test_a_turned_camera_turns_its_rays_and_poses_are_read_relative_to_the_first():
    c2w = np.tile(np.eye(4), (2, 1, 1))
    c2w[:, :3, 3] = [5.0, 0, 0]  # both frames 5 units right: relative to the first, the camera stays put
    c2w[1, :3, :3] = [[0, 0, 1], [0, 1, 0], [-1, 0, 0]]  # the second turned 90 degrees about y
    emb = plucker(CameraPath(c2w), 4, 4)
    assert np.allclose(emb[..., :3].numpy(), 0, atol=1e-6)  # origin at the first camera: no moment
    centre_dir = emb[1, 2, 2, 3:].numpy()  # pixel (2.5, 2.5): just off the axis
    fx, fy, cx, cy = pixel_lens(CameraPath(c2w), 4, 4)  # square: the lens's width is stretched
    assert fx == pytest.approx(4 * 16 / 9 * 0.5) and (fy, cx, cy) == (2.0, 2.0, 2.0)
    d = np.array([0.5 / fx, 0.5 / fy, 1.0])
    d /= np.linalg.norm(d)
    assert np.allclose(centre_dir, [d[2], d[1], -d[0]], atol=1e-6)  # R @ d


def test_a_thousand_frames_in_one_vectorised_call_give_unit_directions():
    emb = plucker(CameraPath(preset_path("Orbit CW", 1.0, 1000)), 64, 48)
    assert emb.shape == (1000, 48, 64, 6) and torch.isfinite(emb).all()
    assert torch.allclose(emb[..., 3:].norm(dim=-1), torch.ones(1000, 48, 64))  # unit directions


def test_the_viewer_says_a_camera_path_in_words():
    from studio.ui.preview.values import classify, describe, summary
    cam = _run(preset="Zoom In", frames=3)
    assert classify(cam) == "text" and summary(cam) == "camera path (Zoom In, speed 1) over 3 frames"
    text = describe(cam)
    assert text.startswith("camera path: Zoom In, speed 1, 3 frames\nlens fx 0.5 fy 0.5 cx 0.5 cy 0.5")
    assert "frame 2: position [0.0, 0.0, 2.0]" in text
