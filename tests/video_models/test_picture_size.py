"""Image to Video's 'size_rule' (picsize21): the take's size worked out from its picture when it runs, as the resizes
a ComfyUI workflow sizes its take by ('within' a box keeping the picture's aspect, 'pixels' at an area), each side
brought to a multiple by 'size_rounding'; 'as set' (the default) leaves width and height as they are. Checked on the
size a tiny random Wan I2V pipeline (built from a config) is called at, for pictures of two aspects."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.video_models.sampling.picture_size import worked
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, pipeline_of, spy_frames

pytest.importorskip("diffusers")


def _wide(q) -> np.ndarray:
    """24 high, 48 wide (2:1)."""
    y, x = np.mgrid[0:24, 0:48].astype(np.float32)
    return np.stack([x / 47, y / 23, 0 * x + 0.5], -1)


def _tall(q) -> np.ndarray:
    """48 high, 24 wide (1:2)."""
    return np.ascontiguousarray(_wide(q).transpose(1, 0, 2))


def _called_at(tiny, monkeypatch, picture, **params) -> tuple[int, int, list[str]]:
    """(width, height) the pipeline is called at for ``picture`` (a source's maker) with ``params``, and what the
    node said."""
    pic = source(f"test.size_{picture.__name__.strip('_')}", "image", "Image", picture, ())
    g = model_graph(tiny("wan-i2v"), "video_models.image_to_video", {
        "frames": 5, "steps": 1, "guidance": 1.0, "prompt": "a fox", "previews": False, "preview_size": "off",
        **params}, image=(pic, "image"))
    ex = Executor()
    calls = spy_frames(monkeypatch, type(pipeline_of(ex, g, "i2v")))
    events: list = []
    clip = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=events.append).value("gen")
    said = [e.text for e in events if getattr(e, "level", None)]
    kw = calls[-1][0]
    assert (clip.width, clip.height) == (kw["width"], kw["height"])
    return kw["width"], kw["height"], said


@pytest.mark.parametrize("picture, size", [(_wide, (32, 16)), (_tall, (16, 32))])
def test_within_a_box_keeps_each_pictures_aspect(tiny, monkeypatch, picture, size):
    w, h, said = _called_at(tiny, monkeypatch, picture, width=32, height=32, size_rule="within", size_multiple=16)
    assert (w, h) == size
    assert f"size_rule within: the take is {w}x{h}, the picture's {w * 3 // 2}x{h * 3 // 2} fitted within 32x32 " \
           "keeping its aspect, each side rounded down to a multiple of 16" in said


@pytest.mark.parametrize("picture, size", [(_wide, (32, 16)), (_tall, (16, 32))])
def test_pixels_gives_the_pictures_aspect_at_the_area(tiny, monkeypatch, picture, size):
    w, h, _ = _called_at(tiny, monkeypatch, picture, size_rule="pixels", megapixels=512 / 1024 ** 2,
                         size_multiple=16, size_rounding="nearest, even")
    assert (w, h) == size


def test_as_set_keeps_width_and_height(tiny, monkeypatch):
    assert _called_at(tiny, monkeypatch, _tall, width=32, height=16)[:2] == (32, 16)  # (the saved graphs' size)
    assert _called_at(tiny, monkeypatch, _tall)[:2] == (16, 48)  # 0: the picture's own, down to Wan's 16


def test_the_rules_as_the_packs_work_them():
    assert worked("within", (1080, 1920), 832, 832, multiple=16) == (464, 832)  # KJ 'resize': 468 -> 464
    assert worked("within", (1920, 1080), 1280, 0, multiple=32) == (1280, 704)  # a 0 side follows: 720 -> 704
    assert worked("within", (1920, 1080), 0, 0) == (1920, 1080)
    assert worked("within", (480, 270), 960, 960, multiple=8) == (960, 536)  # scaled up: 540 -> 536
    # ComfyUI's ImageScaleToTotalPixels 1 MP of 1920x1080: round(1365.33), round(768); by 64 to the nearest
    assert worked("pixels", (1920, 1080), 0, 0, 1.0) == (1365, 768)
    assert worked("pixels", (1920, 1080), 0, 0, 1.0, 64, "nearest, even") == (1344, 768)
    # ResizeImagesByLongerEdge 1024 of 300x200: the shorter side (682.67) rounded down, not to the nearest
    assert worked("within, down", (300, 200), 1024, 1024) == (1024, 682)
    assert worked("within", (300, 200), 1024, 1024) == (1024, 683)
    assert worked("as set", (1080, 1920), 832, 480) == (832, 480)
