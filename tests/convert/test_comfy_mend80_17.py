"""Mends of set 80's not-kept workflows (benchmarks/results/mend80_17_2026-11-30.md), each built from node types,
values and links (no fetched file).

1. A start picture made by ComfyUI's EmptyImage (heldout80 11: LTX-2.3 conditioned on a black EmptyImage fitted by
   its longer edge) was held ("Studio cannot read the start image ... EmptyImage gives"): now Studio's Solid Colour at
   its size and colour, the resize as Scale, one frame held, said; a size measured of the fitted picture is read.
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import api, nodes_of, said, source_of


def _wan_from_empty(more: dict, image: list) -> dict:
    doc = wan21_i2v_base({k: {"class_type": c, "inputs": i} for k, (c, i) in more.items()})
    del doc["5"]  # (no file loaded)
    doc.update(wan21_i2v_segment(1, image))
    doc["900"] = {"class_type": "SaveVideo", "inputs": {"video": ["901", 0], "filename_prefix": "out",
                                                         "format": "mp4", "codec": "h264"}}
    doc["901"] = {"class_type": "CreateVideo", "inputs": {"images": ["104", 0], "fps": 16}}
    return doc


def test_a_start_picture_of_an_empty_image_is_a_solid_colour_through_its_resize():
    doc = _wan_from_empty({"20": ("EmptyImage", {"width": 1080, "height": 1920, "batch_size": 1, "color": 0x102030}),
                           "21": ("ResizeImagesByLongerEdge", {"images": ["20", 0], "longer_edge": 1536})}, ["21", 0])
    conv = convert(doc, "empty_start")
    text = said(conv)
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1, text  # made, not held
    held = source_of(conv, gen[0].id, "image")
    assert held is not None and held.type_id == "edit.frame_hold"
    scale = source_of(conv, held.id, "video")
    assert scale.type_id == "transform.scale" and scale.params["width"] == 1536
    solid = source_of(conv, scale.id, "video")
    assert solid.type_id == "procedural.solid"
    assert (solid.params["width"], solid.params["height"], solid.params["color"]) == (1080, 1920, "#102030")
    assert "(EmptyImage, #20) makes of one colour (#102030, 1080x1920): made as Studio's Solid Colour, then " \
           "'ResizeImagesByLongerEdge' (ResizeImagesByLongerEdge, #21) as Studio's Scale" in text
    assert "cannot read the start image" not in text


def test_an_empty_image_through_a_step_studio_cannot_make_is_held_as_before():
    doc = _wan_from_empty({"20": ("EmptyImage", {"width": 832, "height": 480, "batch_size": 1, "color": 0}),
                           "21": ("ImageRotate", {"image": ["20", 0], "rotation": "90 degrees"})}, ["21", 0])
    conv = convert(doc, "rotated_start")
    assert not nodes_of(conv, "procedural.solid")
    assert not nodes_of(conv, "video_models.image_to_video")


def test_a_size_measured_of_a_picture_fitted_by_its_longer_edge_is_read():
    wf = Workflow.read(api({"1": ("EmptyImage", {"width": 1080, "height": 1920, "batch_size": 1, "color": 0}),
                                 "2": ("ResizeImagesByLongerEdge", {"images": ["1", 0], "longer_edge": 1536}),
                                 "3": ("ImageScaleToMaxDimension", {"image": ["1", 0], "upscale_method": "area",
                                                                    "largest_size": 1000})}))
    assert wf.image_size(wf.nodes["2"]) == (864, 1536)
    assert wf.image_size(wf.nodes["3"]) == (562, 1000)  # (its other side to the nearest pixel: 562.5 -> 562)
