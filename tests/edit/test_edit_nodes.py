"""Editing nodes: each on an odd size (641x361) and on a 1-frame clip, plus what each promises."""
import numpy as np
import pytest
import torch

from nodes.edit import audio as A
from nodes.edit import composite as C
from nodes.edit import concat as K
from nodes.edit import geometry as G
from nodes.edit import lut as L
from nodes.edit import mask as M
from nodes.edit import text as T
from nodes.edit import time as TM
from studio.core.errors import MediaError, NodeExecutionError
from studio.core.values import Audio, Features
from studio.engine.clip import ArrayClip, Clip
from tests.node_run import ramp_clip, run_node


def _with_sound(clip, seconds=None, rate=8000, ch=2):
    n = int(round((seconds or clip.duration) * rate))
    t = np.arange(n) / rate
    clip.audio = Audio(np.stack([np.sin(2 * np.pi * 220 * t)] * ch, 1).astype(np.float32) * 0.5, rate)
    return clip


def _identity_cube(tmp_path, n=5, fn=None):
    g = np.linspace(0, 1, n, dtype=np.float32)
    b, gg, r = np.meshgrid(g, g, g, indexing="ij")
    table = np.stack([r, gg, b], -1)
    if fn is not None:
        table = fn(table)
    path = tmp_path / "grade.cube"
    L.write_cube(str(path), table, "test")
    return str(path)


def _cases(tmp_path):
    """(node class, params, inputs builder) for every frame-producing editing node."""
    cube = _identity_cube(tmp_path, fn=lambda t: 1.0 - t)
    return [
        (G.Crop, {"x": 11, "y": 7, "width": 301, "height": 0}, lambda v: {"video": v}),
        (G.Pad, {"left": 3, "top": 1, "right": 4, "bottom": 2, "color": "#ff0000"}, lambda v: {"video": v}),
        (G.Transform, {"translate_x": 5.5, "rotate": 10, "scale": 1.2, "keyframes": "0: 0 0 0 1; 2: 10 4 0 1"},
         lambda v: {"video": v}),
        (C.Composite, {"mode": "screen", "opacity": 0.8, "x": 13, "y": -5},
         lambda v: {"background": v, "foreground": ArrayClip(v.chunk(0, len(v))[:, :100, :201] * 0.5, v.fps),
                    "mask": ArrayClip(np.full((len(v), 100, 201, 1), 0.5, np.float32), v.fps)}),
        (TM.Time, {"mode": "speed", "speed": 0.5, "method": "blend"}, lambda v: {"video": v}),
        (TM.Time, {"mode": "reverse"}, lambda v: {"video": v}),
        (TM.Time, {"mode": "loop", "loops": 2}, lambda v: {"video": v}),
        (TM.Time, {"mode": "offset", "offset": 1}, lambda v: {"video": v}),
        (TM.Time, {"mode": "hold", "hold_frame": 0, "length": 3}, lambda v: {"video": v}),
        (T.BurnIn, {"text": "shot {frame} {timecode}"}, lambda v: {"video": v}),
        (L.ApplyLUT, {"path": cube, "mix": 1.0}, lambda v: {"video": v}),
        (M.MaskTools, {"threshold": 0.5, "grow": -2, "blur": 1.5, "invert": True}, lambda v: {"mask": v}),
        (K.Concatenate, {}, lambda v: {"a": v, "b": v}),
        (A.ReplaceAudio, {}, lambda v: {"video": v, "audio": Audio(np.zeros((800, 1), np.float32), 8000)}),
    ]


@pytest.mark.parametrize("n_frames", [1, 3])
def test_every_editing_node_on_odd_size_and_one_frame(tmp_path, n_frames):
    for cls, params, build in _cases(tmp_path):
        v = ramp_clip(n_frames, 641, 361)
        out = run_node(cls, params, **build(v))
        out = out["video"] if isinstance(out, dict) else out  # (Pad's mask: its own test)
        assert isinstance(out, Clip), cls
        assert len(out) >= 1
        for i in {0, len(out) - 1}:
            f = out.frame(i)
            assert f.shape == (out.height, out.width, out.channels), (cls, params, f.shape)
            assert f.dtype == np.float32 and np.isfinite(f).all(), cls


def test_crop_and_pad_place_pixels_exactly():
    v = ramp_clip(1, 641, 361)
    c = run_node(G.Crop, {"x": 11, "y": 7, "width": 301, "height": 0}, video=v)
    assert (c.width, c.height) == (301, 354)
    assert np.array_equal(c.frame(0), v.frame(0)[7:, 11:312])
    made = run_node(G.Pad, {"left": 3, "top": 1, "right": 4, "bottom": 2, "color": "#ff0000"}, video=v)
    p, m = made["video"], made["mask"]
    assert (p.width, p.height) == (648, 364) and (m.width, m.height, m.channels, len(m)) == (648, 364, 1, 1)
    f = p.frame(0)
    assert np.array_equal(f[1:362, 3:644], v.frame(0)) and np.array_equal(f[0, 0], [1, 0, 0])
    mf = m.frame(0)[..., 0]  # white on the borders, black over the frame
    assert mf[1:362, 3:644].max() == 0 and mf[0].min() == 1 and mf[:, :3].min() == 1 and mf[:, 644:].min() == 1
    with pytest.raises(ValueError, match="does not fit"):
        run_node(G.Crop, {"x": 600, "width": 100}, video=v)


def test_transform_translates_by_keyframes_and_features():
    img = np.zeros((1, 40, 60, 3), np.float32)
    img[0, 20, 30] = 1.0
    v = ArrayClip(np.repeat(img, 3, 0))
    out = run_node(G.Transform, {"keyframes": "0: 0 0; 2: 10 -4", "interpolation": "nearest"}, video=v)
    ys, xs = np.nonzero(out.frame(1)[..., 0])
    assert (ys[0], xs[0]) == (18, 35)  # half-way: (5, -2)
    feats = Features(torch.tensor([[0.0], [0.0], [1.0]]), per_frame=True, fps=24)
    out = run_node(G.Transform, {"drive_target": "translate_x", "drive_amount": 7, "interpolation": "nearest"},
                   video=v, drive=feats)
    assert np.nonzero(out.frame(0)[..., 0])[1][0] == 30 and np.nonzero(out.frame(2)[..., 0])[1][0] == 37
    with pytest.raises(ValueError, match="not 'frame"):
        run_node(G.Transform, {"keyframes": "oops"}, video=v)


def test_composite_blend_modes_and_mask():
    bg = ArrayClip(np.full((1, 4, 4, 3), 0.5, np.float32))
    fg = ArrayClip(np.full((1, 2, 2, 3), 0.8, np.float32))
    mask = ArrayClip(np.array([[[1.0], [0.0]], [[0.5], [1.0]]], np.float32)[None])
    out = run_node(C.Composite, {"mode": "over", "x": 1, "y": 1}, background=bg, foreground=fg, mask=mask).frame(0)
    assert out[1, 1, 0] == pytest.approx(0.8) and out[1, 2, 0] == pytest.approx(0.5)
    assert out[2, 1, 0] == pytest.approx(0.65) and out[0, 0, 0] == pytest.approx(0.5)
    for mode, want in [("multiply", 0.4), ("add", 1.3), ("screen", 0.9), ("difference", 0.3), ("darken", 0.5)]:
        o = run_node(C.Composite, {"mode": mode}, background=bg, foreground=fg).frame(0)
        assert o[0, 0, 0] == pytest.approx(want), mode
        assert o[3, 3, 0] == pytest.approx(0.5)  # outside the foreground


def test_time_speed_reverse_loop_hold_and_sound():
    frames = np.arange(5, dtype=np.float32)[:, None, None, None] * np.ones((1, 4, 4, 3), np.float32) / 4
    v = _with_sound(ArrayClip(frames, 10.0))
    slow = run_node(TM.Time, {"mode": "speed", "speed": 0.5, "method": "blend"}, video=v)
    assert len(slow) == 9 and slow.frame(1)[0, 0, 0] == pytest.approx(0.125)
    assert slow.audio.duration == pytest.approx(0.9, abs=1e-3)
    fast = run_node(TM.Time, {"mode": "speed", "speed": 2.0, "method": "nearest"}, video=v)
    assert [fast.frame(i)[0, 0, 0] * 4 for i in range(len(fast))] == [0, 2, 4]
    rev = run_node(TM.Time, {"mode": "reverse"}, video=v)
    assert rev.frame(0)[0, 0, 0] == 1.0 and np.allclose(rev.audio.samples[0], v.audio.samples[-1])
    loop = run_node(TM.Time, {"mode": "loop", "loops": 3}, video=v)
    assert len(loop) == 15 and loop.frame(5)[0, 0, 0] == 0 and loop.audio.duration == pytest.approx(1.5)
    hold = run_node(TM.Time, {"mode": "hold", "hold_frame": 3, "length": 7}, video=v)
    assert len(hold) == 7 and hold.frame(6)[0, 0, 0] == 0.75 and not hold.audio.samples.any()
    off = run_node(TM.Time, {"mode": "offset", "offset": 2}, video=v)
    assert [off.frame(i)[0, 0, 0] * 4 for i in range(5)] == [0, 0, 0, 1, 2]
    assert not off.audio.samples[:1599].any() and off.audio.samples[1700:].any()
    flow = run_node(TM.Time, {"mode": "speed", "speed": 0.5, "method": "flow"}, video=ramp_clip(2, 64, 48))
    assert len(flow) == 3 and flow.frame(1).shape == (48, 64, 3)


def test_time_trim_keeps_the_frames_and_their_sound():
    """trim: frames start..start+length-1 (length 0: to the end), the sound under them; past the end refused in words."""
    frames = np.arange(10, dtype=np.float32)[:, None, None, None] * np.ones((1, 4, 4, 3), np.float32) / 10
    v = _with_sound(ArrayClip(frames, 10.0))
    t = run_node(TM.Time, {"mode": "trim", "start": 3, "length": 4}, video=v)
    assert len(t) == 4 and [round(float(t.frame(i)[0, 0, 0]) * 10) for i in range(4)] == [3, 4, 5, 6]
    assert np.array_equal(t.audio.samples, v.audio.samples[2400:5600])  # 800 samples a frame at 10 fps, 8 kHz
    rest = run_node(TM.Time, {"mode": "trim", "start": 8}, video=v)
    assert len(rest) == 2 and np.array_equal(rest.frame(1), v.frame(9)) and rest.audio.duration == pytest.approx(0.2)
    for bad in ({"start": 7, "length": 4}, {"start": 10}):
        with pytest.raises(ValueError, match="past the clip's end"):
            run_node(TM.Time, dict(bad, mode="trim"), video=v)


def test_burn_in_writes_timecode_and_rejects_unknown_tokens():
    assert T.timecode(24 * 3600 + 24 * 61 + 5, 24.0) == "01:01:01:05"
    v = ArrayClip(np.zeros((2, 120, 200, 3), np.float32), 25)
    out = run_node(T.BurnIn, {"text": "{timecode}", "position": "top left", "box_opacity": 0}, video=v)
    f = out.frame(1)
    assert f[:40, :120].max() > 0.9 and f[80:].max() == 0
    with pytest.raises(NodeExecutionError, match="unknown token"):
        run_node(T.BurnIn, {"text": "{nope}"}, video=v).frame(0)


def test_lut_identity_invert_and_1d(tmp_path):
    v = ramp_clip(1, 64, 48)
    ident = run_node(L.ApplyLUT, {"path": _identity_cube(tmp_path, 17)}, video=v)
    assert np.abs(ident.frame(0) - v.frame(0)).max() < 1e-5
    inv = run_node(L.ApplyLUT, {"path": _identity_cube(tmp_path, 2, lambda t: 1.0 - t)}, video=v)
    assert np.abs(inv.frame(0) - (1 - v.frame(0))).max() < 1e-5
    one = tmp_path / "gamma.cube"
    xs = np.linspace(0, 1, 33)
    one.write_text("LUT_1D_SIZE 33\n" + "".join(f"{x * x:.6f} {x:.6f} {x:.6f}\n" for x in xs))
    out = run_node(L.ApplyLUT, {"path": str(one)}, video=v).frame(0)
    assert np.abs(out[..., 0] - v.frame(0)[..., 0] ** 2).max() < 2e-3
    assert np.abs(out[..., 1] - v.frame(0)[..., 1]).max() < 1e-5
    bad = tmp_path / "bad.cube"
    bad.write_text("LUT_3D_SIZE 2\n0 0 0\n")
    with pytest.raises(Exception, match="has 1 entries"):
        run_node(L.ApplyLUT, {"path": str(bad)}, video=v)
    with pytest.raises(MediaError, match="it is a device, not a regular file"):  # found by the fuzz: it never ended
        run_node(L.ApplyLUT, {"path": "/dev/zero"}, video=v)


def test_mask_tools_threshold_grow_shrink_invert():
    m = np.zeros((1, 31, 31, 1), np.float32)
    m[0, 10:21, 10:21] = 0.8
    v = ArrayClip(m)
    area = lambda **p: float(run_node(M.MaskTools, {"threshold": 0.5, **p}, mask=v).frame(0).sum())  # noqa: E731
    assert area() == 121
    assert area(grow=2) > 121 > area(grow=-2) > 0
    assert area(invert=True) == 31 * 31 - 121
    soft = run_node(M.MaskTools, {"blur": 2.0}, mask=v).frame(0)
    assert 0 < soft[15, 8, 0] < 0.8
    lum = run_node(M.MaskTools, {}, mask=ArrayClip(np.ones((1, 4, 4, 3), np.float32)))
    assert lum.channels == 1 and np.allclose(lum.frame(0), 1.0)


def test_audio_trim_gain_mix_replace():
    a = Audio(np.full((8000, 1), 0.25, np.float32), 8000)
    t = run_node(A.AudioTrim, {"start": 0.25, "end": 0.5}, audio=a)
    assert t.n_samples == 2000
    clip8 = ArrayClip(np.zeros((8, 2, 2, 3), np.float32), 8.0)  # frames 2 to 4 at 8 fps: 0.25 to 0.5 s
    by_frames = run_node(A.AudioTrim, {"start": 2, "end": 4, "unit": "frames"}, audio=a, timing=clip8)
    np.testing.assert_array_equal(by_frames.samples, t.samples)
    with pytest.raises(Exception, match="connect that clip"):
        run_node(A.AudioTrim, {"start": 2, "end": 4, "unit": "frames"}, audio=a)
    assert run_node(A.AudioTrim, {"start": 0.25}, audio=None) is None  # a file with no sound: none to cut
    g = run_node(A.AudioGain, {"gain_db": 6.0206}, audio=a)
    assert g.samples.max() == pytest.approx(0.5, abs=1e-4)
    b = Audio(np.full((4000, 2), 0.5, np.float32), 16000)
    mix = run_node(A.AudioMix, {"offset_b": 0.5}, a=a, b=b)
    assert mix.n_samples == 8000 and mix.channels == 1
    assert mix.samples[100, 0] == pytest.approx(0.25) and mix.samples[5000, 0] == pytest.approx(0.75)
    v = ArrayClip(np.zeros((10, 4, 4, 3), np.float32), 10.0)
    r = run_node(A.ReplaceAudio, {}, video=v, audio=a)
    assert r.audio.duration == pytest.approx(1.0) and np.allclose(r.audio.samples, 0.25)
    assert run_node(A.ReplaceAudio, {}, video=_with_sound(ArrayClip(np.zeros((2, 4, 4, 3), np.float32)))).audio is None


def test_concatenate_keeps_sound_and_reports_mismatches():
    a = _with_sound(ramp_clip(3, 64, 48, fps=24.0, seed=1))
    b = ramp_clip(2, 64, 48, fps=24.0, seed=2)
    out = run_node(K.Concatenate, {}, a=a, b=b)
    assert len(out) == 5 and np.array_equal(out.frame(3), b.frame(0)) and np.array_equal(out.frame(2), a.frame(2))
    assert out.audio.duration == pytest.approx(5 / 24, abs=1e-3)
    assert not out.audio.samples[int(3 / 24 * 8000) + 1:].any()  # b has no sound: silence
    other = ramp_clip(6, 32, 48, fps=48.0, seed=3)
    with pytest.raises(ValueError, match=r"'b' is 32x48 @ 48 fps.*conform"):
        run_node(K.Concatenate, {}, a=a, b=other)
    conf = run_node(K.Concatenate, {"conform": "conform to first"}, a=a, b=other)
    assert (conf.width, conf.height, conf.fps) == (64, 48, 24.0)
    assert len(conf) == 3 + 3  # 6 frames at 48 fps last 3 frames at 24 fps
    f = conf.frame(4)
    assert f.shape == (48, 64, 3) and not f[:, :16].any() and not f[:, -16:].any()  # pillar-boxed


def test_pads_mask_feathers_into_the_frame_along_padded_sides_only():
    """'feather' shades the frame's pixels near a padded side ((f - d) / f squared), none near a side not padded."""
    v = ramp_clip(2, 20, 10)
    m = run_node(G.Pad, {"left": 4, "feather": 4}, video=v)["mask"].frame(1)[..., 0]
    assert m.shape == (10, 24) and m[:, :4].min() == 1
    assert np.allclose(m[5, 4:9], [1.0, 0.5625, 0.25, 0.0625, 0.0]) and m[:, 9:].max() == 0
    m = run_node(G.Pad, {"right": 2, "feather": 2}, video=v)["mask"].frame(0)[..., 0]  # from 1 at the right edge
    assert np.allclose(m[5, 17:22], [0.0, 0.0, 0.25, 1.0, 1.0])
    m = run_node(G.Pad, {"left": 2, "feather": 5}, video=v)["mask"].frame(0)[..., 0]  # not under twice 5 high: none
    assert m[:, 2:].max() == 0
