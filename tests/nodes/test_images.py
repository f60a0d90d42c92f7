"""nodes/images.py run directly: Scale (by a factor, a side keeping the aspect, within a box, a multiple, 'center', 'like'), Invert,
Frame Rate and Save Image (ComfyUI's numbering, a number taken passed over and said, nothing overwritten)."""
from __future__ import annotations

import os

import cv2
import numpy as np

from nodes.images import FrameRate, Invert, SaveImage, Scale
from studio.engine.clip import ArrayClip

from ..node_run import Recorder, ramp_clip, run_node


def test_scale_by_a_factor_a_side_or_another_clips_size():
    clip = ramp_clip(n=2, w=40, h=20)
    assert run_node(Scale, {"scale": 0.5}, video=clip).frame(1).shape == (10, 20, 3)
    assert run_node(Scale, {"width": 10}, video=clip).frame(0).shape == (5, 10, 3)  # the aspect kept
    out = run_node(Scale, {"width": 20, "height": 20, "crop": "center", "interpolation": "nearest"}, video=clip)
    assert np.array_equal(out.frame(0), clip.frame(0)[:, 10:30])  # the middle kept, nothing resampled
    like = ramp_clip(n=1, w=8, h=6)
    out = run_node(Scale, {}, video=clip, like=like)
    assert (out.n_frames, out.width, out.height) == (2, 8, 6)  # its frames, the other's size


def test_scale_within_a_box_keeps_the_aspect_and_rounds_down_to_the_multiple():
    """ComfyUI's 'keep proportion' resizes (KJNodes' 'resize', ImageScaleToMaxDimension): the largest size inside
    the box, each side then rounded down to 'divisible by'."""
    clip = ramp_clip(n=1, w=40, h=30)
    assert run_node(Scale, {"width": 20, "height": 20, "fit": "within"}, video=clip).frame(0).shape == (15, 20, 3)
    assert run_node(Scale, {"width": 100, "height": 33, "fit": "within"}, video=clip).frame(0).shape == (33, 44, 3)
    out = run_node(Scale, {"width": 20, "height": 20, "fit": "within", "multiple": 4}, video=clip)
    assert (out.width, out.height) == (20, 12)  # 20x15 rounded down to multiples of 4
    assert run_node(Scale, {"width": 22, "height": 18, "multiple": 8}, video=clip).frame(0).shape == (16, 16, 3)
    assert run_node(Scale, {"width": 35, "height": 35, "fit": "within"}, video=clip).frame(0).shape == (26, 35, 3)
    assert run_node(Scale, {"width": 35, "height": 35, "fit": "within, down"}, video=clip).frame(0).shape == \
        (26, 35, 3)  # 26.25: both ways 26
    assert run_node(Scale, {"width": 30, "height": 30, "fit": "within, down"},
                    video=ramp_clip(n=1, w=43, h=20)).frame(0).shape == (13, 30, 3)  # 13.95 rounded down


def test_invert_and_frame_rate_change_nothing_else():
    clip = ramp_clip(n=3, w=4, h=2, fps=24.0)
    assert np.allclose(Invert().frame(None, 0, clip.frame(0)), 1.0 - clip.frame(0))
    out = run_node(FrameRate, {"fps": 8.0}, video=clip)
    assert (out.n_frames, out.fps) == (3, 8.0) and np.array_equal(out.frame(2), clip.frame(2))
    assert run_node(FrameRate, {"fps": 0.0}, video=clip).fps == 24.0  # 0: the clip's own


def test_save_image_numbers_frames_as_comfyui_and_passes_over_a_taken_number(tmp_path):
    frames = np.zeros((3, 4, 6, 3), np.float32)
    frames[1] = 1.0
    (tmp_path / "shot_00002_.png").write_bytes(b"kept")
    rec = Recorder()
    run_node(SaveImage, {"path": str(tmp_path / "shot_00001_.png")}, runtime=rec, video=ArrayClip(frames, 24.0))
    assert sorted(os.listdir(tmp_path)) == ["shot_00001_.png", "shot_00002_.png", "shot_00003_.png", "shot_00004_.png"]
    assert (tmp_path / "shot_00002_.png").read_bytes() == b"kept"
    assert cv2.imread(str(tmp_path / "shot_00003_.png")).min() == 255  # the second frame, white
    assert any("shot_00002_.png already there" in m for m in rec.messages("info"))


def test_scale_condition_scales_only_a_frame_bigger_or_smaller_than_the_size():
    """Essentials' ImageResize+'s conditions: 'downscale if bigger' leaves a frame inside the box as it is (each
    pixel the same), shrinks one over it; the others by a side under, an area over or under; 'always' as before."""
    clip = ramp_clip(n=2, w=40, h=30)
    box = {"width": 60, "height": 60, "fit": "within", "condition": "downscale if bigger"}
    out = run_node(Scale, box, video=clip)
    assert (out.width, out.height) == (40, 30) and np.array_equal(out.frame(1), clip.frame(1))
    out = run_node(Scale, {**box, "width": 20, "height": 20}, video=clip)
    assert out.frame(0).shape == (15, 20, 3)
    want = cv2.resize(clip.frame(0), (20, 15), interpolation=cv2.INTER_AREA)
    assert np.allclose(out.frame(0), want, atol=1e-6)
    assert run_node(Scale, {**box, "condition": "always"}, video=clip).frame(0).shape == (45, 60, 3)
    assert run_node(Scale, {**box, "condition": "upscale if smaller"}, video=clip).frame(0).shape == (45, 60, 3)
    assert run_node(Scale, {"width": 20, "height": 20, "condition": "upscale if smaller"},
                    video=clip).frame(0).shape == (30, 40, 3)
    assert run_node(Scale, {"width": 50, "height": 20, "condition": "if bigger area"},
                    video=clip).frame(0).shape == (20, 50, 3)  # 1000 < 1200: stretched
    assert run_node(Scale, {"width": 50, "height": 20, "condition": "if smaller area"},
                    video=clip).frame(0).shape == (30, 40, 3)
    assert run_node(Scale, {**box, "multiple": 16}, video=clip).frame(0).shape == (16, 32, 3)  # own size, rounded


def test_scale_nearest_exact_picks_pixel_centres_as_torch_does():
    """'nearest-exact' (ComfyUI's ImageScale default, torch's interpolate mode): a halving keeps pixels 1, 3, 5...
    (the centres), where 'nearest' keeps 0, 2, 4..."""
    import torch
    clip = ramp_clip(n=1, w=12, h=6)
    frame = clip.frame(0)
    exact = run_node(Scale, {"width": 6, "height": 3, "interpolation": "nearest-exact"}, video=clip).frame(0)
    ref = torch.nn.functional.interpolate(torch.from_numpy(frame).permute(2, 0, 1)[None].float(), size=(3, 6),
                                          mode="nearest-exact")[0].permute(1, 2, 0).numpy()
    assert np.array_equal(exact.astype(np.float32), ref)
    plain = run_node(Scale, {"width": 6, "height": 3, "interpolation": "nearest"}, video=clip).frame(0)
    assert not np.array_equal(plain, exact)
