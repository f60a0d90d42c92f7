"""The take's size of the first WanVideoWrapper image encode (WanVideoImageClipEncode) with adjust_resolution on, where
the start picture's own size is known when converting: it comes from a resize whose settings fix the size it gives
(KJNodes' ImageResizeKJ of keep_proportion off: its width and height, whatever the picture). The wrapper's rule
(comfy_wrapper_clip_encode.py: h = the picture's height over width x the area generation_width x generation_height,
its square root rounded down to a multiple of 16, w the same of width over height) then gives two numbers, the
generator's width and height, and the resized picture goes to it as it is (a picture of that aspect already: no
second resize made). Found by the hundredth held-out set (01/02: the encode's generation_width / height wired from
the resize's 480x832 were said "whose value Studio cannot work out"; read, they made the wrapper's own resize after
the resize, which left the encode unconverted). None where the picture's size is known only when the workflow runs
(a picture file: comfy_wrapper_clip_encode.adjusted makes the wrapper's resize). Plain data and stdlib."""
from __future__ import annotations

from math import isqrt

from studio.convert.api import CNode, finite, is_resize

SIDE = 16  # the wrapper rounds each side down to a multiple of 16


def known(t, n: CNode, w: dict, image) -> tuple[int, int] | None:
    """(width, height) the wrapper makes with adjust_resolution on from ``n``'s area (``w``'s generation_width x
    generation_height, two numbers) and the start picture ``image``'s own size where a resize fixes it; else None."""
    if image is None or w.get("adjust_resolution") is not True:
        return None
    gw, gh = w.get("generation_width"), w.get("generation_height")
    if not (finite(gw) and finite(gh) and gw > 0 and gh > 0):
        return None
    src = t.wf.nodes.get(image[0])
    size = t.wf.image_size(src) if src is not None and is_resize(src) else None
    if not size or not all(isinstance(v, int) and v > 0 for v in size):
        return None
    pw, ph = size
    area = int(gw) * int(gh)  # (whole numbers: a square root of an exact square is not a float's 479.999...)
    width, height = isqrt(pw * area // ph) // SIDE * SIDE, isqrt(ph * area // pw) // SIDE * SIDE
    return (width, height) if width > 0 and height > 0 else None
