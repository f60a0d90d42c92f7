"""A resize declaring Essentials' ImageResize+ 'condition' setting (by its pack's declared types: a COMBO 'condition'
offering 'downscale if bigger') as Studio's Scale with that condition: 'method' stretch (or an older file's
keep_proportion false) to the width and height, 'keep proportion' (keep_proportion true) fitted within them, 'fill /
crop' filled and cut about the middle; 'multiple_of' over 1 rounds the box down first, then the picture's sides
(the pack cuts its picture to the multiple about the middle; Scale scales it to that size). None where Scale does not
make it so ('pad', a fill with a condition, a setting wired to a value Studio cannot work out, a filter Scale lacks). The size it gives is the
picture's, worked out when it runs (Scale's). Found by the twentieth held-out set (13: kairusann's Wan 2.1 I2V
shrinks its start image to within 960 only where it is bigger). Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue

CONDITIONS = ("always", "downscale if bigger", "upscale if smaller", "if bigger area", "if smaller area")  # Scale's
FILTERS = {"nearest": "nearest", "nearest-exact": "nearest-exact", "bilinear": "linear", "area": "area", "bicubic": "cubic",
           "lanczos": "lanczos"}  # the pack's torch filters -> Scale's (cv2's nearest takes the same floor pixel)
FITS = {"stretch": ("exact", "disabled"), "keep proportion": ("within", "disabled"), "fill / crop": ("exact", "center")}
MAX_SIDE = 16384
WORDS = {"downscale if bigger": "a side of the picture is over that size", "upscale if smaller":
         "a side of the picture is under that size", "if bigger area": "the picture's area is over that size's",
         "if smaller area": "the picture's area is under that size's"}  # where the picture is scaled


def condition_said(params: dict) -> str:
    """The words saying when Scale scales the picture ('' for always)."""
    c = params.get("condition")
    return f" (only where {WORDS[c]}: '{c}'; else it keeps its own size)" if c in WORDS else ""


def declares_condition(cls: str) -> bool:
    """``cls``'s pack declares a COMBO 'condition' offering 'downscale if bigger' (ImageResize+ and its likes)."""
    t = catalogue.node_type(cls)
    return t is not None and t.inputs is not None and any(
        i.name == "condition" and i.type == "COMBO" and isinstance(i.options, tuple) and "downscale if bigger" in i.options
        for i in t.inputs)


def _side(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SIDE else None


def params(v: Callable[[str], Any], cls: str) -> dict | None:
    """Scale's settings doing what the conditioned resize of type ``cls`` does (``v``: a setting's value), or None."""
    if not declares_condition(cls):
        return None
    keep, method = v("keep_proportion"), v("method")
    if isinstance(method, bool):  # an older version's keep_proportion saved where today's 'method' is
        keep, method = method, None
    method = "keep proportion" if keep is True else method if method is not None else "stretch" if keep is False \
        else None
    w, h, m, cond, filt = _side(v("width")), _side(v("height")), v("multiple_of"), v("condition"), v("interpolation")
    if method not in FITS or cond not in CONDITIONS or filt not in FILTERS or w is None or h is None \
            or not isinstance(m, int) or isinstance(m, bool) or not 0 <= m <= 512:
        return None
    if m > 1:
        w, h = w - w % m, h - h % m
    fit, crop = FITS[method]
    if fit == "within" and not (w or h):
        return None  # (0 for both: the pack's own rule for the picture's sides, not Scale's)
    if fit == "exact" and not (w and h) or crop == "center" and cond != "always":
        return None  # (a fill's condition weighs the picture filled before its cut, a size Scale does not weigh)
    out = {"width": w, "height": h, "crop": crop, "interpolation": FILTERS[filt]}
    if fit == "within":
        out["fit"] = "within"
    if cond != "always":
        out["condition"] = cond
    if m > 1:
        out["multiple"] = m
    return out
