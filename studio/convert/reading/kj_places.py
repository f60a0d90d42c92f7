"""KJNodes' ImageResizeKJ (v1) as a UI file of an older frontend saves it, by place (its values not named by the
catalogue's type: another count): today's six settings, or the eight of the versions with 'width_input' and
'height_input' settings (ttio2tech's v2v, heldout13). Read so by the resize Studio's Scale makes (tracing/resizes.py)
and by what works its size out for the nodes its width and height outputs feed (reading/resized.py: the hundredth
held-out set's 01/02, a resize to 480x832 of keep_proportion off whose outputs size WanVideoImageClipEncode, said
"whose value Studio cannot work out ... (the 480 saved in the file is not what runs)"). Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

KJ_V1_PLACES = {6: ("width", "height", "upscale_method", "keep_proportion", "divisible_by", "crop"),
                8: ("width", "height", "upscale_method", "keep_proportion", "divisible_by", "width_input",
                    "height_input", "crop")}
KJ_V1_KINDS = (int, int, str, bool, int)  # (the first five: told apart from another layout by their kinds)


def by_place(v: Callable[[str], Any], n: Any) -> Callable[[str], Any]:
    """``v``, or ImageResizeKJ's settings read by place where the file saved them unnamed in a known layout (a wired
    setting still read by ``v``)."""
    raw = n.raw if isinstance(n.raw, list) else []
    names = KJ_V1_PLACES.get(len(raw)) if n.cls == "ImageResizeKJ" and not n.widgets else None
    if not names or not all(isinstance(x, k) and (k is bool or not isinstance(x, bool))
                            for x, k in zip(raw, KJ_V1_KINDS)):
        return v
    placed = dict(zip(names, raw))
    return lambda k: v(k) if k in n.links else placed.get(k)
