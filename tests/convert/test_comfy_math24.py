"""Values math nodes work out, read by their types and settings (math24; issue 112):
- ComfyUI's ComfyMathExpression as its node evaluates it (comfy_extras/nodes_math.py, Comfy-Org/ComfyUI@56712e0c, read
  for facts): simpleeval's operators, the bitwise ones too (simpleeval 1.0.8's DEFAULT_OPERATORS), its named functions
  (sqrt, pow, sum, log...), and its INT output int() of the result (towards 0, not floor);
- a resize whose width and height math nodes work out of its own picture's size (heldout110 01: ImageScale to a long
  side of 1920, 'round(c*a/max(a,b)/32)*32' of the clip's width and height; exportAnything's ResizeImageMaskNode to
  'a & ~1' of its own size) made as Studio's Scale with the rule giving the same size for every size tried
  (tracing/math_sizes.py); of a video file's own size, through the size Load Video makes first, made and said with an
  example where it differs.
Fixtures written here from those facts (node types, values, links), never a fetched file."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.images import scaled_size
from studio.convert.mapping.convert import convert
from studio.convert.reading.primitives import evaluate
from studio.convert.reading.workflow import Workflow
from studio.convert.tracing import math_sizes
from tests.convert.test_comfy_heldout4_mends import _generator, _said
from tests.convert.test_comfy_outputs import _wan
from tests.convert.test_comfy_sizes_worked_out import _load, _v2v

LONG = "round(c*{}/max(a,b)/32)*32"  # (heldout110 01's, each side: a long side of c, to the nearest multiple of 32)


def _math(expr: str, **values) -> dict:
    return {"class_type": "ComfyMathExpression", "inputs": {"expression": expr,
                                                            **{f"values.{k}": v for k, v in values.items()}}}


def _value(expr: str, slot: int, **values):
    wf = Workflow.read({"1": _math(expr, **values)})
    return wf.output(wf.nodes["1"], slot)


def test_comfy_math_expression_gives_its_int_towards_zero_and_takes_bitwise_operations_and_its_functions():
    assert _value("a - 2.5", 1, a=1) == -1 and _value("a - 2.5", 0, a=1) == -1.5  # int(-1.5): -1 (floor gave -2)
    assert _value("a & ~1", 1, a=1081) == 1080 and _value("a | 1", 1, a=1080) == 1081  # (refused before: None)
    assert _value("(a >> 3) << 3", 1, a=1085) == 1080 and _value("a ^ 1", 1, a=3) == 2  # (^: xor, not a power)
    assert _value("sqrt(a) + pow(b, 2) + sum(a, b)", 0, a=16, b=3) == 4 + 9 + 19
    assert _value("a & 1", 1, a=1.5) is None  # (a float's bits: ComfyUI raises)
    assert _value("a > b", 1, a=2, b=1) is None  # (a BOOL result: ComfyUI refuses it)
    assert evaluate("a & ~1", {"a": 1081}) is None  # (another pack's expression node: not its operators)


def _p(**kw) -> SimpleNamespace:
    base = {"scale": 1.0, "width": 0, "height": 0, "fit": "exact", "multiple": 1, "rounding": "down",
            "condition": "always"}
    return SimpleNamespace(**{**base, **kw})


def test_the_rules_tried_give_the_sizes_studios_scale_makes():
    sizes = [(w, h) for w in (37, 333, 640, 854, 1080, 1999) for h in (91, 360, 480, 1080, 1920)]
    for p in math_sizes._candidates([1920.0, 0.5, 720.0]):
        full = {**p, "fit": p.get("fit", "exact")}
        for w, h in sizes:
            assert math_sizes._scaled(w, h, full) == scaled_size(w, h, _p(**full)), (p, w, h)


def _long_side(resize: dict, measure: str = "41") -> dict:
    """Wan I2V (API): LoadImage #40 measured by GetImageSize #44, #45 / #46 its long side at 1920 (``resize`` #41 of
    #40 to them), the latent sized by GetImageSize #47 of #41's picture."""
    wf = _wan(**{
        "40": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "44": {"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}},
        "45": _math(LONG.format("a"), a=["44", 0], b=["44", 1], c=1920),
        "46": _math(LONG.format("b"), a=["44", 0], b=["44", 1], c=1920),
        "41": resize,
        "47": {"class_type": "GetImageSize", "inputs": {"image": [measure, 0]}},
        "42": {"class_type": "WanImageToVideo", "inputs": {
            "width": ["47", 0], "height": ["47", 1], "length": 33, "batch_size": 1, "positive": ["6", 0],
            "negative": ["7", 0], "vae": ["3", 0], "start_image": ["41", 0]}},
        "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "i2v", "video": ["31", 0]}}})
    wf["9"]["inputs"].update(positive=["42", 0], negative=["42", 1], latent_image=["42", 2])
    return wf


def _scales(conv) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == "transform.scale"]


def test_an_imagescale_to_a_long_side_worked_out_by_math_nodes_is_scale_within_that_square():
    scale = {"class_type": "ImageScale", "inputs": {"image": ["40", 0], "width": ["45", 1], "height": ["46", 1],
                                                    "upscale_method": "lanczos", "crop": "disabled"}}
    conv = convert(_long_side(scale), "long")
    assert conv.graph.validate() == []
    (p,) = _scales(conv)
    assert {k: p[k] for k in ("width", "height", "fit", "multiple", "rounding", "interpolation")} == \
        {"width": 1920, "height": 1920, "fit": "within", "multiple": 32, "rounding": "nearest, even",
         "interpolation": "lanczos"}
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # (the picture's size when it runs)
    said = _said(conv)
    assert ("is scaled to fit within 1920x1920 keeping its aspect, each side rounded to the nearest multiple of 32 by "
            "Studio's Scale, as 'ImageScale' (ImageScale, #41) scales it to the width and height 'ComfyMathExpression' "
            "(ComfyMathExpression, #45) and 'ComfyMathExpression' (ComfyMathExpression, #46) work out of that picture"
            ) in said
    assert "cannot work out" not in said and "#45)'s 'values" not in said and "41" not in conv.dropped


def test_a_rule_no_scale_makes_is_not_made():
    """'a + 1' (a side one pixel more) is no rule of Scale's: the resize stays said not applied, no Scale made."""
    wf = _long_side({"class_type": "ImageScale", "inputs": {"image": ["40", 0], "width": ["45", 1],
                                                            "height": ["46", 1], "upscale_method": "lanczos",
                                                            "crop": "disabled"}})
    wf["45"]["inputs"]["expression"] = wf["46"]["inputs"]["expression"] = "a + 1"
    conv = convert(wf, "plus")
    assert _scales(conv) == []
    assert "not applied" in _said(conv)


def test_a_resize_to_its_own_size_rounded_down_to_even_is_scale_by_one_to_a_multiple_of_2():
    """exportAnything's LTX Director: ResizeImageMaskNode 'scale dimensions' to 'a & ~1' of its own picture's width
    and height (ComfyUI's bitwise and: refused by Studio's reader before)."""
    wf = _long_side({"class_type": "ResizeImageMaskNode", "inputs": {
        "input": ["40", 0], "resize_type": "scale dimensions", "resize_type.width": ["45", 1],
        "resize_type.height": ["46", 1], "resize_type.crop": "center", "scale_method": "area"}})
    wf["45"] = _math("a & ~1", a=["44", 0])
    wf["46"] = _math("a & ~1", a=["44", 1])
    conv = convert(wf, "even")
    (p,) = _scales(conv)
    assert {k: p[k] for k in ("scale", "width", "height", "multiple", "rounding", "crop")} == \
        {"scale": 1.0, "width": 0, "height": 0, "multiple": 2, "rounding": "down", "crop": "center"}
    assert "each side rounded down to a multiple of 2 by Studio's Scale" in _said(conv)


def test_a_long_side_of_a_video_files_own_size_is_made_after_load_videos_rounding_and_said_where_it_differs():
    """heldout110 01: the sides are of the file's own size (VHS_VideoInfoSource), the frames Load Video gives are
    rounded to 32 first (format LTXV): Scale within 1920x1920 on those frames gives ComfyUI's size for most files, not
    for all: made, with an example of one where it differs (854x480: ComfyUI 1920x1088, here 1920x1056)."""
    wf = _v2v(_load(format="LTXV"))
    wf.update({"44": {"class_type": "VHS_VideoInfoSource", "inputs": {"video_info": ["4", 3]}},
               "45": _math(LONG.format("a"), a=["44", 3], b=["44", 4], c=1920),
               "46": _math(LONG.format("b"), a=["44", 3], b=["44", 4], c=1920),
               "41": {"class_type": "ImageScale", "inputs": {"image": ["4", 0], "width": ["45", 1],
                                                             "height": ["46", 1], "upscale_method": "lanczos",
                                                             "crop": "disabled"}}})
    wf["5"]["inputs"]["pixels"] = ["41", 0]
    conv = convert(wf, "clip")
    assert conv.graph.validate() == []
    loader_scale, long = _scales(conv)
    assert (loader_scale["multiple"], long["width"], long["fit"], long["multiple"]) == (32, 1920, "within", 32)
    said = _said(conv)
    assert ("(of its file's own size: Studio's Scale works it out of the frames its Load Video gives, their size "
            "already rounded by the loader's settings, which gives another size for some files: a 854x480 file, "
            "1920x1088 in ComfyUI, 1920x1056 here)") in said
    assert round(1920 * 480 / 854 / 32) * 32 == 1088 and scaled_size(
        *scaled_size(854, 480, _p(multiple=32, rounding="nearest")),
        _p(width=1920, height=1920, fit="within", multiple=32, rounding="nearest, even")) == (1920, 1056)


def test_load_image_mask_is_its_load_image_and_its_channel():
    """ComfyUI's LoadImageMask (nodes.py: the file as RGBA, 'channel' taken as the mask, 'alpha' as 1 - alpha): two
    speakers' masks read as Studio's Load Image and Mask Tools taking 'red', and Load Image's alpha inverted (before,
    the node was no loader: the masks were not wired)."""
    from tests.convert.said import api, nodes_of, source_of
    from tests.convert.test_comfy_twotalk23 import TALK, _sampled, _shared, _talk
    nodes = {**_shared(), **_talk("30", 81), **_sampled("31", "30"),
             "50": ("CreateVideo", {"fps": 25, "images": ["31d", 0], "audio": ["8", 0]}),
             "51": ("SaveVideo", {"filename_prefix": "video/two", "format": "auto", "codec": "auto",
                                  "video": ["50", 0]})}
    for k in ("15", "16", "18", "19"):  # (the masks' own loaders instead of the pictures' round trip)
        del nodes[k]
    nodes["17"] = ("LoadImageMask", {"image": "face1_mask.png", "channel": "red"})
    nodes["20"] = ("LoadImageMask", {"image": "face2_mask.png", "channel": "alpha"})
    conv = convert(api(nodes), "masks.json")
    [gen] = nodes_of(conv, TALK)
    red, alpha = source_of(conv, gen.id, "mask_1"), source_of(conv, gen.id, "mask_2")
    assert (red.type_id, red.params["channel"], red.params["invert"]) == ("edit.mask_tools", "red", False)
    link = conv.graph.input_link(red.id, "mask")
    assert (conv.graph.nodes[link.src].params["path"], link.src_port) == ("face1_mask.png", "image")
    assert (alpha.type_id, alpha.params["invert"]) == ("edit.mask_tools", True)
    link = conv.graph.input_link(alpha.id, "mask")
    assert (conv.graph.nodes[link.src].params["path"], link.src_port) == ("face2_mask.png", "alpha")


def test_pysssss_math_expression_gives_its_int_towards_zero():
    """pysssss' Math Expression gives (int(r), float(r)) in every version (py/math_expression.py, read for facts): a
    fraction's INT is worked out (before: 'a value Studio cannot work out')."""
    wf = Workflow.read({"1": {"class_type": "PrimitiveFloat", "inputs": {"value": 5.0}},
                        "2": {"class_type": "MathExpression|pysssss", "inputs": {"expression": "a / 2", "a": ["1", 0]}},
                        "3": {"class_type": "MathExpression|pysssss", "inputs": {"expression": "0 - a / 2",
                                                                                 "a": ["1", 0]}}})
    assert (wf.output(wf.nodes["2"], 0), wf.output(wf.nodes["2"], 1), wf.output(wf.nodes["3"], 0)) == (2, 2.5, -2)


def test_sides_measured_of_another_picture_are_no_rule_of_the_one_resized():
    """endlessblink's wrapper workflows: ImageScale of an upscaled picture to 'a*b' of the size measured BEFORE the
    upscale: not the resized picture's own size, so no rule of it is read (the resize stays said not applied)."""
    wf = _long_side({"class_type": "ImageScale", "inputs": {"image": ["48", 0], "width": ["45", 1],
                                                            "height": ["46", 1], "upscale_method": "lanczos",
                                                            "crop": "disabled"}})
    wf["48"] = {"class_type": "ImageInvert", "inputs": {"image": ["40", 0]}}  # (another picture than #44 measures)
    conv = convert(wf, "other")
    assert not any(p.get("fit") == "within" for p in _scales(conv))
    assert "not applied" in _said(conv)
