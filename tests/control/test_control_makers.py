"""Control video makers: skeletons from keypoints, flow and edges as control, masks from shapes,
keys, alpha and luma. Each is a lazy clip: frames are drawn when pulled."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.control import makers as M
from studio.core.errors import StudioError
from studio.core.values import Keypoints
from studio.engine.clip import ArrayClip
from tests.helpers import validate_errors
from tests.node_run import run_node
from tests.sources import source


def _kp(n_frames=3, n_points=17, w=64, h=48):
    rng = np.random.default_rng(0)
    pts = rng.uniform([4, 4], [w - 4, h - 4], (n_frames, n_points, 2)).astype(np.float32)
    return Keypoints(pts, np.ones((n_frames, n_points), bool), w, h, 12.0)


def test_skeleton_draws_the_chosen_connections_and_nothing_else():
    kp = Keypoints(np.float32([[[10, 10], [50, 10], [50, 40]]] * 2), np.ones((2, 3), bool), 64, 48, 10.0)
    clip = run_node(M.KeypointsToSkeleton, {"skeleton": "none", "connections": "0-1", "radius": 0,
                                            "colors": "white", "thickness": 2}, keypoints=kp)
    assert (clip.n_frames, clip.width, clip.height, clip.fps, clip.channels) == (2, 64, 48, 10.0, 3)
    f = clip.frame(0)
    assert f[10, 30].min() > 0.9            # on the 0-1 line
    assert f[25, 50].max() < 0.05           # 1-2 was not asked for
    chain = run_node(M.KeypointsToSkeleton, {"skeleton": "chain", "radius": 0, "colors": "white"}, keypoints=kp)
    assert chain.frame(1)[25, 50].min() > 0.9  # the chain joins 1-2
    kp.visible[1, 2] = False
    assert chain.frame(1)[25, 50].max() < 0.05  # a hidden point's limbs are not drawn


def test_body_preset_sizes_and_errors():
    clip = run_node(M.KeypointsToSkeleton, {"skeleton": "body (COCO 17)", "width": 128, "height": 96},
                    keypoints=_kp())
    f = clip.frame(2)
    assert f.shape == (96, 128, 3) and f.max() > 0.5 and len(np.unique(f.reshape(-1, 3), axis=0)) > 5  # coloured limbs
    with pytest.raises(StudioError, match="needs 17 points, the keypoints have 5"):
        run_node(M.KeypointsToSkeleton, {"skeleton": "body (COCO 17)"}, keypoints=_kp(n_points=5))
    with pytest.raises(StudioError, match="names point 9 but the keypoints have 5"):
        run_node(M.KeypointsToSkeleton, {"skeleton": "none", "connections": "0-9"}, keypoints=_kp(n_points=5))
    with pytest.raises(StudioError, match="is not 'a-b'"):
        run_node(M.KeypointsToSkeleton, {"connections": "0:1"}, keypoints=_kp(n_points=5))


def test_flow_to_control_uses_one_scale_for_every_frame():
    flow = np.zeros((2, 16, 16, 2), np.float32)
    flow[0, ..., 0] = 2.0
    flow[1, ..., 0] = 8.0
    clip = run_node(M.FlowToControl, {"mode": "speed", "max_magnitude": 8.0}, flow=ArrayClip(flow))
    assert np.allclose(clip.frame(0), 0.25) and np.allclose(clip.frame(1), 1.0)
    col = run_node(M.FlowToControl, {"mode": "colour", "max_magnitude": 8.0}, flow=ArrayClip(flow))
    f0, f1 = col.frame(0), col.frame(1)
    assert f0.shape == (16, 16, 3) and (f1.max(-1) - f1.min(-1)).mean() > (f0.max(-1) - f0.min(-1)).mean() + 0.3


def test_edges_are_white_lines_on_black():
    img = np.zeros((1, 32, 32, 3), np.float32)
    img[0, :, 16:] = 1.0
    clip = run_node(M.Edges, {"blur": 0.0}, video=ArrayClip(img))
    e = clip.frame(0)
    assert e.shape == (32, 32, 3) and e[:, 15:17].max() == 1.0 and e[:, :10].max() == 0 and e[:, 24:].max() == 0
    with pytest.raises(StudioError, match="low .* is above high"):
        run_node(M.Edges, {"low": 300, "high": 100}, video=ArrayClip(img))


def test_mask_from_keyed_shapes_alpha_and_luma():
    m = run_node(M.ControlMask, {"source": "rectangle", "shape_keys": "0: 0.25 0.5 0.5 0.5; 10: 0.75 0.5 0.5 0.5",
                                 "frames": 11, "width": 40, "height": 20, "fps": 8.0})
    assert (m.n_frames, m.width, m.height, m.channels, m.fps) == (11, 40, 20, 1, 8.0)
    a, mid, b = m.frame(0)[..., 0], m.frame(5)[..., 0], m.frame(10)[..., 0]
    assert a[10, 5] == 1 and a[10, 35] == 0 and b[10, 35] == 1 and b[10, 5] == 0
    assert mid[10, 20] == 1 and mid[10, 2] == 0 and mid[10, 38] == 0  # halfway between the keys
    inv = run_node(M.ControlMask, {"source": "ellipse", "shape_keys": "0: 0.5 0.5 0.5 0.5", "frames": 1, "invert": True,
                                   "width": 40, "height": 40})
    assert inv.frame(0)[20, 20, 0] == 0 and inv.frame(0)[1, 1, 0] == 1
    rgba = np.zeros((2, 8, 8, 4), np.float32)
    rgba[:, :4, :, 3] = 1.0
    rgba[:, :, :4, :3] = 1.0
    al = run_node(M.ControlMask, {"source": "alpha"}, video=ArrayClip(rgba))
    assert al.frame(1)[2, 6, 0] == 1 and al.frame(1)[6, 6, 0] == 0
    lu = run_node(M.ControlMask, {"source": "luma"}, video=ArrayClip(rgba))
    assert lu.frame(0)[6, 2, 0] == 1 and lu.frame(0)[6, 6, 0] == 0
    with pytest.raises(StudioError, match="no alpha"):
        run_node(M.ControlMask, {"source": "alpha"}, video=ArrayClip(rgba[..., :3]))
    with pytest.raises(StudioError, match="is not 'frame: cx cy w h'"):
        run_node(M.ControlMask, {"shape_keys": "0: 1 2", "frames": 2})


POINTS = source("test.control_points", "keypoints", "Keypoints", lambda p: _kp())


def _validate(node_type: str, params: dict) -> list[str]:
    """What validate (the compile's checks, no run) says of one node (fed keypoints if it takes them)."""
    from studio.core.graph import Graph
    g = Graph()
    g.add_node(node_type, params, node_id="n")
    if node_type == "control.keypoints_to_skeleton":
        g.add_node(POINTS, {}, node_id="points")
        g.connect("points", "keypoints", "n", "keypoints")
    return validate_errors(g)


@pytest.mark.parametrize("keys,why", [("0: nan 0.5 0.4 0.4", "centre"), ("0: inf 0.5 0.4 0.4", "centre"),
                                      ("0: 0.5 0.5 -100 0.4", "width and height"), ("-100: 0.5 0.5 0.4 0.4", "frame"),
                                      ("0: 0.5 0.5 0.4", "is not 'frame")])
def test_bad_numbers_in_shape_keys_are_refused_at_validate_by_the_mask(keys, why):
    """Issue 43 (6): nan / inf validated, then Wan VACE failed with "cannot convert float NaN to integer";
    a negative size failed in OpenCV's ellipse."""
    said = _validate("control.mask", {"shape_keys": f"0: 0.5 0.5 0.2 0.2; {keys}", "frames": 2, "source": "ellipse"})
    assert len(said) == 1 and said[0].startswith("'Control Mask' (n): 'shape_keys': ") and why in said[0], said
    with pytest.raises(StudioError, match="'shape_keys'"):
        run_node(M.ControlMask, {"shape_keys": keys, "frames": 2})
    assert _validate("control.mask", {"shape_keys": "0: -2 0.5 10 0.4", "frames": 2}) == []  # off the frame: fine


def test_a_skeleton_past_the_largest_frame_is_refused_at_validate():
    """Issue 43 (5): 8192x8192 (67 Mpx, 805 MB a frame) peaked at 8.7 GB and took 227 s."""
    said = _validate("control.keypoints_to_skeleton", {"width": 8192, "height": 8192})
    assert len(said) == 1 and "'Keypoints to Skeleton' (n): 'width' x 'height' is 8192x8192 = 67 Mpx" in said[0], said
    with pytest.raises(StudioError, match="'width' x 'height' is 8192x6000"):
        run_node(M.KeypointsToSkeleton, {"width": 8192}, keypoints=_kp(w=64, h=6000))
    assert _validate("control.keypoints_to_skeleton", {"width": 8192, "height": 4096}) == []


def test_a_large_feather_or_grow_costs_what_a_small_one_does(monkeypatch):
    """Issue 43 (7): Control Mask 8192x8192 with feather 100 was not done in 120 s (OpenCV's kernel
    is 8 sigma wide; an ellipse dilation's cost grows with its radius). A large feather is blurred
    at a reduced size (close to the exact blur), a large grow of a two-level mask by its distance
    transform (a ring of edge pixels may differ from the ellipse kernel's)."""
    import cv2

    from nodes.edit import mask as mask_tools
    m = np.zeros((300, 360), np.float32)
    m[80:220, 100:260] = 1.0
    cv2.ellipse(m, (180, 60), (50, 30), 0, 0, 360, 1.0, -1)
    exact = cv2.GaussianBlur(m, (0, 0), 40.0, borderType=cv2.BORDER_REPLICATE)
    sigmas = []
    real = cv2.GaussianBlur

    def spy(img, ksize, sigmaX, *args, **kw):
        sigmas.append((img.shape, max(sigmaX, kw.get("sigmaY", 0))))
        return real(img, ksize, sigmaX, *args, **kw)
    monkeypatch.setattr(cv2, "GaussianBlur", spy)
    fast = mask_tools.feather(m, 40.0)
    assert fast.shape == m.shape and np.abs(fast - exact).max() < 0.01
    assert all(s < 2 * mask_tools.EXACT_BLUR and shape[0] < 300 for shape, s in sigmas), sigmas  # never the full kernel
    monkeypatch.setattr(cv2, "GaussianBlur", real)
    assert np.array_equal(mask_tools.feather(m, 5.0), real(m, (0, 0), 5.0, borderType=cv2.BORDER_REPLICATE))
    for grow in (40, -40):
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (81, 81))
        ref = (cv2.dilate if grow > 0 else cv2.erode)(m, k, borderType=cv2.BORDER_REPLICATE)
        got = mask_tools.grow_and_feather(m, grow, 0.0)
        assert set(np.unique(got)) <= {0.0, 1.0} and (got != ref).sum() < 0.01 * ref.size
    clip = run_node(M.ControlMask, {"frames": 1, "width": 2048, "height": 2048, "feather": 100.0, "grow": 200})
    f = clip.frame(0)
    assert f.shape == (2048, 2048, 1) and f[1024, 1024, 0] > 0.99 and f[0, 0, 0] < 0.01


def test_a_keyed_polygon_mask_is_filled_and_refused_at_validate_when_bad():
    """Issue 46 (3): a polygon source, its points moved between keys; cv2.fillPoly at 1/16 pixel:
    every pixel whose centre is inside, and edge pixels (as OpenCV draws the ellipse)."""
    m = run_node(M.ControlMask, {"source": "polygon", "frames": 5, "width": 40, "height": 20,
                                 "polygon_keys": "0: 0 0, 0.5 0, 0.5 1, 0 1; 4: 0.5 0, 1 0, 1 1, 0.5 1"})
    a, mid, b = m.frame(0)[..., 0], m.frame(2)[..., 0], m.frame(4)[..., 0]
    assert a[:, :19].min() == 1 and a[:, 21:].max() == 0 and b[:, 21:].min() == 1 and b[:, :19].max() == 0
    assert mid[:, 11:29].min() == 1 and mid[:, :9].max() == 0 and mid[:, 31:].max() == 0  # halfway
    full = run_node(M.ControlMask, {"source": "polygon", "frames": 1, "polygon_keys": "0: 0 0, 1 0, 1 1, 0 1",
                                    "width": 16, "height": 8, "invert": True})
    assert full.frame(0).max() == 0  # the frame's corners: every pixel (inverted: none)
    said = _validate("control.mask", {"source": "polygon", "frames": 2,
                                      "polygon_keys": "0: 0.1 0.1, 0.5 0.5, 0.2 0.9; 3: 0.1 0.1, 0.5 0.5"})
    assert len(said) == 1 and said[0].startswith("'Control Mask' (n): 'polygon_keys': polygon key at frame 3 has 2"), said
    assert "draw one on the frame in the viewer" in _validate("control.mask", {"source": "polygon", "frames": 2})[0]
    assert _validate("control.mask", {"source": "rectangle", "frames": 2, "polygon_keys": "junk"}) == []  # not read
    with pytest.raises(StudioError, match="'polygon_keys': no polygon"):
        run_node(M.ControlMask, {"source": "polygon", "frames": 2})


def test_control_mask_refuses_a_frame_over_the_pixel_limit_before_making_one():
    """Issue 54, finding 11: 100,000 frames of 8192x8192 were made and fed on until GBs were held."""
    import resource
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(StudioError, match=r"Control Mask: a 8192x8192 mask is 67,108,864 pixels a frame, over "
                                          r"Studio's limit of 40,000,000"):
        run_node(M.ControlMask, {"frames": 100000, "width": 8192, "height": 8192})
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: no frame was made
