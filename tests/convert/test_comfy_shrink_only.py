"""Essentials' ImageResize+ on a start image's way, made as Studio's Scale with its 'condition' (found by the twentieth
held-out set, 13: kairusann's Wan 2.1 I2V shrinks its start image to within 960 only where it is bigger, and sizes
WanImageToVideo by the resize's width and height): the condition, method and multiple_of kept, the generator taking
the picture's size when it runs, said; a padded one, or a filled one with a condition, still not made."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_fit_resize import _i2v, _scale
from tests.convert.test_comfy_heldout4_mends import _generator, _said


def _plus(method: str, condition: str, multiple: int = 0, w: int = 960, h: int = 960) -> dict:
    return {"class_type": "ImageResize+", "inputs": {
        "image": ["40", 0], "width": w, "height": h, "interpolation": "nearest", "method": method,
        "condition": condition, "multiple_of": multiple}}


def test_a_shrink_only_fit_is_scale_with_its_condition_and_the_generator_takes_its_size():
    conv = convert(_i2v(_plus("keep proportion", "downscale if bigger"), ["41", 0]), "shrink")
    assert conv.graph.validate() == []
    gen, scale = _generator(conv), _scale(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # the picture's size when it runs
    assert {k: scale.params[k] for k in ("width", "height", "fit", "condition", "interpolation", "multiple")} == \
        {"width": 960, "height": 960, "fit": "within", "condition": "downscale if bigger", "interpolation": "nearest",
         "multiple": 1}
    said = _said(conv)
    assert ("is scaled to fit within 960x960 keeping its aspect (only where a side of the picture is over that size: "
            "'downscale if bigger'; else it keeps its own size) by Studio's Scale, as 'ImageResize+' (ImageResize+, "
            "#41) scales it") in said
    assert "cannot work out" not in said and "not applied" not in said and "41" not in conv.dropped


def test_stretch_fill_and_multiple_of_as_the_pack_sizes_them_and_pad_not_made():
    scale = _scale(convert(_i2v(_plus("stretch", "always", 16, 838, 482), ["41", 0]), "stretch"))
    assert (scale.params["width"], scale.params["height"], scale.params["multiple"], scale.params["fit"],
            scale.params["condition"]) == (832, 480, 16, "exact", "always")  # the box rounded down first
    scale = _scale(convert(_i2v(_plus("fill / crop", "always", 0, 640, 480), ["41", 0]), "fill"))
    assert (scale.params["crop"], scale.params["width"], scale.params["height"]) == ("center", 640, 480)
    for method, condition in (("pad", "always"), ("fill / crop", "if smaller area")):  # the pack weighs the filled
        conv = convert(_i2v(_plus(method, condition), ["41", 0]), "pad")  # size before its cut: not Scale's
        assert not any(n.type_id == "transform.scale" for n in conv.graph.nodes.values())


def test_an_older_files_keep_proportion_in_methods_place_is_read_as_within():
    """An older ImageResize+ saved keep_proportion (a boolean) where today's 'method' is."""
    resize = _plus("keep proportion", "downscale if bigger", 0, 832, 832)
    resize["inputs"]["method"] = True
    scale = _scale(convert(_i2v(resize, ["41", 0]), "older"))
    assert (scale.params["fit"], scale.params["condition"], scale.params["width"]) == ("within", "downscale if bigger", 832)
