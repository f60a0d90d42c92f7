"""Wan VACE's 'fill': with a mask, the video's area under the mask's white holds the fill colour before the pipeline
sees it (VACE's own inpainting preparation greys it); 'none' keeps the video's pixels, as before."""
from __future__ import annotations

import numpy as np

from nodes.video_models.families.wan.vace import FILLS, WanVACE, Conditions


class _Frames:
    """A clip of ``n`` equal frames (what Conditions reads: len and frame(i))."""

    def __init__(self, frame: np.ndarray, n: int = 3):
        self.f, self.n = frame, n

    def __len__(self) -> int:
        return self.n

    def frame(self, i: int) -> np.ndarray:
        return self.f


def _clip_and_mask():
    video = np.full((8, 8, 3), 0.8, np.float32)
    mask = np.zeros((8, 8, 1), np.float32)
    mask[2:6, 2:6] = 1.0
    return _Frames(video), _Frames(mask)


def test_the_fill_colours_the_masked_area_only_and_none_keeps_the_pixels():
    video, mask = _clip_and_mask()
    for name, colour in (("grey", 0.5), ("black", 0.0), ("white", 1.0)):
        f = Conditions("inpaint", 3, 8, 8, video, mask, fill=FILLS[name]).video(1)
        assert np.allclose(f[2:6, 2:6], colour) and np.allclose(f[0, 0], 0.8), name
    kept = Conditions("inpaint", 3, 8, 8, video, mask, fill=FILLS["none"]).video(1)
    assert np.allclose(kept, 0.8)
    assert np.allclose(Conditions("control", 3, 8, 8, video, None, fill=0.0).video(0), 0.8)  # (no mask: nothing)


def test_the_node_declares_fill_off_by_default():
    fill = next(p for p in WanVACE.params if p.name == "fill")
    assert fill.default == "none" and set(fill.choices) == set(FILLS)


def test_the_pipeline_is_given_the_filled_video_and_the_take_changes(vace_dir, monkeypatch):
    """On a tiny random WanVACEPipeline: with 'fill' grey the frames given to the pipeline are grey under the mask's
    white and the control's own elsewhere; 'none' gives the control's pixels there too. (What the model makes of
    them is the pipeline's: the tiny random model's two takes are not compared.)"""
    import pytest
    pytest.importorskip("diffusers")
    from studio.engine.executor import Executor
    from tests.video_models.test_vace import _calls, vace_graph
    made = {}
    for fill in ("none", "grey"):
        calls = _calls(monkeypatch)
        g, _, gen = vace_graph(vace_dir, task="inpaint", fill=fill)
        r = Executor().run(g, targets=[gen.id], device="cpu")
        video = np.asarray(calls[-1]["video"][0], np.float32) / 255.0
        mask = np.asarray(calls[-1]["mask"][0], np.float32) / 255.0
        under = mask[..., 0] > 0.5 if mask.ndim == 3 else mask > 0.5
        assert under.any() and (~under).any()
        assert r.outputs[gen.id]["video"] is not None
        made[fill] = (video, under)
        monkeypatch.undo()
    grey, under = made["grey"]
    none, _ = made["none"]
    assert np.allclose(grey[under], 128 / 255, atol=1 / 255)
    assert np.allclose(grey[~under], none[~under]) and not np.allclose(none[under], 128 / 255, atol=1 / 255)
