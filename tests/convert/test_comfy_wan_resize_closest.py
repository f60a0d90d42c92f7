"""WanVideoWrapper's WanVideoImageResizeToClosest (branch loops18, item 2): 'keep_input' is the picture's own aspect at
an area of generation_width x generation_height, each side rounded down to a multiple of 16 (Studio's Scale, 'area'
fit, the generator taking the scaled picture's size); 'stretch_to_new' / 'crop_to_new' a fixed size worked out by the
wrapper's own float arithmetic (832x480 gives 832x464: the root of 399360 x 480/832 falls just under 480). Small
wrapper workflows built here from node types, values and links."""
from __future__ import annotations

import numpy as np

from nodes.video_models.families.wan.comfy_wrapper_resize_closest import fixed_size
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v


def _resized(mode: str, width: int = 832, height: int = 480) -> dict:
    wf = _wrapper_i2v({"90": ("WanVideoImageResizeToClosest", {
        "image": ["7", 0], "generation_width": width, "generation_height": height,
        "aspect_ratio_preservation": mode})})
    wf["89"]["inputs"].update({"start_image": ["90", 0], "width": ["90", 1], "height": ["90", 2]})
    return wf


def _scale_before(conv):
    g = conv.graph
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    scale = g.nodes[g.input_link(gen.id, "image").src]
    if scale.type_id == "edit.frame_hold":  # (a picture scaled is a one-frame clip: held as the picture)
        scale = g.nodes[g.input_link(scale.id, "video").src]
    assert scale.type_id == "transform.scale"
    assert g.nodes[g.input_link(scale.id, "video").src].type_id == "io.load_image"
    return gen, scale


def test_keep_input_is_the_pictures_aspect_at_the_area_a_multiple_of_16_down():
    conv = convert(_resized("keep_input"), "keep.json")
    assert conv.graph.validate() == []
    gen, scale = _scale_before(conv)
    p = scale.params
    assert (p["fit"], p["width"], p["height"], p["multiple"], p["rounding"], p["crop"], p["interpolation"]) == \
        ("area", 832, 480, 16, "down", "disabled", "lanczos")
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # the scaled picture's size when it runs
    text = said(conv)
    assert ("(WanVideoImageResizeToClosest, #90) resizes its picture to the picture's own aspect at an area of "
            "832x480, each side a multiple of 16 rounded down by Lanczos ('keep_input')") in text
    assert "the generator takes that size when it runs" in text
    assert "not applied" not in text.split("resizes its picture")[1].split("\n")[0]


def test_crop_to_new_is_the_fixed_size_the_wrapper_works_out_cut_about_the_middle():
    conv = convert(_resized("crop_to_new"), "crop.json")
    gen, scale = _scale_before(conv)
    p = scale.params
    assert (p["width"], p["height"], p["crop"], p["interpolation"]) == (832, 464, "center", "lanczos")
    assert (gen.params["width"], gen.params["height"]) == (832, 464)  # its width and height outputs: those numbers


def test_the_fixed_size_is_the_wrappers_float_arithmetic():
    for w, h in ((832, 480), (480, 832), (1280, 720), (640, 360), (500, 300)):
        a = h / w  # (the wrapper: numpy's square root of the area times the aspect, floor-divided by 8, then by 2)
        want = (round(np.sqrt(w * h / a) // 8 // 2 * 2) * 8, round(np.sqrt(w * h * a) // 8 // 2 * 2) * 8)
        assert fixed_size(w, h) == want
    assert fixed_size(832, 480) == (832, 464) and fixed_size(480, 832) == (480, 832)
