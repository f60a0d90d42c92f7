"""A take sized from its loaded picture when the workflow runs (picsize21): LoadImage -> a resize keeping the picture's
aspect (KJNodes' ImageResizeKJv2 'resize', ImageScaleToTotalPixels, Essentials' ImageResize+ 'keep proportion') ->
GetImageSize -> the latent's width and height, the picture itself given the task node unresized. Where the file is
not beside the workflow the size is not known when converting: it was read as the picture's own size ("the generator
takes its 'image''s size when it runs ... set its 'width', 'height' to the workflow's"); now the generator's
size_rule works the resize's size out of that picture when it runs, said in one sentence. Where the file is read,
the size is worked out when converting, as before."""
from __future__ import annotations

import struct
import zlib

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_fit_resize import _i2v, _kj2
from tests.convert.test_comfy_heldout4_mends import _generator, _said

SIZE_KEYS = ("width", "height", "size_rule", "megapixels", "size_multiple", "size_rounding")


def _measured(resize: dict, start: list | None = None, task: str = "WanImageToVideo") -> dict:
    """Wan image to video whose latent's width and height are GetImageSize (#44) of resize #41 of the picture #40
    loads, the task node given ``start`` (the loaded picture itself, unresized, by default)."""
    wf = _i2v(resize, start or ["40", 0], task)
    wf["44"] = {"class_type": "GetImageSize", "inputs": {"image": ["41", 0]}}
    wf["42"]["inputs"].update(width=["44", 0], height=["44", 1])
    return wf


def _sizes(conv) -> dict:
    gen = _generator(conv)
    return {k: gen.params.get(k) for k in SIZE_KEYS}


TOTAL = {"class_type": "ImageScaleToTotalPixels", "inputs": {"image": ["40", 0], "upscale_method": "area",
                                                              "megapixels": 0.5, "resolution_steps": 16}}
ESSENTIALS = {"class_type": "ImageResize+", "inputs": {"image": ["40", 0], "width": 1000, "height": 1000,
                                                        "interpolation": "bicubic", "method": "keep proportion",
                                                        "condition": "always", "multiple_of": 16}}


@pytest.mark.parametrize("resize, sizes, words", [
    (_kj2("resize", 832, 832, 16), (832, 832, "within", 1.0, 16, "down"),
     "(the picture fitted within 832x832 keeping its aspect, each side rounded down to a multiple of 16)"),
    (TOTAL, (0, 0, "pixels", 0.5, 16, "nearest, even"),
     "(the picture's aspect at 0.5 megapixels, each side rounded to the nearest (a half to the even) multiple of 16)"),
    (ESSENTIALS, (992, 992, "within", 1.0, 16, "down"),  # (the pack rounds its box down first: 992; then the sides)
     "(the picture fitted within 992x992 keeping its aspect, each side rounded down to a multiple of 16)"),
])
def test_a_proportional_resize_measured_sizes_the_take_from_the_picture_when_it_runs(resize, sizes, words):
    conv = convert(_measured(resize), "picsize", folder=None)
    assert conv.graph.validate() == []
    assert tuple(_sizes(conv).values()) == sizes
    said = _said(conv)
    assert ("'WanImageToVideo' (WanImageToVideo, #42)'s width and height come from 'GetImageSize' (GetImageSize, "
            f"#44), the size of the picture '{resize['class_type']}' ({resize['class_type']}, #41) makes of what "
            f"'LoadImage' (LoadImage, #40) gives {words}; Studio gives the generator's 'image' that picture as it is, "
            "and the generator works the same size out of it when it runs (size_rule ") in said
    assert "cannot work out" not in said and "set its 'width', 'height'" not in said


def test_the_file_not_beside_the_workflow_is_named(tmp_path):
    conv = convert(_measured(_kj2("resize", 832, 480, 32)), "picsize", folder=str(tmp_path))
    assert _sizes(conv)["size_rule"] == "within"
    assert "of what 'LoadImage' (LoadImage, #40) gives ('portrait.png': not found beside the workflow) (the picture " \
           "fitted within 832x480 keeping its aspect, each side rounded down to a multiple of 32)" in _said(conv)


def _png(w: int, h: int) -> bytes:
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + \
        struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def test_a_picture_beside_the_workflow_keeps_its_size_worked_out_when_converting(tmp_path):
    """ImageScaleToMaxDimension of a 1000x500 picture read from its header: 832x416 worked out as before, no rule."""
    (tmp_path / "portrait.png").write_bytes(_png(1000, 500))
    conv = convert(_measured({"class_type": "ImageScaleToMaxDimension", "inputs": {
        "image": ["40", 0], "upscale_method": "area", "largest_size": 832}}), "picsize", folder=str(tmp_path))
    assert _sizes(conv) == {"width": 832, "height": 416, "size_rule": "as set", "megapixels": 1.0,
                            "size_multiple": 1, "size_rounding": "down"}
    assert "size_rule" not in _said(conv)


def test_without_the_file_the_same_resize_becomes_the_rule(tmp_path):
    conv = convert(_measured({"class_type": "ImageScaleToMaxDimension", "inputs": {
        "image": ["40", 0], "upscale_method": "area", "largest_size": 832}}), "picsize", folder=str(tmp_path))
    assert _sizes(conv) == {"width": 832, "height": 832, "size_rule": "within", "megapixels": 1.0,
                            "size_multiple": 1, "size_rounding": "down"}


def test_a_stretch_or_another_picture_is_left_as_before():
    """A resize to a size its settings fix is that size (no rule); a latent measured of another picture than the one
    the generator is given keeps the words it had (not read, the picture's own size)."""
    conv = convert(_measured(_kj2("stretch", 832, 480, 16)), "picsize")
    assert _sizes(conv)["size_rule"] == "as set" and (_sizes(conv)["width"], _sizes(conv)["height"]) == (832, 480)
    wf = _measured(_kj2("resize", 832, 832, 16))
    wf["45"] = {"class_type": "LoadImage", "inputs": {"image": "other.png"}}
    wf["41"]["inputs"]["image"] = ["45", 0]  # (the resize measured is of another picture)
    conv = convert(wf, "picsize")
    assert _sizes(conv)["size_rule"] == "as set"
    assert "cannot work out when converting: not read" in _said(conv)
