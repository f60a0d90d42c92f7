"""A take sized from its loaded picture when the workflow runs, read as a rule (picsize21): the latent's width and
height measured (GetImageSize, GetImageSizeAndCount..., or the resize's own 'width' and 'height' outputs) of a resize
keeping the picture's aspect (KJNodes' ImageResizeKJv2 'resize', Essentials' ImageResize+ 'keep proportion',
ImageScaleToTotalPixels, ImageScaleToMaxDimension, ResizeImagesByLongerEdge, ResizeImageMaskNode 'scale longer
dimension', ImageScale with a 0 side: what tracing/resizes.scale_params reads as Scale's 'within' or 'area' fit) of the
very picture Studio gives the generator's 'image' as it is. Where the picture's size is not known when converting (the
file not beside the workflow: shared workflows never carry it), the generator's 'size_rule' works the same size out
of that picture when it runs (nodes/video_models/sampling/picture_size.py: Scale's own rules), said in one sentence,
instead of the saved value or the picture's own size. Where the file is read, the size is worked out when converting,
as before (nothing here). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading import measured, measured_file
from ..reading.workflow import CNode, Workflow
from ..tracing import resizes
from ..tracing.roles import in_type

ROUNDED = {"down": "rounded down to a", "nearest": "rounded to the nearest", "nearest, even": "rounded to the nearest "
           "(a half to the even)", "up": "rounded up to a"}
_named = CNode.named


def _outputs(n: CNode) -> list[str]:
    t = catalogue.node_type(n.origin or n.shown_cls)
    return [o.name or "" for o in t.outputs] if t is not None and t.outputs else []


def _picture_in(n: CNode) -> str | None:
    """The input on which resize ``n`` takes its picture (its one IMAGE input wired), else None."""
    ins = [k for k in n.links if in_type(n, k) == "IMAGE"]
    return ins[0] if len(ins) == 1 else None


def _measured(wf: Workflow, latent: CNode) -> tuple[CNode, CNode] | None:
    """(the node the latent's width and height come from, the resize whose picture's size they are), where both come
    from one node: a measure of the resize's picture (through measures passing it on), or the resize's own 'width'
    and 'height' outputs; else None."""
    src = wf.source(latent, "width")
    if src is None or wf.source(latent, "height") is not src:
        return None
    slots = (latent.links["width"][1], latent.links["height"][1])
    names = _outputs(src)
    if all(0 <= s < len(names) for s in slots) and [names[s] for s in slots] == ["width", "height"] \
            and resizes.scale_params(wf, src) is not None:
        return src, src  # (the resize's own outputs: ImageResizeKJv2's, ImageResize+'s)
    axes = tuple((s if s < 2 else None) if src.cls == "GetImageSize" else measured.axis(src, s) for s in slots)
    if axes != (0, 1):
        return None
    pic, seen = wf.source(src, "image" if src.cls == "GetImageSize" else measured.image_input(src)), 0
    while pic is not None and measured.passes_picture(pic) and seen < 8:  # (GetImageSizeAndCount passes it on)
        pic, seen = wf.source(pic, measured.image_input(pic)), seen + 1
    return (src, pic) if pic is not None else None


def rule(p: dict | None) -> dict | None:
    """The generator's size settings doing what Scale's settings ``p`` do to a picture of any size, keeping its
    aspect ('within' a box, a 0 side following the other; 'area'), else None (a size of its own, a crop, buckets, a
    condition, a factor: another rule)."""
    if p is None or p.get("like") or p.get("condition", "always") != "always" or p.get("crop", "disabled") != "disabled":
        return None
    fit, w, h = p.get("fit", "exact"), p.get("width") or 0, p.get("height") or 0
    out = {"size_multiple": int(p.get("multiple") or 1), "size_rounding": p.get("rounding", "down")}
    if fit == "area" and w and h:
        return {"size_rule": "pixels", "megapixels": w * h * float(p.get("scale") or 1.0) / 1024 ** 2,
                "width": 0, "height": 0, **out}
    if fit in ("within", "within, down") and (w or h) or fit == "exact" and bool(w) != bool(h):
        return {"size_rule": "within, down" if fit == "within, down" else "within", "width": w, "height": h, **out}
    return None


def _words(r: dict) -> str:
    if r["size_rule"] == "pixels":
        how = f"the picture's aspect at {r['megapixels']:.6g} megapixels"
    else:
        box = f"{r['width'] or 'any'}x{r['height'] or 'any'}"
        how = f"the picture fitted within {box} keeping its aspect" + (
            ", rounded down" if r["size_rule"] == "within, down" else "")
    if r["size_multiple"] > 1:
        how += f", each side {ROUNDED.get(r['size_rounding'], 'rounded to a')} multiple of {r['size_multiple']}"
    return how


def read(b: Any, latent: CNode, sizes: dict, said: list[str]) -> dict:
    """The latent's width and height read as the generator's size rule where they are a proportional resize's size
    of the picture Studio gives the generator's 'image' as it is, not known when converting: ``b.extra`` given the
    rule, said; the sides read ({'width': ..., 'height': ...}, so that they are not said unread), else {}."""
    wf = b.wf
    if sizes.get("width") is not None or sizes.get("height") is not None or "width" not in latent.links \
            or "height" not in latent.links or not b.task_now or "size_rule" not in b.spec_params(b.task_now):
        return {}
    got = _measured(wf, latent)
    r = rule(resizes.scale_params(wf, got[1])) if got is not None else None
    src, resize = got if got is not None else (None, None)
    k = _picture_in(resize) if r is not None else None
    picture = wf.source(resize, k) if k is not None else None
    if picture is None or resize.id in b.scaled_for or b.loaded_for.get(picture.id) != "image":
        return {}
    b.extra.update(r)
    made = ", ".join(f"{n} {v:.6g}" if isinstance(v, float) else f"{n} {v!r}" if isinstance(v, str) else f"{n} {v}"
                     for n, v in r.items())
    by = f"{_named(resize)}'s own width and height, the size of the picture it makes" if src is resize else \
        f"{_named(src)}, the size of the picture {_named(resize)} makes"
    line = (f"{_named(latent)}'s width and height come from {by} of what {_named(picture)} gives"
            f"{measured_file.words(wf, picture)} ({_words(r)}); Studio gives the generator's 'image' that picture as "
            f"it is, and the generator works the same size out of it when it runs ({made})")
    said.append(line)
    b.out.log.append(f"{b.name}: {line}")
    return {"width": r["width"], "height": r["height"]}
