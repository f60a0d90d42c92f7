"""Image to Video's 'image_fit' (stillfit20): 'crop' cuts a start picture (and a last picture) of another aspect than
the take's about its middle to the take's aspect before the pipeline resizes it, as ComfyUI's WanImageToVideo puts its
picture in (common_upscale 'center'); 'stretch' (the default) hands it whole, as before. Checked on the pictures a tiny
random Wan FLF2V pipeline (built from a config) is handed."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.sampling.picture_fit import centre_cut
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, spy_frames

pytest.importorskip("diffusers")


def _wide(q) -> np.ndarray:
    """16 high, 32 wide: its columns numbered, so a cut shows which it kept."""
    y, x = np.mgrid[0:16, 0:32].astype(np.float32)
    return np.stack([x / 31, y / 15, 0 * x + 0.5], -1)


def _tall(q) -> np.ndarray:
    """32 high, 16 wide."""
    return np.ascontiguousarray(_wide(q).transpose(1, 0, 2))


def _calls(tiny, monkeypatch, fit: str):
    wide = source("test.fit_wide", "image", "Image", _wide, ())
    tall = source("test.fit_tall", "image", "Image", _tall, ())
    g = model_graph(tiny("wan-flf2v"), "video_models.image_to_video", {
        "frames": 5, "width": 16, "height": 16, "steps": 1, "guidance": 1.0, "prompt": "a fox", "previews": False,
        "preview_size": "off", "image_fit": fit}, image=(wide, "image"), last_image=(tall, "image"))
    ex = Executor()
    calls = spy_frames(monkeypatch, type(pipeline_of(ex, g, "i2v")))
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert clip.n_frames == 5 and len(calls) == 1
    return calls[0][0]


def test_crop_hands_the_pipeline_the_middle_of_each_picture(tiny, monkeypatch):
    kw = _calls(tiny, monkeypatch, "crop")
    first, last = (np.asarray(kw[k], np.float32) / 255 for k in ("image", "last_image"))
    assert first.shape == last.shape == (16, 16, 3)  # cut to the take's square, not squashed
    assert np.allclose(first, _wide(None)[:, 8:24], atol=1 / 255)  # the middle 16 of 32 columns
    assert np.allclose(last, _tall(None)[8:24], atol=1 / 255)  # the middle 16 of 32 rows


def test_stretch_hands_the_pictures_whole(tiny, monkeypatch):
    kw = _calls(tiny, monkeypatch, "stretch")
    assert kw["image"].size == (32, 16) and kw["last_image"].size == (16, 32)  # (PIL: width, height)


def test_the_cut_is_a_view_about_the_middle_and_none_where_the_aspects_match():
    pic = np.arange(10 * 30 * 3, dtype=np.float32).reshape(10, 30, 3)
    cut = centre_cut(pic, 16, 9)  # 30 wide at 16:9 of 10 high: 17.8 kept, 6 cut from each side (ComfyUI's rounding)
    assert cut.shape == (10, 18, 3) and np.shares_memory(cut, pic) and np.array_equal(cut, pic[:, 6:24])
    assert centre_cut(pic, 60, 20) is pic
    tall = centre_cut(pic, 1, 1)
    assert tall.shape == (10, 10, 3) and np.array_equal(tall, pic[:, 10:20])
    assert centre_cut(pic, 30, 20).shape == (10, 14, 3)  # 3:2: 7.5 cut a side, rounded as Python does (8)
    up = centre_cut(pic.transpose(1, 0, 2), 1, 1)  # 30 high, 10 wide: its middle 10 rows
    assert up.shape == (10, 10, 3) and np.array_equal(up, pic.transpose(1, 0, 2)[10:20])
