"""Scale's (nodes/images.py) sizes rounded to the nearest multiple from the exact size its fit gives, and its 'area'
fit: what VideoHelperSuite's Load Video (its target_size: each side int(x / d + 0.5) * d, the side a 0 leaves
worked out as h * (w' / w) first) and a size node working an 'ideal resolution' out by area (each side
round(x / m) * m, Python's round: a half to the even) give, or 'up' (LayerStyle's ImageScaleByAspectRatio V2: each
side cut to a whole pixel, then up to the multiple); its 'buckets' and 'patch buckets' fits (scale_buckets). Plain
Python."""
from __future__ import annotations

from . import scale_buckets
from .scale_condition import applies

ROUNDINGS = ("down", "nearest", "nearest, even", "up")


def _exact(w: int, h: int, p) -> tuple[float, float]:
    """The size the fit gives a ``w`` x ``h`` frame, unrounded."""
    if p.fit == "patch buckets" and p.width:  # whole patches of 'multiple' pixels (scale_buckets.patch_bucket)
        return scale_buckets.patch_bucket(w, h, p.width, p.multiple)
    if p.fit == "buckets" and p.width:  # the aspect-bucket table's size nearest the frame's (scale_buckets)
        return scale_buckets.bucket(w, h, p.width)
    if p.fit == "area" and p.width and p.height:
        s = (p.width * p.height * p.scale / (w * h)) ** 0.5  # (as the 'ideal resolution' node works it: x ** 0.5,
        # then w * s; ImageScaleToTotalPixels: 1024 x 1024 x its megapixels as the scale)
        return w * s, h * s
    if p.width == 0 and p.height == 0:
        return w * p.scale, h * p.scale
    if p.width == 0:
        return w * (p.height / h), float(p.height)
    if p.height == 0:
        return float(p.width), h * (p.width / w)
    if p.fit in ("within", "within, down"):
        r = min(p.width / w, p.height / h)
        return w * r, h * r
    if p.fit == "cover":
        r = max(p.width / w, p.height / h)
        return w * r, h * r
    return float(p.width), float(p.height)


def _to(x: float, m: int, how: str) -> int:
    """``x`` rounded to a multiple of ``m`` (never under ``m``)."""
    if how == "nearest":
        k = int(x / m + 0.5)
    elif how == "nearest, even":
        k = round(x / m)
    elif how == "up":  # (a whole pixel first, as int() cuts it; a float's last bit kept from cutting a whole one)
        k = -(-int(x + 1e-9) // m)
    else:
        k = int(x // m)
    return max(m, k * m)


def rounded(w: int, h: int, p) -> tuple[int, int]:
    """The size Scale makes of a ``w`` x ``h`` frame with its 'rounding' (or its 'area' fit): the exact size its fit
    gives, kept the frame's own where 'condition' is not met, each side rounded to the multiple that way."""
    fw, fh = _exact(w, h, p)
    how = getattr(p, "rounding", "down")
    if not applies(getattr(p, "condition", "always"), w, h, round(fw), round(fh)):
        fw, fh = float(w), float(h)
    return _to(fw, p.multiple, how), _to(fh, p.multiple, how)
