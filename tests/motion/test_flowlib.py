"""flowlib: flow direction, sign and size on known motion; warping; colour wheel; .flo files."""
import numpy as np
import pytest

from nodes.motion import flowlib as fl
from tests.motion.synth import MotionClip, texture


def epe(a, b, m=8):
    return float(np.linalg.norm((a - b)[m:-m, m:-m], axis=2).mean())


@pytest.mark.parametrize("method", fl.METHODS)
def test_translation_direction_sign_and_size(method):
    c = MotionClip(2, dx=3.0, dy=-2.0)
    f = fl.compute_flow(c.frame(0), c.frame(1), method)
    assert f.shape == (64, 80, 2) and f.dtype == np.float32
    med = np.median(f[8:-8, 8:-8].reshape(-1, 2), axis=0)
    assert med == pytest.approx([3.0, -2.0], abs=0.25)
    back = fl.compute_flow(c.frame(1), c.frame(0), method)
    assert np.median(back[8:-8, 8:-8].reshape(-1, 2), axis=0) == pytest.approx([-3.0, 2.0], abs=0.25)


def test_rotation_and_zoom_match_true_flow():
    rot = MotionClip(2, rot=3.0)
    f = fl.compute_flow(rot.frame(0), rot.frame(1))
    gt = rot.true_flow(0, 1)
    assert epe(f, gt) < 0.35
    # counter-clockwise on screen (y down): right of centre moves up, left moves down
    assert f[20:44, 64:76, 1].mean() < -0.5 and f[20:44, 4:16, 1].mean() > 0.5
    zoom = MotionClip(2, zoom=0.06)
    f = fl.compute_flow(zoom.frame(0), zoom.frame(1))
    assert epe(f, zoom.true_flow(0, 1)) < 0.35
    assert f[20:44, 64:76, 0].mean() > 1.0 and f[20:44, 4:16, 0].mean() < -1.0  # outwards


def test_static_pair_gives_zero_flow():
    img = texture(48, 64)
    for m in fl.METHODS:
        f = np.abs(fl.compute_flow(img, img, m))
        assert f.max() < 0.1 and f.mean() < 0.01


def test_initial_flow_reaches_large_motion():
    c = MotionClip(2, w=96, h=64, dx=30.0)
    gt = c.true_flow(0, 1)
    plain = fl.compute_flow(c.frame(0), c.frame(1), "dis_ultrafast")
    seeded = fl.compute_flow(c.frame(0), c.frame(1), "dis_ultrafast", initial=gt + 1.5)
    def err(f):  # where the content stays in frame
        return float(np.linalg.norm((f - gt)[8:-8, 8:56], axis=2).mean())
    assert err(seeded) < 0.2 and err(plain) > 2.0
    with pytest.raises(ValueError, match="initial flow"):
        fl.compute_flow(c.frame(0), c.frame(1), initial=np.zeros((8, 8, 2), np.float32))


def test_bad_inputs_raise_clear_errors():
    img = texture(32, 32)
    with pytest.raises(ValueError, match="unknown flow method"):
        fl.compute_flow(img, img, "raft9")
    with pytest.raises(ValueError, match="differ in size"):
        fl.compute_flow(img, img[:16])
    bad = img.copy(); bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fl.compute_flow(bad, img)


def test_warp_backward_undoes_translation_and_border_modes():
    c = MotionClip(2, dx=3.0, dy=-2.0)
    f0, f1 = c.frame(0), c.frame(1)
    w = fl.warp_backward(f1, c.true_flow(0, 1))
    assert np.abs(w - f0)[6:-6, 6:-6].max() < 0.02
    img = np.ones((10, 10, 3), np.float32)
    shift = np.zeros((10, 10, 2), np.float32); shift[..., 0] = 5.0
    assert fl.warp_backward(img, shift, "constant")[:, -1].max() == 0.0
    assert fl.warp_backward(img, shift, "replicate")[:, -1].min() == 1.0
    ramp = np.tile(np.arange(10, dtype=np.float32), (10, 1))
    assert fl.warp_backward(ramp, shift, "wrap")[0, 7] == pytest.approx(2.0)
    many = np.random.default_rng(0).random((10, 10, 6)).astype(np.float32)
    assert np.allclose(fl.warp_backward(many, np.zeros((10, 10, 2), np.float32)), many)
    with pytest.raises(ValueError, match="border"):
        fl.warp_backward(img, shift, "mirror!")


def test_flow_to_color_wheel():
    f = np.zeros((1, 4, 2), np.float32)
    f[0, 1] = (1, 0); f[0, 2] = (-1, 0); f[0, 3] = (0, 2)
    c = fl.flow_to_color(f, max_mag=1.0)
    assert c.shape == (1, 4, 3) and c.dtype == np.float32
    assert np.allclose(c[0, 0], 1.0)                      # no motion: white
    assert np.allclose(c[0, 1], (1.0, 0.0, 0.0), atol=0.02)  # right: red
    assert c[0, 2, 0] < 0.1 and c[0, 2, 1] > 0.8 and c[0, 2, 2] > 0.5  # left: cyan side
    assert c[0, 3].max() <= 0.75 + 1e-6                   # beyond max_mag: darkened
    auto = fl.flow_to_color(f)
    assert np.allclose(auto[0, 3].max(), 1.0, atol=0.02)  # auto scale: longest at full saturation


def test_flo_round_trip_and_errors(tmp_path):
    f = np.random.default_rng(1).normal(size=(7, 5, 2)).astype(np.float32)
    p = tmp_path / "a.flo"
    fl.write_flo(p, f)
    assert p.stat().st_size == 12 + 7 * 5 * 8
    assert np.array_equal(fl.read_flo(p), f)
    import cv2
    assert np.array_equal(cv2.readOpticalFlow(str(p)), f)  # OpenCV reads ours
    with pytest.raises(ValueError, match="not found"):
        fl.read_flo(tmp_path / "missing.flo")
    (tmp_path / "bad.flo").write_bytes(b"P6\n4 4\n255\n" + b"\0" * 20)  # a PPM, not a .flo
    with pytest.raises(ValueError, match="magic"):
        fl.read_flo(tmp_path / "bad.flo")
    (tmp_path / "short.flo").write_bytes(p.read_bytes()[:40])
    with pytest.raises(ValueError, match="truncated"):
        fl.read_flo(tmp_path / "short.flo")


def test_fb_occlusion_marks_leaving_pixels_only():
    c = MotionClip(2, dx=4.0)
    f01 = fl.compute_flow(c.frame(0), c.frame(1))
    f10 = fl.compute_flow(c.frame(1), c.frame(0))
    occ = fl.fb_occlusion(f01, f10)
    assert occ.shape == (64, 80)
    assert occ[:, -3:].mean() > 0.9          # moving right: the right edge leaves the frame
    assert occ[8:-8, 8:-8].mean() < 0.02     # the rest is consistent
    bad = f10.copy(); bad[20:30, 20:30] += 5  # an inconsistent patch
    assert fl.fb_occlusion(f01, bad)[22:28, 18:24].mean() > 0.9


def test_flow_across_frame_sizes_with_initial_flow_is_stable():
    """OpenCV 5.0's DIS segfaults when one instance sees frames of another size after it was
    given an initial flow; compute_flow must keep that from happening (a crash fails the run)."""
    import cv2
    from nodes.motion import flowlib
    rng = np.random.default_rng(0)
    for _ in range(4):
        for h, w in ((48, 64), (256, 256), (240, 320), (36, 52)):
            a = cv2.GaussianBlur(rng.random((h, w, 3), dtype=np.float32), (0, 0), 2)
            b = np.roll(a, 2, axis=1)
            f = flowlib.compute_flow(a, b, "dis_medium")
            f = flowlib.compute_flow(a, b, "dis_medium", initial=f)
            assert f.shape == (h, w, 2) and np.isfinite(f).all()
            assert abs(float(np.median(f[8:-8, 8:-8, 0])) - 2.0) < 0.5


def test_a_flow_does_not_depend_on_the_flows_computed_before_it():
    """Once a DIS instance has been given an initial flow, its later flows without one differ
    (OpenCV 5.0): a one-process render run after a motion transfer in the same thread differed
    from the chunked render of the same graph. Seeded and unseeded flows use their own instances,
    and each equals a fresh instance's."""
    import cv2
    rng = np.random.default_rng(1)
    a = cv2.GaussianBlur(rng.random((48, 64, 3), dtype=np.float32), (0, 0), 2)
    b = np.roll(a, 3, axis=1)
    seed = np.full((48, 64, 2), 0.5, np.float32)
    g0, g1 = fl.to_gray8(a), fl.to_gray8(b)
    fresh_plain = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(g0, g1, None)
    fresh_seeded = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(g0, g1, seed.copy())
    before = fl.compute_flow(a, b, "dis_medium")
    seeded = fl.compute_flow(b, a, "dis_medium", initial=np.ones((48, 64, 2), np.float32))
    assert np.array_equal(fl.compute_flow(a, b, "dis_medium", initial=seed), fresh_seeded)
    after = fl.compute_flow(a, b, "dis_medium")
    assert np.array_equal(before, fresh_plain) and np.array_equal(after, fresh_plain)
    assert np.isfinite(seeded).all()
