"""Control Tile and Masked Picture (nodes/control/pictures.py), the pictures comfyui_controlnet_aux's Tile and Inpaint
preprocessors give a tile or an inpaint ControlNet, on small arrays: the tile's size (64-rounded, halved and doubled
back), its blur (a fine checker flattens, a broad gradient stays), the masked pixels' marks."""
from __future__ import annotations

import numpy as np

from nodes.control import pictures as P
from studio.engine.clip import ArrayClip
from tests.node_run import run_node


def test_the_tile_size_is_rounded_to_64_then_halved_and_doubled_back():
    assert P.tile_size(100, 70, 3) == (128, 64)  # round(100/64)=2 -> 128; round(70/64)=1 -> 64; both divide by 8
    assert P.tile_size(520, 768, 3) == (512, 768)  # heldout 91/01's size: 520 rounds to 512
    assert P.tile_size(200, 200, 5) == (192, 192)  # 192 // 32 = 6 -> 6 x 32


def test_a_fine_checker_is_blurred_flat_and_a_broad_gradient_is_kept():
    y, x = np.mgrid[0:64, 0:64]
    checker = np.repeat((((x + y) % 2) * 1.0).astype(np.float32)[..., None], 3, -1)
    out = P.tile(checker, 3)
    assert out.shape == (64, 64, 3)
    assert checker.std() > 0.49 and out.std() < 0.02 and abs(out.mean() - 0.5) < 0.02  # the detail is gone
    ramp = np.repeat((x / 63.0).astype(np.float32)[..., None], 3, -1)
    t = P.tile(ramp, 2)
    assert np.abs(t[:, 8:56] - ramp[:, 8:56]).max() < 0.05  # the layout is kept (away from the borders)
    assert not np.array_equal(P.tile(ramp, 1), t)  # the levels matter


def test_control_tile_node_gives_the_tile_of_every_frame_at_its_size():
    rng = np.random.default_rng(0)
    frames = rng.random((2, 70, 100, 3)).astype(np.float32)
    clip = run_node(P.ControlTile, {"levels": 2}, video=ArrayClip(frames, 12.0))
    assert (clip.n_frames, clip.width, clip.height, clip.fps) == (2, 128, 64, 12.0)
    assert np.array_equal(clip.frame(1), P.tile(frames[1], 2))
    assert clip.frame(0).std() < frames[0].std() / 2  # noise blurred


def test_masked_picture_marks_the_masked_pixels_and_keeps_the_rest():
    img = np.full((4, 6, 3), 0.25, np.float32)
    mask = np.zeros((4, 6, 1), np.float32)
    mask[1:3, 2:5] = 1.0
    mask[0, 0] = 0.5  # not over 0.5: kept
    out = P.masked(img, mask, -1.0)
    assert (out[1:3, 2:5] == -1.0).all() and out[0, 0, 0] == 0.25 and (out[3] == 0.25).all()
    small = np.zeros((2, 3), np.float32)
    small[0, 0] = 1.0  # a mask of another size: fitted to the picture (bilinear) before the 0.5 cut
    fitted = P.masked(img, small, 0.0)
    assert fitted[0, 0, 0] == 0.0 and fitted[3, 5, 0] == 0.25
    clip = run_node(P.MaskedPicture, {"mark": "black (xinsir)"}, video=ArrayClip(np.stack([img, img]), 8.0),
                    mask=ArrayClip(np.stack([mask, mask]), 8.0))
    assert clip.n_frames == 2 and (clip.frame(1)[1:3, 2:5] == 0.0).all() and clip.frame(1)[3, 0, 0] == 0.25
