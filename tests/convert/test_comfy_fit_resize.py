"""A start image fitted within a box keeping its aspect (KJNodes' 'resize' / keep_proportion, ComfyUI's
ImageScaleToMaxDimension), each side rounded down to 'divisible_by', made by Studio's Scale ('within', 'multiple'),
and a generator sized by that resize's width and height taking the picture's size when it runs: found by the tenth
held-out set, where three of fifteen workflows (a RunPod worker's first-last frame, a web service's I2V, a Modal
app's wrapper I2V) were made at the picture's own size, the fit not applied."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout4_mends import _generator, _said
from tests.convert.test_comfy_outputs import _wan


def _i2v(resize: dict, start: list, task: str = "WanImageToVideo") -> dict:
    """Wan image to video whose width and height are #41's outputs and whose start image is ``start``."""
    image = {"start_image": start} if task == "WanImageToVideo" else {"start_image": start, "end_image": ["43", 0]}
    extra = {
        "40": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "41": resize,
        "43": {"class_type": "LoadImage", "inputs": {"image": "last.png"}},
        "42": {"class_type": task, "inputs": {"width": ["41", 1], "height": ["41", 2], "length": 33, "batch_size": 1,
                                              "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], **image}},
        "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "i2v", "video": ["31", 0]}}}
    if task == "WanImageToVideo":
        del extra["43"]
    wf = _wan(**extra)
    wf["9"]["inputs"].update(positive=["42", 0], negative=["42", 1], latent_image=["42", 2])
    return wf


def _kj2(keep: str, w: int, h: int, div: int) -> dict:
    return {"class_type": "ImageResizeKJv2", "inputs": {
        "image": ["40", 0], "width": w, "height": h, "upscale_method": "lanczos", "keep_proportion": keep,
        "pad_color": "0, 0, 0", "crop_position": "center", "divisible_by": div, "device": "cpu"}}


def _scale(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")


def test_a_start_image_fitted_within_a_box_is_scaled_within_and_the_generator_takes_its_size():
    conv = convert(_i2v(_kj2("resize", 1280, 720, 16), ["41", 0]), "fit")
    assert conv.graph.validate() == []
    gen, scale = _generator(conv), _scale(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # the picture's size when it runs
    assert {k: scale.params[k] for k in ("width", "height", "fit", "multiple", "interpolation")} == \
        {"width": 1280, "height": 720, "fit": "within", "multiple": 16, "interpolation": "lanczos"}
    said = _said(conv)
    assert ("is scaled to fit within 1280x720 keeping its aspect, each side rounded down to a multiple of 16 by "
            "Studio's Scale, as 'ImageResizeKJv2' (ImageResizeKJv2, #41) scales it") in said
    assert ("'WanImageToVideo' (WanImageToVideo, #42)'s width and height come from 'ImageResizeKJv2' "
            "(ImageResizeKJv2, #41), the size of the picture it makes, which Studio's Scale makes on the way to the "
            "generator's 'image': the generator takes that size when it runs") in said
    assert "cannot work out" not in said and "41" not in conv.dropped


def test_a_first_last_node_sized_by_a_resize_of_its_own_unresized_start_image_gets_that_resize():
    """WanFirstLastFrameToVideo takes the raw picture and scales it to the width and height ImageResizeKJv2 'resize'
    gives of that same picture: Studio's Scale makes that picture, said as the task node's scaling."""
    conv = convert(_i2v(_kj2("resize", 512, 512, 2), ["40", 0], "WanFirstLastFrameToVideo"), "flf")
    assert conv.graph.validate() == []
    gen, scale = _generator(conv), _scale(conv)
    assert (gen.params["width"], gen.params["height"], scale.params["fit"], scale.params["multiple"]) == \
        (0, 0, "within", 2)
    assert ("is scaled to fit within 512x512 keeping its aspect, each side rounded down to a multiple of 2 by "
            "Studio's Scale, as 'WanFirstLastFrameToVideo' (#42) scales it to the size 'ImageResizeKJv2' "
            "(ImageResizeKJv2, #41) gives") in _said(conv)


@pytest.mark.parametrize("resize,want", [
    ({"class_type": "ImageScaleToMaxDimension", "inputs": {"image": ["40", 0], "upscale_method": "area",
                                                            "largest_size": 832}},
     {"width": 832, "height": 832, "fit": "within", "multiple": 1}),
    ({"class_type": "ImageResizeKJ", "inputs": {"image": ["40", 0], "width": 832, "height": 480,
                                                 "upscale_method": "bicubic", "keep_proportion": True,
                                                 "divisible_by": 8, "crop": "disabled"}},
     {"width": 832, "height": 480, "fit": "within", "multiple": 8}),
    (_kj2("stretch", 830, 478, 16), {"width": 830, "height": 478, "fit": "exact", "multiple": 16}),  # rounded down
])
def test_other_fits_and_roundings_as_comfyui_makes_them(resize, want):
    wf = _i2v(resize, ["41", 0])
    if resize["class_type"] == "ImageScaleToMaxDimension":  # one output: the latent keeps its own size
        wf["42"]["inputs"].update(width=832, height=480)
    conv = convert(wf, "fits")
    scale = _scale(conv)
    assert {k: scale.params[k] for k in want} == want


def test_a_padded_fit_is_not_scale_and_is_said_wired_without():
    conv = convert(_i2v(_kj2("pad", 1280, 720, 16), ["41", 0]), "pad")
    assert not any(n.type_id == "transform.scale" for n in conv.graph.nodes.values())
    assert "the file is wired without that step" in _said(conv)


def test_a_cropped_box_not_divisible_gives_its_size_rounded_down():
    """ImageResizeKJv2 'crop' to 1280x720 by 32 makes 1280x704 (the tenth set's LTX-2.3 pod template): that size is
    the generator's, not 'not read'."""
    conv = convert(_i2v(_kj2("crop", 1280, 720, 32), ["41", 0]), "crop32")
    gen, scale = _generator(conv), _scale(conv)
    assert (gen.params["width"], gen.params["height"]) == (1280, 704)
    assert (scale.params["width"], scale.params["height"], scale.params["multiple"], scale.params["crop"]) == \
        (1280, 720, 32, "center")
    assert "cannot work out" not in _said(conv)
