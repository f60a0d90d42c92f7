"""A resize told by its declared settings (tracing/aspect_scale: a node whose pack declares the settings of LayerStyle's
ImageScaleByAspectRatio V2) on a generated take's way to its save, made as Studio's Scale after the generator with the
size those settings give (heldout122 03: a take resized to 2074 kilo-pixels before RIFE was said "not applied" and
written at the generator's size). A setting Studio cannot work out when converting, a mask with it, or a fit Scale has
no like of: not made here (the caller says so). Plain data."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..tracing import aspect_scale
from . import scaled_only

SCALE = "transform.scale"


def _size_words(p: dict) -> str:
    """The words of the size Scale's settings ``p`` give a take."""
    w, h = p.get("width") or 0, p.get("height") or 0
    if p.get("fit") == "area":
        size = f"to its aspect at an area of {round(p.get('scale', 1.0) * w * h)} pixels"
    elif p.get("fit") == "within":
        size = f"to fit within {w}x{h} keeping its aspect"
    elif p.get("fit") == "cover":
        size = f"so its shorter side is {w}, keeping its aspect"
    elif w and h:
        size = f"to {w}x{h}"
    elif w or h:
        size = f"to a {'width of ' + str(w) if w else 'height of ' + str(h)} keeping its aspect"
    else:
        size = "to its own size"
    m = p.get("multiple", 1)
    return size + (f", each side cut to a whole pixel, then up to a multiple of {m}" if m > 1 else "")


def on_way(b: Any, n: CNode, src: tuple[str, str], said: list[str], out: str) -> tuple[str, str] | None:
    """Studio's Scale after the take ``src`` for ``n`` (such a resize on its way to the save ``out``), said into
    ``said``: (Scale's id, its output), or None where ``n`` is not one read so."""
    if not n.enabled or not aspect_scale.declares(n.shown_cls):
        return None
    params = aspect_scale.params(lambda k: b.wf.value(n, k), n)
    if params is None:
        return None
    nid = b.add(SCALE, params, n)
    b.g.connect(src[0], src[1], nid, "video")
    b.used.add(n.id)
    crop = " (cut to that aspect, its middle kept)" if params.get("crop") == "center" else ""
    said.append(f"{out} writes the take scaled {_size_words(params)}{crop}, as '{n.title or n.shown_cls}' "
                f"({n.shown_cls}, #{n.id}) scales it: Studio's Scale after the generator"
                f"{aspect_scale.padding_said(n, params)}")
    return nid, "video"


def scaled(b: Any, n: CNode, src: tuple[str, str], said: list[str], out: str) -> tuple[str, str] | None:
    """An upscale Studio lacks made as Scale (scaled_only), else such a resize (``on_way``): the Scale after the take
    ``src`` for ``n``, or None."""
    return scaled_only.on_way(b, n, src, said) or on_way(b, n, src, said, out)
