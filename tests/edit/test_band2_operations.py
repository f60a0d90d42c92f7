"""The operations LTX-2.3's in/outpainting IC-LoRA bands need (issue 112, band2): Mask Tools' channel and square
grow (ComfyUI's ImageToMask, LTX's Dilate Video Mask), Scale's 'cover' fit (Resize Image/Mask 'scale shorter
dimension'), Solid Colour the size of a clip, Pad to a target size (KJNodes' ImagePadForOutpaintTargetSize) and
Pyramid Blend (LTX's Laplacian Pyramid Blend), each checked against its maths."""
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch

from nodes import images as I
from nodes import procedural as P
from nodes.edit import geometry as G
from nodes.edit import mask as M
from nodes.edit import pyramid_blend as PB
from studio.engine.clip import ArrayClip
from tests.node_run import ramp_clip, run_node


def test_mask_tools_picks_a_channel_and_grows_by_a_square_as_a_max_pool_then_a_threshold():
    rng = np.random.default_rng(1)
    frame = np.zeros((1, 40, 52, 3), np.float32)
    frame[0, ..., 0] = (rng.random((40, 52)) > 0.97) * rng.uniform(0.3, 1.0, (40, 52))  # sparse red
    frame[0, ..., 1] = 0.9  # green everywhere: the red pick must not see it
    v = ArrayClip(frame)
    red = run_node(M.MaskTools, {"channel": "red"}, mask=v).frame(0)[..., 0]
    assert np.array_equal(red, frame[0, ..., 0])
    assert np.allclose(run_node(M.MaskTools, {"channel": "green"}, mask=v).frame(0), 0.9)
    assert np.allclose(run_node(M.MaskTools, {"channel": "alpha"}, mask=v).frame(0), 1.0)  # no alpha: opaque
    r = 3
    got = run_node(M.MaskTools, {"channel": "red", "threshold": 0.5, "grow": r, "grow_shape": "square"},
                   mask=v).frame(0)[..., 0]
    # LTX's Dilate Video Mask: a (2r+1) max-pool (stride 1, padded by r), then > 0.5
    want = (torch.nn.functional.max_pool2d(torch.tensor(frame[0, ..., 0])[None, None], 2 * r + 1, 1, r)
            > 0.5).float()[0, 0].numpy()
    assert want.sum() > 0 and np.array_equal(got, want)
    disk = run_node(M.MaskTools, {"channel": "red", "threshold": 0.5, "grow": r}, mask=v).frame(0)[..., 0]
    assert disk.sum() < got.sum()  # a disk reaches less far than its square
    shrunk = run_node(M.MaskTools, {"channel": "red", "threshold": 0.5, "grow": r, "grow_shape": "square"},
                      mask=ArrayClip(np.stack([frame[0]] * 1)))
    assert shrunk.channels == 1


def test_scale_cover_puts_the_shorter_side_at_a_square_as_comfyui_rounds_it():
    def size(w, h, **p):
        return I.scaled_size(w, h, SimpleNamespace(**I.Scale.spec().coerce_params({"fit": "cover", **p})))
    assert size(1920, 1080, width=1024, height=1024) == (1820, 1024)  # round(1920 / 1080 * 1024) = 1820
    assert size(1080, 1920, width=1024, height=1024) == (1024, 1820)
    assert size(1000, 1000, width=1024, height=1024) == (1024, 1024)
    assert size(640, 360, width=1280, height=1280, multiple=64) == (2240, 1280)  # 2275 down to a multiple of 64
    assert size(400, 300, width=100, height=100) == (133, 100)
    assert size(400, 100, width=200, height=100) == (400, 100)  # over both: the larger factor
    clip = run_node(I.Scale, {"fit": "cover", "width": 24, "height": 24}, video=ramp_clip(1, 64, 36))
    assert (clip.width, clip.height) == (43, 24)  # round(64 / 36 * 24) = round(42.67)


def test_solid_takes_the_size_length_and_rate_of_the_clip_on_like():
    like = ramp_clip(5, 37, 21, fps=12.5)
    s = run_node(P.SolidColour, {"color": "#66ff00", "width": 320, "height": 240}, like=like)
    assert (s.width, s.height, len(s), s.fps) == (37, 21, 5, 12.5)
    assert np.allclose(s.frame(4), np.array([0x66, 0xFF, 0], np.float32) / 255)
    plain = run_node(P.SolidColour, {"width": 32, "height": 16, "frames": 3})
    assert (plain.width, plain.height, len(plain)) == (32, 16, 3)


def test_pad_to_a_target_size_centres_the_frame_and_scales_a_larger_one_down_first():
    v = ramp_clip(2, 100, 60)
    made = run_node(G.Pad, {"target_width": 128, "target_height": 128, "color": "#808080"}, video=v)
    p, m = made["video"], made["mask"]
    assert (p.width, p.height) == (128, 128) and (m.width, m.height) == (128, 128)
    f, mf = p.frame(1), m.frame(0)[..., 0]
    assert np.array_equal(f[34:94, 14:114], v.frame(1))  # left (128 - 100) // 2, top (128 - 60) // 2
    assert mf[34:94, 14:114].max() == 0 and mf.sum() == 128 * 128 - 100 * 60
    big = run_node(G.Pad, {"target_width": 128, "target_height": 128, "interpolation": "linear"},
                   video=ramp_clip(1, 300, 100))["video"]
    # r = min(128 / 300, 128 / 100): 128 x int(100 * 0.4267) = 42, centred: top 43, bottom 43
    s = G.padded(SimpleNamespace(**G.Pad.spec().coerce_params({"target_width": 128, "target_height": 128})), 300, 100)
    assert (s.width, s.height, s.left, s.top, s.right, s.bottom) == (128, 42, 0, 43, 0, 43)
    assert (big.width, big.height) == (128, 128)
    sides = run_node(G.Pad, {"left": 2, "top": 1}, video=v)["video"]  # no target: the sides as set
    assert (sides.width, sides.height) == (102, 61)


def _reference(fg, bg, mask, levels):
    """The blend worked independently with OpenCV (reflect-101 borders, bilinear halves and doubles)."""
    h, w = fg.shape[:2]
    p2 = lambda n: 1 << (n - 1).bit_length()  # noqa: E731
    W, H = (w, h) if (p2(w) == w and p2(h) == h) else (p2(w), p2(h))
    pad = lambda x: cv2.copyMakeBorder(x, 0, H - h, 0, W - w, cv2.BORDER_REFLECT_101).reshape(H, W, -1)  # noqa
    k = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(np.float32) / 256
    blur = lambda x: cv2.filter2D(x, -1, k, borderType=cv2.BORDER_REFLECT_101).reshape(x.shape)  # noqa: E731
    down = lambda x: cv2.resize(blur(x), (x.shape[1] // 2, x.shape[0] // 2),  # noqa: E731
                                interpolation=cv2.INTER_LINEAR).reshape(x.shape[0] // 2, x.shape[1] // 2, -1)
    up = lambda x: blur(cv2.resize(x, (x.shape[1] * 2, x.shape[0] * 2),  # noqa: E731
                                   interpolation=cv2.INTER_LINEAR).reshape(x.shape[0] * 2, x.shape[1] * 2, -1))
    n = min(levels, int(np.log2(min(H, W))))
    g = [[pad(fg)], [pad(bg)], [pad(mask)]]
    for _ in range(n - 1):
        for s in g:
            s.append(down(s[-1]))
    lap = [[s[i] - up(s[i + 1]) for i in range(n - 1)] + [s[-1]] for s in g[:2]]
    gm = g[2]
    out = lap[0][-1] * gm[-1] + lap[1][-1] * (1 - gm[-1])
    for i in range(n - 2, -1, -1):
        out = up(out) + lap[0][i] * gm[i] + lap[1][i] * (1 - gm[i])
    return np.clip(out[:h, :w], 0, 1)


def test_pyramid_blend_is_the_laplacian_blend_band_by_band():
    rng = np.random.default_rng(3)
    h, w = 45, 70  # padded to 64 x 128: 6 levels of 7
    fg, bg = rng.random((h, w, 3), dtype=np.float32), rng.random((h, w, 3), dtype=np.float32)
    mask = np.zeros((h, w, 1), np.float32)
    mask[10:30, 20:50] = 1
    got = PB.pyramid_blend(fg, bg, mask, levels=7)
    assert np.allclose(got, _reference(fg, bg, mask, 7), atol=2e-5)
    assert np.allclose(PB.pyramid_blend(fg, bg, np.ones_like(mask)), fg, atol=1e-5)  # all foreground
    assert np.allclose(PB.pyramid_blend(fg, bg, np.zeros_like(mask)), bg, atol=1e-5)
    flat = np.where(mask > 0, fg, bg)
    assert 1e-3 < np.abs(got - flat).mean() < 0.2  # the seam melted, not a cut
    # the mask grown coarsely: halved to 64 on the longer side, a square of 2 x 3 + 1 there, doubled back
    dot = torch.zeros(1, 1, 32, 128)
    dot[0, 0, 14:18, 62:66] = 1  # at 16 x 64: rows 7-8, columns 31-32; grown: rows 4-11, columns 28-35
    grown = PB.grown_coarsely(dot, 3)[0, 0]
    assert grown.shape == (32, 128) and float(grown[16, 57]) == 1 and float(grown[16, 40]) == 0
    assert float(grown[16, 55]) < 1 and torch.equal(PB.grown_coarsely(dot, 0), dot)


def test_pyramid_blend_node_keeps_the_shortest_and_refuses_other_sizes():
    fg, bg = ramp_clip(3, 33, 17, seed=1), ramp_clip(2, 33, 17, seed=2)
    m = ArrayClip(np.ones((3, 17, 33, 1), np.float32))
    out = run_node(PB.PyramidBlend, {"levels": 4}, background=bg, foreground=fg, mask=m)
    assert len(out) == 2 and np.allclose(out.frame(1), fg.frame(1), atol=1e-5)
    with pytest.raises(ValueError, match="same size"):
        run_node(PB.PyramidBlend, {}, background=ramp_clip(1, 32, 17), foreground=fg, mask=m)
