"""The size a resize gives where its own settings fix it, for what measures its pictures (GetImageSize after a
resize: Workflow.image_size): ComfyUI's ImageScale to a width and a height, the newer ResizeImageMaskNode 'scale
dimensions' (its API settings 'resize_type.width'..., else in the order a UI file saves them), KJNodes' resizes
stretched or cropped to their box, each side rounded down to 'divisible_by' (padded: to a box already divisible). None where the picture's own
size decides it (a width or height 0, keeping proportions). Found by the third held-out set: LTX-2.3's first-last-frame
template sizes its latent by GetImageSize of a ResizeImageMaskNode whose 720x1280 the keyframes were scaled to,
yet the size was said not read. Plain data and stdlib."""
from __future__ import annotations

import math
from typing import Any, Callable

from .. import catalogue
from ..values.overrides import overridden
from .crops import rect
from .kj_places import by_place

EXACT_KJ = (False, "stretch", "crop", "pad", "pad_edge")  # KJNodes' keep_proportion giving the asked size


def _side(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def fixed_size(value: Callable[[str], Any], node: Any) -> tuple[int, int] | None:
    """(width, height) resize ``node`` gives by its settings alone (``value``: a setting's value where Studio works
    it out), else None."""
    c = node.cls
    value = overridden(by_place(value, node), node, {"width", "height"})  # (a wired 'width_input' wins:
    # values/overrides.py; ImageResizeKJ's values by place as an older frontend saved them: kj_places.py, heldout100)
    if c == "ImageScale":
        w, h = value("width"), value("height")
    elif c == "ResizeImageMaskNode":
        raw = node.raw if isinstance(node.raw, list) and not node.widgets else []
        at = lambda i, k: value(k) if k in node.links or len(raw) <= i else raw[i]  # noqa: E731
        if (value("resize_type") if not raw else raw[0]) != "scale dimensions":
            return None
        w, h = at(1, "resize_type.width"), at(2, "resize_type.height")
    elif c in ("ImageResizeKJ", "ImageResizeKJv2"):
        div = value("divisible_by")
        w, h = value("width"), value("height")
        if value("keep_proportion") not in EXACT_KJ or "get_image_size" in node.links or not isinstance(div, int) \
                or isinstance(div, bool) or div < 0 or not _side(w) or not _side(h):
            return None
        if div > 1 and (w % div or h % div):  # each side rounded down to a multiple, as the pack does (1280x720
            if str(value("keep_proportion")).startswith("pad"):  # by 32: 1280x704); a padded one rounds its
                return None  # picture inside the pads, which the picture's own size decides
            w, h = w - w % div, h - h % div
    elif (cut := rect(value, node)) is not None:  # a rectangle cut (ComfyUI's ImageCrop): its width and height
        w, h = cut["width"], cut["height"]
    elif (box := _conditioned(value, node)) is not None:  # Essentials' ImageResize+ and its likes, by types
        w, h = box
    else:
        return None
    w, h = _side(w), _side(h)
    return (w, h) if w and h else None


def _conditioned(value: Callable[[str], Any], node: Any) -> tuple[int, int] | None:
    """The box a resize declaring Essentials' ImageResize+ 'condition' (by its pack's declared types: a COMBO
    'condition' offering 'downscale if bigger') gives whatever its picture: 'always', 'stretch', 'fill / crop' or 'pad'
    to a width and a height, each rounded down to 'multiple_of' first (the pack's order), else None (kept proportions,
    a condition: the picture's own size decides). Found by the twenty-ninth held-out set (15: a Wan first/last-frame
    take sized by ImageResize+'s 480x832 'fill / crop' was said "not worked out" and made at the pictures' size)."""
    t = catalogue.node_type(node.shown_cls)
    if t is None or t.inputs is None or not any(
            i.name == "condition" and i.type == "COMBO" and isinstance(i.options, tuple)
            and "downscale if bigger" in i.options for i in t.inputs):
        return None
    method, keep = value("method"), value("keep_proportion")
    if isinstance(method, bool):  # an older version's keep_proportion saved where today's 'method' is
        keep, method = method, None
    method = "stretch" if method is None and keep is False else method
    m = value("multiple_of")
    m = m if isinstance(m, int) and not isinstance(m, bool) and m > 1 else 1
    w, h = _side(value("width")), _side(value("height"))
    if value("condition") != "always" or method not in ("stretch", "fill / crop", "pad") or not w or not h:
        return None
    return w - w % m, h - h % m


def sized_output(value: Callable[[str], Any], node: Any, slot: int) -> int | None:
    """The width or height a resize gives out on ``slot`` (KJNodes' resizes give their picture's size beside it,
    declared as outputs named 'width' and 'height') where its settings fix that size (fixed_size), else None. Found
    by the fourth held-out set: a Wan 2.2 I2V whose WanImageToVideo takes its size from ImageResizeKJv2's 480x480."""
    t = catalogue.node_type(node.shown_cls)
    outs = t.outputs if t is not None and t.outputs else ()
    name = outs[slot].name if 0 <= slot < len(outs) and outs[slot].type == "INT" else None
    if name not in ("width", "height"):
        return None
    size = fixed_size(value, node)
    return None if size is None else size[0 if name == "width" else 1]


def multiplier(value: Callable[[str], Any], node: Any) -> float | None:
    """The factor a resize scales its picture by where its settings fix it (the newer ResizeImageMaskNode 'scale by
    multiplier', its API setting 'resize_type.multiplier', else in the order a UI file saves them), else None. Found
    by the seventh held-out set: an LTX-2 GGUF file sizes its latent by GetImageSize of an EmptyImage scaled x0.5."""
    if node.cls != "ResizeImageMaskNode":
        return None
    raw = node.raw if isinstance(node.raw, list) and not node.widgets else []
    kind = value("resize_type") if not raw else raw[0]
    k = (value("resize_type.multiplier") if "resize_type.multiplier" in node.links or len(raw) <= 1 else raw[1])
    ok = kind == "scale by multiplier" and isinstance(k, (int, float)) and not isinstance(k, bool) and k > 0
    return float(k) if ok else None


# resizes fitting their picture within a square of a side their settings fix, keeping its aspect: the input, the
# setting naming the side, and how the other side is rounded (tracing.resizes makes them as Scale 'within')
WITHIN = {"ResizeImagesByLongerEdge": ("images", "longer_edge", int), "ImageScaleToMaxDimension": ("image",
                                                                                                   "largest_size", round)}


def within(value: Callable[[str], Any], node: Any, size: Callable[[str], tuple[int, int] | None]) \
        -> tuple[int, int] | None:
    """(width, height) a resize fitting its picture within a square gives (``size``: the size of the picture on an
    input, where known), else None. Found by the eightieth held-out set: LTX-2.3 sizes its latent by GetImageSize of
    an EmptyImage 1080x1920 fitted to 1536 by its longer edge (864x1536)."""
    rule = WITHIN.get(node.cls)
    got = size(rule[0]) if rule else None  # (its picture's size first: its side is asked only where that is known)
    side = _side(value(rule[1])) if got and min(got) > 0 else None
    if not side:
        return None
    w, h = got
    if w >= h:  # the longer side to the side, the other in proportion (multiplied first: no float's 863.99)
        return side, max(1, rule[2](h * side / w))
    return max(1, rule[2](w * side / h)), side


def _mask_setting(value: Callable[[str], Any], node: Any) -> tuple[Any, Any]:
    """(the mode, the mode's one setting MASK_MODES names) of a ResizeImageMaskNode: by name (API JSON), else in the
    order a UI file saves them (the mode, its settings, then 'scale_method')."""
    raw = node.raw if isinstance(node.raw, list) and not node.widgets else []
    kind = value("resize_type") if not raw else raw[0]
    key = "resize_type." + MASK_MODES.get(kind, "") if isinstance(kind, str) else ""
    return kind, (value(key) if key in node.links or len(raw) <= 1 else raw[1])


MASK_MODES = {"scale longer dimension": "longer_size", "scale shorter dimension": "shorter_size",
              "scale width": "width", "scale height": "height", "scale total pixels": "megapixels",
              "scale to multiple": "multiple"}  # ResizeImageMaskNode's modes whose size its picture's decides


def by_picture(value: Callable[[str], Any], node: Any, size: Callable[[str], tuple[int, int] | None]) \
        -> tuple[int, int] | None:
    """(width, height) ComfyUI's Resize Image/Mask gives in a mode whose size its picture's decides, that picture's
    size known (``size``: of the picture on an input), worked out as the node does (comfy_extras/
    nodes_post_processing.py, yzkee/ComfyUI@783545f6, facts only): the longer or shorter side to a size, the other
    round(other / this x it); a width or a height, the other max(1, round(other x it / this)); int(megapixels x 1024²)
    pixels, each side round(side x sqrt(total / area)); each side down to a multiple (kept where one would be 0).
    None for another node or mode, or a setting not known. Found by the hundred-and-seventh held-out set (01, 03:
    LTX-2 sized by 'scale total pixels', 'scale to multiple' and 'scale by multiplier' steps of the loaded picture)."""
    if node.cls != "ResizeImageMaskNode":
        return None
    kind, s = _mask_setting(value, node)
    got = size("input") if kind in MASK_MODES and isinstance(s, (int, float)) and not isinstance(s, bool) else None
    if not got or min(got) <= 0 or s <= 0:
        return None
    w, h = got
    if kind == "scale total pixels":
        k = math.sqrt(int(s * 1024 * 1024) / (w * h))
        return round(w * k), round(h * k)
    if kind == "scale to multiple":
        m = int(s)
        tw, th = w // m * m, h // m * m
        return (w, h) if m <= 1 or not tw or not th else (tw, th)
    s = int(s)
    if kind == "scale width":
        return s, max(1, round(h * s / w))
    if kind == "scale height":
        return max(1, round(w * s / h)), s
    if (w > h) == (kind == "scale longer dimension") and w != h:  # the width is the side set
        return s, round(h / w * s)
    return (round(w / h * s), s) if w != h else (s, s)
