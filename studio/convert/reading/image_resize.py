"""An image loader resizing its picture as KJNodes' LoadAndResizeImage does, told by its declared types (BOOLEAN
'resize' and 'keep_proportion', INT 'width', 'height' and 'divisible_by'), as Studio's Scale settings after its Load
Image (mapping/load_size makes and says it). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

RESIZE = ("resize", "width", "height", "keep_proportion", "divisible_by")  # an image loader's resize (KJNodes')
MAX_SIDE = 16384


def _side(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SIDE else None


def resizes(t) -> bool:
    """An image loader type declaring KJNodes' LoadAndResizeImage's resize: BOOLEAN 'resize' and 'keep_proportion',
    INT 'width', 'height' and 'divisible_by'."""
    if t is None or t.inputs is None or catalogue.loader_kind(t) != "image":
        return False
    types = {w.name: w.type for w in t.widgets}
    return all(types.get(k) == v for k, v in zip(RESIZE, ("BOOLEAN", "INT", "INT", "BOOLEAN", "INT")))


def image_params(wf, loader) -> dict | None:
    """Studio's Scale settings giving the picture an image loader resizing as KJNodes' LoadAndResizeImage does (its
    rule: kijai/ComfyUI-KJNodes@3f20054, nodes/image_nodes.py, LoadAndResizeImage.load_image: 'resize' off its own
    size; keep_proportion: ratio min(width / W, height / H), each side round(side x ratio); else width and height as
    set, a 0 the picture's own side; then each side rounded down to divisible_by where over 1; PIL's bilinear) the
    size it gives; {} where it keeps its own size; None where Studio cannot tell it when converting (a setting wired
    to a value it cannot work out, a 0 beside a side set, its mask read: Scale makes the picture alone)."""
    if not resizes(catalogue.node_type(loader.origin or loader.cls)):
        return None
    v = {k: wf.value(loader, k) for k in RESIZE}
    if any(v[k] is None and k in loader.links for k in RESIZE):
        return None
    resize, keep = v["resize"] is True, v["keep_proportion"] is True
    w, h, div = _side(v["width"] if v["width"] is not None else 512), _side(v["height"] if v["height"] is not None
                                                                          else 512), v["divisible_by"]
    div = 2 if div is None else div
    if not resize:
        return {}
    if w is None or h is None or not isinstance(div, int) or isinstance(div, bool) or not 0 <= div <= 512 \
            or (keep or bool(w) != bool(h)) and not (w and h) or _reads(wf, loader, 1):
        return None
    out = {"width": w, "height": h, "crop": "disabled", "interpolation": "linear"}
    if keep:
        out["fit"] = "within"
    if div > 1:
        out["multiple"] = div
    return out if w or div > 1 else {}


def _reads(wf, loader, slot: int) -> bool:
    """Whether any node reads ``loader``'s output ``slot``."""
    return any(src == loader.id and at == slot for n in wf.nodes.values() for src, at in n.links.values())


def image_said(loader, file: str, p: dict) -> str:
    """One sentence: the size an image loader gives its picture, and Studio's Scale making it."""
    who = f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id})"
    w, h = p["width"], p["height"]
    size = (f"to fit within {w}x{h} keeping its aspect" if p.get("fit") == "within" else f"to {w}x{h}" if w else
            "to its own size")
    many = f", each side rounded down to a multiple of {p['multiple']}" if p.get("multiple", 1) > 1 else ""
    return (f"{who} scales '{file}' {size}{many}, bilinear: Studio's Scale after its Load Image makes the same size")
