"""A resize to an aspect ratio and a side's length, told by its declared settings (LayerStyle's 'ImageScaleByAspectRatio
V2': COMBO 'aspect_ratio' of 'original', 'custom' and 'W:H' ratios, 'proportional_width' / '_height', 'fit'
letterbox / crop / fill, 'method', 'round_to_multiple', 'scale_to_side', INT 'scale_to_length'; heldout82 10's clip
scaled so before Wan Animate was "not applied", the take made at the embeds' saved 832x480), as Studio's Scale.

The pack's rule (read for its facts, MIT; chflame163/ComfyUI_LayerStyle py/image_scale_by_aspect_ratio_v2.py at
64f976fe): the ratio is the picture's ('original'), proportional_width / _height ('custom') or W:H; the side named
gets the length ('longest' / 'shortest' by the ratio above 1 or not; 'None': the picture's own width, or height for a
ratio of 1 or under), the other side int(length / ratio) or int(length x ratio); each side then up to the multiple
(never down); the picture fitted to that size: 'letterbox' inside it keeping its aspect, padded with its
background_color; 'crop' cut about its middle to that aspect; 'fill' stretched.

Made: with 'original', Scale's 'within' a square of the length (longest), 'cover' (shortest), one side (width, height)
or its own size ('None'), each side cut to a whole pixel and up to the multiple (Scale's 'up' rounding), 'crop' cut
about the middle, 'fill' and 'letterbox' stretched over the rounding (letterbox's padding of at most the multiple
less one pixel: said); with a fixed ratio, its size worked out as the pack does, 'crop' and 'fill' only (a letterbox
to another aspect: not made). 'total_pixel(kilo pixel)' (the pack: width sqrt(ratio x length x 1000), height that
over the ratio, each cut to a whole pixel, then up to the multiple; heldout122 03's picture sized so before Wan 2.2
I2V and its take so upscaled before RIFE were "not applied"): with 'original', Scale's 'area' fit at length x 1000
pixels (length x 1000 / 1024² of its 1024x1024 'scale': the same size, Scale's 'up' rounding); with a fixed ratio, its
size worked out as the pack does. A mask with it: not made. Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue

SETTINGS = ("aspect_ratio", "fit", "method", "round_to_multiple", "scale_to_side", "scale_to_length")
FILTERS = {"lanczos": "lanczos", "bicubic": "cubic", "bilinear": "linear", "nearest": "nearest"}  # (its
# 'box' and 'hamming': Studio has neither, not made)
PIXELS = "total_pixel(kilo pixel)"  # (its side of a total in thousands of pixels)
SIDES = ("longest", "shortest", "width", "height", "None", PIXELS)
MAX_SIDE = 16384
KILO_RANGE = (11, 8388)  # (Scale's 'scale' 0.01 to 8 of 1024x1024 pixels, in thousands of pixels)


def declares(cls: str) -> bool:
    """``cls``'s pack declares the settings of such a resize: each of SETTINGS, 'aspect_ratio' a COMBO offering
    'original', 'scale_to_side' one offering 'longest', and an IMAGE 'image'."""
    t = catalogue.node_type(cls)
    if t is None or t.inputs is None:
        return False
    by = {i.name: i for i in t.inputs}
    return all(k in by for k in SETTINGS) and by.get("image") is not None and by["image"].type == "IMAGE" and \
        "original" in (by["aspect_ratio"].options or ()) and "longest" in (by["scale_to_side"].options or ())


def _ratio(v: Callable[[str], Any]) -> float | None:
    """The fixed ratio ('custom', 'W:H') the settings give; None for 'original' or one not read."""
    r = v("aspect_ratio")
    try:
        w, h = ((v("proportional_width"), v("proportional_height")) if r == "custom" else
                tuple(int(x) for x in str(r).split(":", 1)))
        return w / h if w > 0 and h > 0 else None
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _fixed(ratio: float, side: str, length: int, multiple: int) -> tuple[int, int] | None:
    """The size the pack works out for a fixed ratio (its sides cut, then up to the multiple); None for 'None'."""
    wide = ratio > 1
    if side == PIXELS:  # (the pack: width sqrt(ratio x length x 1000), height that over the ratio, each cut)
        fw = (ratio * length * 1000) ** 0.5
        w, h = int(fw), int(fw / ratio)
    elif side == "width" or side == "longest" and wide or side == "shortest" and not wide:
        w, h = length, int(length / ratio)
    elif side in ("height", "longest", "shortest"):
        w, h = int(length * ratio), length
    else:
        return None
    up = lambda x: -(-x // multiple) * multiple  # noqa: E731
    return up(w), up(h)


def params(v: Callable[[str], Any], n: Any) -> dict | None:
    """Studio Scale's settings making what such a resize ``n`` makes (see the module); None where not made."""
    if not declares(n.shown_cls) or "mask" in n.links:
        return None
    side, length, fit, method, m = v("scale_to_side"), v("scale_to_length"), v("fit"), v("method"), v("round_to_multiple")
    multiple = 1 if m == "None" else int(m) if str(m).isdigit() and 0 < int(m) <= 512 else None
    bounds = KILO_RANGE if side == PIXELS else (1, MAX_SIDE)
    if side not in SIDES or fit not in ("letterbox", "crop", "fill") or method not in FILTERS or multiple is None or \
            not (side == "None" or isinstance(length, int) and not isinstance(length, bool)
                 and bounds[0] <= length <= bounds[1]):
        return None
    crop = "center" if fit == "crop" else "disabled"
    if v("aspect_ratio") != "original":
        ratio = _ratio(v)
        size = _fixed(ratio, side, length, multiple) if ratio is not None and fit != "letterbox" else None
        return {"width": size[0], "height": size[1], "crop": crop, "interpolation": FILTERS[method]} if size else None
    box = {"longest": {"width": length, "height": length, "fit": "within"},
           "shortest": {"width": length, "height": length, "fit": "cover"},
           "width": {"width": length, "height": 0}, "height": {"width": 0, "height": length},
           "None": {"width": 0, "height": 0, "scale": 1.0},
           PIXELS: {"width": 1024, "height": 1024, "scale": length * 1000 / 1024 ** 2, "fit": "area"}}[side]
    return {**box, "multiple": multiple, "rounding": "up", "crop": crop, "interpolation": FILTERS[method]}


def padding_said(n: Any, params_: dict) -> str:
    """The words for a letterbox Scale stretches over the rounding up ('' for another resize, or none to pad)."""
    if n.widgets.get("fit") != "letterbox" or params_.get("rounding") != "up" or params_.get("multiple", 1) <= 1:
        return ""
    color = n.widgets.get("background_color")
    return (f"; where a side is rounded up, ComfyUI's letterbox pads it with its background colour "
            f"{color!r} (at most {params_['multiple'] - 1} pixels), where Studio's Scale stretches the frame over it")
