"""Mechanisms a third held-out set (benchmarks/results/heldout3_2026-11-29.md) showed, each on a small hand-written
workflow (Wan 2.1 text to video, API JSON, decoded by #10): a resize after the generator that cuts the take to its
aspect (ImageScale's 'center' crop, KJNodes' keep_proportion 'crop' / 'pad') made as Studio Resize's fill / fit with
the workflow's filter, and said; a plain stretch left as it was."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes, _wan


def _resized(resize: dict) -> tuple[dict, str]:
    extra = {"27": {**resize, "inputs": {**resize["inputs"], "image": ["10", 0]}},
             "30": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "loop_count": 0,
                                                                 "filename_prefix": "big", "format": "video/h264-mp4",
                                                                 "images": ["27", 0]}}}
    conv = convert(_wan(**extra), "resized")
    assert conv.graph.validate() == []
    node = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.resize")
    return node.params, _notes(conv)


@pytest.mark.parametrize("resize, fit, interp, words", [
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "nearest-exact", "width": 1920, "height": 1080,
                                             "crop": "center"}},
     "fill", "nearest", "resized to 1920x1080 (cut to that aspect, its middle kept) (ImageScale, #27)"),
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "bicubic", "width": 1920, "height": 1080,
                                             "crop": "disabled"}},
     "stretch", "cubic", "resized to 1920x1080 (ImageScale, #27)"),
    ({"class_type": "ImageResizeKJv2", "inputs": {"width": 1920, "height": 1080, "upscale_method": "lanczos",
                                                  "keep_proportion": "crop", "pad_color": "0, 0, 0",
                                                  "crop_position": "top", "divisible_by": 2, "device": "cpu"}},
     "fill", "lanczos", "resized to 1920x1080 (cut to that aspect: ComfyUI keeps its top, Studio's Resize its middle)"),
    ({"class_type": "ImageResizeKJv2", "inputs": {"width": 1920, "height": 1080, "upscale_method": "area",
                                                  "keep_proportion": "pad", "pad_color": "0, 0, 0",
                                                  "crop_position": "center", "divisible_by": 2, "device": "cpu"}},
     "fit", "area", "resized to 1920x1080 (fitted inside it with bars, as ComfyUI pads it)"),
])
def test_a_resize_after_the_generator_keeps_its_crop_and_filter(resize, fit, interp, words):
    """Had been a stretch with Studio's 'area' filter whatever the workflow's crop, and said as a plain resize."""
    params, notes = _resized(resize)
    assert (params["width"], params["height"], params["fit"], params["interpolation"]) == (1920, 1080, fit, interp)
    assert words in notes
