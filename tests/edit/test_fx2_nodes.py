"""The finishing effects the packs make (issue 112, fx2): blend modes' formulas, Transition, Grain, Vignette,
Sharpen and Colour Match, each checked against its maths on tiny clips."""
import cv2
import numpy as np
import pytest

from nodes.edit import blend_modes as B
from nodes.edit import colour_match as CM
from nodes.edit import film_look as F
from nodes.edit import transition as T
from nodes.edit.composite import Composite
from studio.core.values import Audio
from studio.engine.clip import ArrayClip, StillClip
from tests.node_run import ramp_clip, run_node

A = np.array([0.0, 0.2, 0.5, 0.8, 1.0], np.float32)[:, None]
Bs = np.array([0.0, 0.3, 0.5, 0.7, 1.0], np.float32)[None, :]


@pytest.mark.parametrize("mode,want", [
    ("multiply", lambda a, b: a * b), ("screen", lambda a, b: 1 - (1 - a) * (1 - b)),
    ("subtract", lambda a, b: b - a), ("difference", lambda a, b: abs(a - b)),
    ("hard light", lambda a, b: 2 * a * b if a <= 0.5 else 1 - 2 * (1 - a) * (1 - b)),
    ("overlay", lambda a, b: 2 * a * b if b <= 0.5 else 1 - 2 * (1 - a) * (1 - b)),
    ("soft light", lambda a, b: b - (1 - 2 * a) * b * (1 - b) if a <= 0.5 else
     b + (2 * a - 1) * ((((16 * b - 12) * b + 4) * b if b <= 0.25 else b ** 0.5) - b)),
    ("colour dodge", lambda a, b: 0.0 if b == 0 else 1.0 if a == 1 else min(1.0, b / (1 - a))),
    ("colour burn", lambda a, b: 1.0 if b == 1 else 0.0 if a == 0 else 1 - min(1.0, (1 - b) / a)),
])
def test_blend_modes_follow_their_formulas(mode, want):
    got = B.blend(mode, np.broadcast_to(A, (5, 5)), np.broadcast_to(Bs, (5, 5)))
    ref = np.array([[want(float(a), float(b)) for b in Bs[0]] for a in A[:, 0]])
    assert np.allclose(got, ref, atol=1e-6), mode


def test_composite_takes_the_new_modes_with_its_opacity():
    bg, fg = ArrayClip(np.full((1, 4, 4, 3), 0.6, np.float32)), ArrayClip(np.full((1, 4, 4, 3), 0.3, np.float32))
    out = run_node(Composite, {"mode": "soft light", "opacity": 0.5}, background=bg, foreground=fg).frame(0)
    soft = 0.6 - (1 - 0.6) * 0.6 * 0.4  # the layer 0.3 darkens the base 0.6
    assert np.allclose(out, 0.6 + (soft - 0.6) * 0.5, atol=1e-6)


def test_composite_clips_where_asked():
    bg, fg = ArrayClip(np.full((1, 2, 2, 3), 0.3, np.float32)), ArrayClip(np.full((1, 2, 2, 3), 0.8, np.float32))
    raw = run_node(Composite, {"mode": "subtract", "opacity": 0.5}, background=bg, foreground=fg).frame(0)
    assert np.allclose(raw, 0.3 - 0.4)  # ComfyUI's 'difference' before its clip: image1 - blend_factor x image2
    assert np.allclose(run_node(Composite, {"mode": "subtract", "opacity": 0.5, "clip": True},
                                background=bg, foreground=fg).frame(0), 0.0)


def _solid(v, n, w=8, h=4):
    return ArrayClip(np.full((n, h, w, 3), v, np.float32), 24.0)


def test_a_dissolve_overlaps_the_clips_and_crossfades_them():
    a, b = _solid(0.0, 5), _solid(1.0, 4)
    out = run_node(T.Transition, {"style": "dissolve", "frames": 3}, a=a, b=b)
    assert out.n_frames == 5 + 4 - 3
    got = out.chunk(0, out.n_frames)[:, 0, 0, 0]
    assert np.allclose(got, [0, 0, 0.25, 0.5, 0.75, 1.0])
    only = run_node(T.Transition, {"style": "dissolve", "frames": 3, "keep": "transition only"}, a=a, b=b)
    assert only.n_frames == 3 and np.allclose(only.chunk(0, 3)[:, 0, 0, 0], [0.25, 0.5, 0.75])
    assert np.allclose(out.frame(3), out.chunk(3, 4)[0])  # a frame and a chunk agree


@pytest.mark.parametrize("style,first_b_column", [("wipe left", 6), ("wipe right", 0)])
def test_a_wipe_shows_b_behind_its_edge(style, first_b_column):
    a, b = _solid(0.0, 3), _solid(1.0, 3)
    f = run_node(T.Transition, {"style": style, "frames": 3, "keep": "transition only"}, a=a, b=b).frame(0)
    row = f[0, :, 0]  # progress 1/4 of 8 columns: 2 of 'b'
    assert row.sum() == 2 and row[first_b_column] == 1.0


def test_a_slide_moves_b_in_from_the_side_it_leaves():
    a = _solid(0.0, 2)
    b = ArrayClip(np.tile(np.arange(8, dtype=np.float32)[None, None, :, None] / 10, (2, 4, 1, 3)), 24.0)
    f = run_node(T.Transition, {"style": "slide left", "frames": 1, "keep": "transition only"}, a=a, b=b).frame(0)
    assert np.allclose(f[0, :, 0], [0, 0, 0, 0, 0, 0.1, 0.2, 0.3])  # b's left half at the right edge


def test_the_sound_is_crossfaded_over_the_transition():
    a, b = _solid(0.0, 4), _solid(1.0, 4)
    a.audio, b.audio = Audio(np.ones((400, 1), np.float32), 2400), Audio(-np.ones((400, 1), np.float32), 2400)
    out = run_node(T.Transition, {"frames": 2}, a=a, b=b)
    s = out.audio.samples[:, 0]
    assert len(s) == 600 and s[0] == 1 and s[-1] == -1 and 0.9 > s[250] > -0.9


def test_grain_is_seeded_per_frame_and_as_strong_as_asked():
    v = _solid(0.5, 2, 64, 64)
    g = run_node(F.Grain, {"amount": 0.05, "seed": 3}, video=v)
    f0, f1 = g.frame(0), g.frame(1)
    assert abs(float((f0 - 0.5).std()) - 0.05) < 0.005 and abs(float((f0 - 0.5).mean())) < 0.005
    assert not np.array_equal(f0, f1)
    assert np.array_equal(f0, run_node(F.Grain, {"amount": 0.05, "seed": 3}, video=v).frame(0))
    assert np.allclose(f0[..., 0], f0[..., 1])  # monochrome: one noise in every channel


def test_vignette_keeps_the_centre_and_darkens_the_corners():
    v = _solid(0.8, 1, 101, 101)
    f = run_node(F.Vignette, {"strength": 0.5, "radius": 0.3, "softness": 0.4}, video=v).frame(0)
    assert np.isclose(f[50, 50, 0], 0.8) and np.isclose(f[0, 0, 0], 0.4, atol=1e-3)


def test_sharpen_is_an_unsharp_mask():
    x = ramp_clip(1, 32, 16, seed=2)
    f = run_node(F.Sharpen, {"amount": 0.7, "radius": 1.5}, video=x).frame(0)
    src = x.frame(0)
    want = np.clip(src + 0.7 * (src - cv2.GaussianBlur(src, (0, 0), 1.5)), 0, 1)
    assert np.allclose(f, want, atol=1e-6)
    # ComfyUI's Image Sharpen (radius 2, sigma 0.6, alpha 0.3): x + 10 alpha (x - its blur by a 5x5 Gaussian whose
    # taps sit at -1..1 in steps of 1/2, normalised, the edges reflected) is Sharpen's amount 3, radius 1.2, reach 2
    t = np.linspace(-1, 1, 5)
    g = np.exp(-(t[:, None] ** 2 + t[None, :] ** 2) / (2 * 0.6 ** 2))
    blur = cv2.filter2D(src, -1, (g / g.sum()).astype(np.float32), borderType=cv2.BORDER_REFLECT_101)
    got = run_node(F.Sharpen, {"amount": 3.0, "radius": 1.2, "reach": 2}, video=x).frame(0)
    assert np.allclose(got, np.clip(src + 3.0 * (src - blur), 0, 1), atol=1e-5)
    flat = _solid(0.3, 1)
    assert np.allclose(run_node(F.Sharpen, {"amount": 2.0}, video=flat).frame(0), 0.3, atol=1e-6)


def test_colour_match_makes_the_lab_means_and_spreads_the_references():
    rng = np.random.default_rng(0)
    src = ArrayClip((rng.random((3, 16, 16, 3)) * 0.4 + 0.1).astype(np.float32), 24.0)
    ref = StillClip((rng.random((16, 16, 3)) * 0.3 + 0.5).astype(np.float32), 1, 24.0)
    out = run_node(CM.ColourMatch, {"method": "reinhard"}, video=src, reference=ref)
    assert out.n_frames == 3  # a still reference held for every frame
    lab, want = CM._lab(out.frame(2)).reshape(-1, 3), CM._lab(ref.frame(0)).reshape(-1, 3)
    assert np.allclose(lab.mean(0), want.mean(0), atol=0.5) and np.allclose(lab.std(0), want.std(0), atol=0.5)
    mkl = run_node(CM.ColourMatch, {"method": "mkl"}, video=src, reference=ref).frame(0).reshape(-1, 3)
    r = ref.frame(0).reshape(-1, 3)
    assert np.allclose(mkl.mean(0), r.mean(0), atol=1e-3)
    assert np.allclose(np.cov(mkl, rowvar=False), np.cov(r, rowvar=False), atol=1e-3)
    half = run_node(CM.ColourMatch, {"method": "mean", "strength": 0.0}, video=src, reference=ref).frame(1)
    assert np.allclose(half, src.frame(1), atol=1e-6)
