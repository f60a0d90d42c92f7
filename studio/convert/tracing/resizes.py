"""A resize between a file and a generator's input (a start image scaled before LTX-2's or Wan's image to video) as
Studio's Scale (nodes/images.py), where the size it gives is fixed by its settings as Scale makes it: ComfyUI's
ImageScale (a width and a height, 0 for one keeping the aspect, 'center' crop), ImageScaleBy (a factor), the newer
ResizeImageMaskNode by dimensions or by a multiplier (its API settings 'resize_type.width'...), KJNodes'
ImageResizeKJ / ImageResizeKJv2 stretched (v2: or cropped about the middle) to a size already divisible as asked, v2
fitted within a box keeping its aspect (Scale's 'fit', each side rounded down to divisible_by). A resize whose size
depends on the picture's otherwise (by its longer edge) is not one: it is said where the file is wired without it. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.resized import rounds_down
from ..reading.workflow import CNode, Workflow

METHODS = {"nearest-exact": "nearest", "bilinear": "linear", "area": "area", "bicubic": "cubic", "lanczos": "lanczos"}
MAX_SIDE = 16384  # Scale's (ComfyUI's MAX_RESOLUTION)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SIDE else None


def _sized(w: Any, h: Any, method: Any, crop: Any = "disabled") -> dict | None:
    w, h = _int(w), _int(h)
    if w is None or h is None or method not in METHODS or crop not in ("disabled", "center", "fit"):
        return None
    return {"width": w, "height": h, "crop": crop, "interpolation": METHODS[method]}


def scale_params(wf: Workflow, n: CNode) -> dict | None:
    """Studio Scale's settings doing what resize ``n`` does, or None where its size is not fixed by its settings
    (or a setting is wired to a value Studio cannot work out)."""
    v = lambda k: wf.value(n, k)  # noqa: E731 - a wired setting's value where Studio works it out
    if n.cls == "ImageScale":
        return _sized(v("width"), v("height"), v("upscale_method"), v("crop"))
    if n.cls == "ImageScaleBy":
        s = v("scale_by")
        ok = isinstance(s, (int, float)) and not isinstance(s, bool) and 0.01 <= s <= 8 and v("upscale_method") in METHODS
        return {"scale": float(s), "width": 0, "height": 0, "interpolation": METHODS[v("upscale_method")]} if ok else None
    if n.cls == "ResizeImageMaskNode":  # its settings by name (API JSON), else in the order a UI file saves them
        raw = n.raw if isinstance(n.raw, list) and not n.widgets else []
        kind = v("resize_type") if not raw else raw[0]
        # (a setting wired, its saved value is stale: the wired value where Studio works it out, else not fixed)
        at = lambda i, k: v(k) if k in n.links or len(raw) <= i else raw[i]  # noqa: E731
        if kind == "scale dimensions":
            return _sized(at(1, "resize_type.width"), at(2, "resize_type.height"), at(4, "scale_method"),
                          at(3, "resize_type.crop"))
        s, method = at(1, "resize_type.multiplier"), at(2, "scale_method")
        if kind == "scale by multiplier" and isinstance(s, (int, float)) and 0.01 <= s <= 8 and method in METHODS:
            return {"scale": float(s), "width": 0, "height": 0, "interpolation": METHODS[method]}
        return None
    if n.cls == "ImageResizeKJv2" and v("keep_proportion") == "resize" and not {"get_image_size", "mask"} & set(n.links):
        div, w, h = v("divisible_by"), _int(v("width")), _int(v("height"))  # fitted within width x height, its
        if not isinstance(div, int) or isinstance(div, bool) or div < 0 or w is None or h is None or not (w or h):
            return None  # aspect kept, each side rounded down to divisible_by (the tenth held-out set)
        fit = _sized(w, h, v("upscale_method"), "fit" if w and h else "disabled")
        return {**fit, "multiple": max(1, div)} if fit is not None else None
    if n.cls in ("ImageResizeKJ", "ImageResizeKJv2"):
        keep, div = v("keep_proportion"), v("divisible_by")
        stretched = keep is False or keep == "stretch"
        # (v2's 'crop' about the middle covers the size and cuts the rest, as Scale's 'center' crop does)
        centred = n.cls == "ImageResizeKJv2" and keep == "crop" and v("crop_position") == "center"
        w, h = _int(v("width")), _int(v("height"))
        if not (stretched or centred) or not w or not h or "get_image_size" in n.links or "mask" in n.links:
            return None
        if not isinstance(div, int) or isinstance(div, bool) or div < 0:
            return None
        if div > 1 and (w % div or h % div):  # a size ComfyUI rounds: v2's stretch or crop rounds it down
            if not rounds_down(n.cls, keep):
                return None
            w, h = w - w % div, h - h % div
        crop = "center" if centred else v("crop") if n.cls == "ImageResizeKJ" else "disabled"
        return _sized(w, h, v("upscale_method"), crop if crop in ("disabled", "center") else None)
    return None


def is_resize(n: CNode) -> bool:
    """A node resizing pictures, by its type's name (a resize or a scale of images)."""
    return any(w in n.cls.lower() for w in ("resize", "scale")) and "latent" not in n.cls.lower()


def on_way(wf: Workflow, walked: list[CNode]) -> dict[str, dict]:
    """The resizes on a file's way (``walked``: nearest the input first) Studio's Scale makes, by id: each whose size
    is fixed; one by a factor only where no resize before it (nearer the file) is left unmade (else the factor would
    apply to another size)."""
    out, lost = {}, False
    for n in reversed(walked):  # from the file on
        p = scale_params(wf, n)
        if p is not None and not (lost and p.get("scale")):
            out[n.id] = p
        elif is_resize(n):
            lost = True
    return out


def said(n: CNode, params: dict, port: str, node: CNode) -> str:
    """The sentence saying the resize is made by Studio's Scale."""
    size = f"by {params['scale']:g}" if params.get("scale") else f"to {params['width']}x{params['height']}"
    if params.get("crop") == "fit":
        size = f"to fit within {params['width']}x{params['height']} (its aspect kept)"
    crop = " (cut to that aspect, its middle kept)" if params.get("crop") == "center" else ""
    crop += f", each side a multiple of {params['multiple']}" if params.get("multiple", 1) > 1 else ""
    return (f"{node.of(port)} is scaled {size}{crop} by Studio's Scale, as "
            f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) scales it")
