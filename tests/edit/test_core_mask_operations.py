"""ComfyUI's core mask nodes and Stitch Images as Studio operations (nodes/edit/mask_core.py, stitch.py, Mask Tools'
diamond grow), each checked against values worked out by hand from ComfyUI's declared behaviour."""
import numpy as np
import pytest

from nodes.edit import mask as M
from nodes.edit import mask_core as MC
from nodes.edit import stitch as S
from studio.engine.clip import ArrayClip
from tests.node_run import run_node


def _mask(rows) -> ArrayClip:
    return ArrayClip(np.asarray(rows, np.float32)[None, ..., None])


def test_grow_by_a_diamond_is_a_cross_applied_expand_times_and_a_square_without_tapered_corners():
    m = np.zeros((9, 9), np.float32)
    m[4, 4] = 1.0
    diamond = run_node(M.MaskTools, {"grow": 2, "grow_shape": "diamond"}, mask=_mask(m)).frame(0)[..., 0]
    yy, xx = np.mgrid[:9, :9]
    assert np.array_equal(diamond, (abs(yy - 4) + abs(xx - 4) <= 2).astype(np.float32))  # 13 pixels
    square = run_node(M.MaskTools, {"grow": 2, "grow_shape": "square"}, mask=_mask(m)).frame(0)[..., 0]
    assert square.sum() == 25
    shrunk = run_node(M.MaskTools, {"grow": -1, "grow_shape": "diamond"},
                      mask=_mask(np.ones((5, 5), np.float32))).frame(0)
    assert shrunk.min() == 1.0  # the edges replicated: a full mask is not eaten from its border
    big = np.zeros((80, 80), np.float32)
    big[40, 40] = 1.0  # a two-level mask grown past EXACT_GROW: by its city-block distance, the same diamond
    grown = run_node(M.MaskTools, {"grow": 20, "grow_shape": "diamond"}, mask=_mask(big)).frame(0)[..., 0]
    yy, xx = np.mgrid[:80, :80]
    assert np.array_equal(grown, (abs(yy - 40) + abs(xx - 40) <= 20).astype(np.float32))


def test_solid_mask_and_mask_to_video():
    solid = run_node(MC.SolidMask, {"value": 0.25, "width": 5, "height": 3, "frames": 2})
    assert (solid.n_frames, solid.width, solid.height, solid.channels) == (2, 5, 3, 1)
    assert np.allclose(solid.frame(1), 0.25)
    m = np.array([[0.0, 0.5], [1.0, 0.2]], np.float32)
    video = run_node(MC.MaskToVideo, {}, mask=_mask(m))
    f = video.frame(0)
    assert video.channels == 3 and f.shape == (2, 2, 3) and np.array_equal(f[..., 2], m) and np.array_equal(f[..., 0], m)


@pytest.mark.parametrize("op, want", [
    ("multiply", [[0.2, 0.3, 0.0], [0.4, 0.9, 0.8]]),
    ("add", [[0.2, 1.0, 0.7], [0.4, 1.0, 1.0]]),
    ("subtract", [[0.2, 0.1, 0.0], [0.4, 0.0, 0.0]]),
    ("and", [[0.2, 0.0, 0.0], [0.4, 1.0, 1.0]]),
    ("or", [[0.2, 1.0, 1.0], [0.4, 1.0, 1.0]]),
    ("xor", [[0.2, 1.0, 1.0], [0.4, 0.0, 0.0]]),
])
def test_combine_masks_places_the_source_at_x_y_and_clips(op, want):
    dst = np.array([[0.2, 0.6, 0.0], [0.4, 0.9, 0.8]], np.float32)
    src = np.array([[0.5, 0.7], [1.0, 1.0], [1.0, 1.0]], np.float32)  # a row past the destination: cut
    got = run_node(MC.CombineMasks, {"x": 1, "y": 0, "operation": op}, destination=_mask(dst), source=_mask(src))
    f = got.frame(0)[..., 0]
    # column 0 lies outside the source (the destination's own); the logical ones on values rounded (0.5 -> 0,
    # 0.6 and 0.7 -> 1); the sums clipped to 0..1
    assert f.shape == (2, 3) and np.allclose(f, np.array(want, np.float32), atol=1e-6), (op, f)


def test_feather_edges_ramps_each_side():
    m = np.ones((4, 6), np.float32)
    f = run_node(MC.FeatherEdges, {"left": 2, "top": 0, "right": 3, "bottom": 2}, mask=_mask(m)).frame(0)[..., 0]
    across = np.array([0.5, 1.0, 1.0, 1.0, 2 / 3, 1 / 3], np.float32)
    down = np.array([1.0, 1.0, 1.0, 0.5], np.float32)  # the last row (0 + 1) / 2, the one above it 2 / 2
    assert np.allclose(f, down[:, None] * across[None, :], atol=1e-6)


def test_crop_mask_cuts_at_the_edges_and_refuses_a_corner_outside():
    m = np.arange(20, dtype=np.float32).reshape(4, 5) / 20
    got = run_node(MC.CropMask, {"x": 3, "y": 1, "width": 10, "height": 2}, mask=_mask(m))
    assert (got.width, got.height) == (2, 2) and np.array_equal(got.frame(0)[..., 0], m[1:3, 3:5])
    with pytest.raises(Exception, match="outside"):
        run_node(MC.CropMask, {"x": 5, "y": 0}, mask=_mask(m)).frame(0)


def _colour(h, w, rgb, n=1):
    return ArrayClip(np.broadcast_to(np.array(rgb, np.float32), (n, h, w, 3)).copy())


def test_stitch_matches_size_adds_spacing_and_holds_the_shorter_clips_last_frame():
    a, b = _colour(4, 6, (1, 0, 0), n=3), _colour(2, 2, (0, 0, 1), n=1)
    out = run_node(S.Stitch, {"direction": "left", "spacing_width": 1, "spacing_color": "green"}, image1=a, image2=b)
    # image2 2x2 scaled to image1's height 4 (aspect 1: 4x4), a strip of 2 (1 made even), image2 first (left)
    assert (out.n_frames, out.width, out.height) == (3, 4 + 2 + 6, 4)
    f = out.frame(2)
    assert np.allclose(f[:, :4], (0, 0, 1), atol=1e-5) and np.allclose(f[:, 4:6], (0, 1, 0))
    assert np.allclose(f[:, 6:], (1, 0, 0))


def test_stitch_unmatched_pads_the_narrower_evenly_and_stacks_down():
    a, b = _colour(2, 3, (1, 1, 1)), _colour(1, 6, (0, 0, 0))
    out = run_node(S.Stitch, {"direction": "down", "match_image_size": False, "spacing_color": "black"},
                   image1=a, image2=b)
    f = out.frame(0)[..., 0]
    # image1 3 wide padded to 6 (1 black before, 2 after), image2 below it as it is
    assert f.shape == (3, 6)
    assert np.array_equal(f, np.array([[0, 1, 1, 1, 0, 0], [0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0]], np.float32))
    out = run_node(S.Stitch, {"direction": "up", "match_image_size": True}, image1=a, image2=b)
    assert (out.width, out.height) == (3, 2 + 1)  # 6x1 scaled to width 3: int(3 / 6) = 0 rows -> at least 1


def test_stitch_without_image2_gives_image1():
    a = _colour(2, 3, (0.3, 0.2, 0.1))
    out = run_node(S.Stitch, {}, image1=a)
    assert (out.width, out.height) == (3, 2) and np.allclose(out.frame(0), (0.3, 0.2, 0.1))


def test_a_grow_past_the_frame_is_the_same_mask_at_once():
    m = np.zeros((6, 5), np.float32)
    m[2, 1] = 0.5  # a soft mask: no distance transform; a grow of 16384 is bounded by the frame (6 + 5)
    for shape in ("diamond", "square", "disk"):
        got = run_node(M.MaskTools, {"grow": 16384, "grow_shape": shape}, mask=_mask(m)).frame(0)[..., 0]
        assert np.allclose(got, 0.5), shape
        assert run_node(M.MaskTools, {"grow": -16384, "grow_shape": shape}, mask=_mask(m)).frame(0).max() == 0
