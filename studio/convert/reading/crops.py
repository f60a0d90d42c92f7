"""A rectangle cut of pictures, told by its declared types: one picture in ('image'), a picture out, and integer
settings x, y, width and height alone (ComfyUI's ImageCrop): the pictures it gives are width x height, cut at
(x, y) - as Studio's Crop cuts them where the rectangle lies in the frame. Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue

SIDES = ("x", "y", "width", "height")
MAX_SIDE = 16384  # ComfyUI's MAX_RESOLUTION


def is_rect_crop(node: Any) -> bool:
    """``node``'s type declares a rectangle cut of one picture (above)."""
    t = catalogue.node_type(getattr(node, "origin", None) or node.cls)
    if t is None or t.inputs is None or tuple(t.output_types) != ("IMAGE",):
        return False
    kinds = {i.name: i.type for i in t.inputs}
    return kinds == {"image": "IMAGE", **{k: "INT" for k in SIDES}}


def rect(value: Callable[[str], Any], node: Any) -> dict | None:
    """{x, y, width, height} the cut ``node`` makes where every side is a whole number Studio works out; else None."""
    if not is_rect_crop(node):
        return None
    got = {k: value(k) for k in SIDES}
    if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_SIDE for v in got.values()) \
            or not got["width"] or not got["height"]:
        return None
    return got
