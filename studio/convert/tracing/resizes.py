"""A resize between a file and a generator's input (a start image scaled before LTX-2's or Wan's image to video) as
Studio's Scale (nodes/images.py), where the size it gives is fixed by its settings as Scale makes it: ComfyUI's
ImageScale (a width and a height, 0 for one keeping the aspect, 'center' crop), ImageScaleBy (a factor), the newer
ResizeImageMaskNode by dimensions, by a multiplier, by its longer or shorter side or to a multiple (its API settings
'resize_type.width'...), KJNodes'
ImageResizeKJ / ImageResizeKJv2 stretched, cropped about the middle (v2) or fitted within a box keeping the
aspect, each side rounded down to 'divisible_by', ImageScaleToMaxDimension and ResizeImagesByLongerEdge (fitted
within a square, the shorter side to the nearest pixel or rounded down), ImageScaleToTotalPixels and a resize stretched
to an 'ideal resolution' a size node works out of its picture (by area: worked_sizes). A resize Scale does not make
as ComfyUI does (padded) is said where the file is wired without it. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.kj_places import by_place
from ..reading.workflow import CNode, Workflow
from ..values.overrides import overridden
from . import aspect_scale, conditioned_resize as conditioned, math_sizes, worked_sizes

BUCKET_SCALE = "AspectBucketScale"  # a pack translation's stand-in for a sampler that scales its picture to the
# aspect bucket at its base_resolution when it runs (VideoX-Fun's: nodes/edit/scale_buckets.py), read as Scale's 'buckets'
BUCKET_LIKE = "AspectBucketScaleLike"  # its stand-in for a control clip the sampler scales to the bucket of another
# picture it measures (its 'like': a start, reference or subject image), read as Scale's 'like' (mapping/bucket_like.py)
METHODS = {"nearest-exact": "nearest-exact", "bilinear": "linear", "area": "area", "bicubic": "cubic", "lanczos": "lanczos"}
MAX_SIDE = 16384  # Scale's (ComfyUI's MAX_RESOLUTION)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SIDE else None


def _sized(w: Any, h: Any, method: Any, crop: Any = "disabled") -> dict | None:
    w, h = _int(w), _int(h)
    if w is None or h is None or method not in METHODS or crop not in ("disabled", "center"):
        return None
    return {"width": w, "height": h, "crop": crop, "interpolation": METHODS[method]}


def _bucket(v, n: CNode) -> dict | None:
    """A VideoX-Fun stand-in's Scale: the bucket nearest the picture's aspect at the base, each side down to the
    multiple (BUCKET_LIKE: of the picture it measures, 'like', whose size the clip is given)."""
    base, m = _int(v("base_resolution")), _int(v("multiple"))
    p = {"width": base, "height": base, "fit": "buckets", "multiple": m, "rounding": "down", "crop": "disabled",
         "interpolation": "cubic"} if base and m and m <= 512 else None
    return {**p, "like": str(v("measured"))} if p and n.cls == BUCKET_LIKE else p


def scale_params(wf: Workflow, n: CNode) -> dict | None:
    """Studio Scale's settings doing what resize ``n`` does, or None where its size is not fixed by its settings
    (or a setting is wired to a value Studio cannot work out)."""
    v = lambda k: wf.value(n, k)  # noqa: E731 - a wired setting's value where Studio works it out
    if (w := _worked(wf, n, v)) is not None:  # stretched to a size worked out of its picture (worked_sizes)
        return w
    if (m := math_sized(wf, n, v)) is not None:  # sides math nodes work out of its own picture (math_sizes)
        return m[0]
    if n.cls == "ImageScale":
        return _sized(v("width"), v("height"), v("upscale_method"), v("crop"))
    if n.cls == "ImageScaleBy":
        s = v("scale_by")
        ok = isinstance(s, (int, float)) and not isinstance(s, bool) and 0.01 <= s <= 8 and v("upscale_method") in METHODS
        return {"scale": float(s), "width": 0, "height": 0, "interpolation": METHODS[v("upscale_method")]} if ok else None
    if n.cls == "ResizeImageMaskNode":  # its settings by name (API JSON), else in the order a UI file saves them
        return _resize_mask(v, n)
    if n.cls in ("ImageResizeKJ", "ImageResizeKJv2"):
        return _kj(v, n)
    if n.cls == "ImageScaleToTotalPixels":  # the picture's aspect at megapixels x 1024² pixels (worked_sizes.area)
        raw = n.raw if isinstance(n.raw, list) and not n.widgets else []
        if len(raw) != 2:
            return worked_sizes.total_pixels(v, METHODS)
        placed = {"upscale_method": raw[0], "megapixels": raw[1]}  # (an older version's two, saved by place)
        return worked_sizes.total_pixels(lambda k: v(k) if k in n.links else placed.get(k), METHODS, older=True)
    if n.cls == "ImageScaleToMaxDimension":  # the longer side to 'largest_size', the other kept in proportion
        side = _int(v("largest_size"))
        p = _sized(side, side, v("upscale_method")) if side else None
        return {**p, "fit": "within"} if p else None
    if (c := conditioned.params(v, n.shown_cls)) is not None:  # ImageResize+ and its likes, by types
        return c
    if (a := aspect_scale.params(v, n)) is not None:  # LayerStyle's ImageScaleByAspectRatio V2, by its settings
        return a
    if n.cls in (BUCKET_SCALE, BUCKET_LIKE):
        return _bucket(v, n)
    if n.cls == "ResizeImagesByLongerEdge":  # the longer side to 'longer_edge', the other rounded down, by Lanczos
        side = _int(v("longer_edge"))
        return {"width": side, "height": side, "crop": "disabled", "interpolation": "lanczos",
                "fit": "within, down"} if side else None
    return None


def _resize_mask(v, n: CNode) -> dict | None:
    """Scale's settings for ComfyUI's Resize Image/Mask (ResizeImageMaskNode), by the mode its DynamicCombo
    'resize_type' picks (comfy_extras/nodes_post_processing.py, yzkee/ComfyUI@783545f6, facts only): its settings by
    name ('resize_type.width'...: API JSON), else in the order a UI file saves them (the mode, its own settings,
    then 'scale_method'); None where the size is not fixed by its settings ('match size': another picture's)."""
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
    if kind in ("scale width", "scale height"):  # that side, the other round(other x side / this one), at least 1
        side = _int(at(1, "resize_type." + kind.split()[1]))
        return (_sized(side, 0, method) if kind == "scale width" else _sized(0, side, method)) if side else None
    if kind == "scale total pixels":  # int(megapixels x 1024²) pixels at the picture's aspect, each side round()ed
        # (Python's: a half to the even), as ImageScaleToTotalPixels' version before resolution_steps works it
        mp = at(1, "resize_type.megapixels")
        return worked_sizes.total_pixels(lambda k: mp if k == "megapixels" else method if k == "upscale_method"
                                         else None, METHODS, older=True)
    if kind == "scale longer dimension":  # the longer side to it, the other in proportion, rounded (up or down)
        side = _int(at(1, "resize_type.longer_size"))
        p = _sized(side, side, method) if side else None
        return {**p, "fit": "within"} if p else None
    if kind == "scale shorter dimension":  # the shorter side to it, the other round(longer / shorter x it)
        side = _int(at(1, "resize_type.shorter_size"))
        p = _sized(side, side, method) if side else None
        return {**p, "fit": "cover"} if p else None
    m = at(1, "resize_type.multiple")  # each side down to a multiple, the frame scaled over it and cut about its
    # middle (Scale: cut to that aspect about the middle, then scaled: the same where one side is kept)
    if kind == "scale to multiple" and _int(m) and m <= 512 and method in METHODS:
        return {"scale": 1.0, "width": 0, "height": 0, "multiple": m, "crop": "center",
                "interpolation": METHODS[method]}
    return None


def _worked(wf: Workflow, n: CNode, v) -> dict | None:
    """Scale's settings for a resize stretching its picture to the width and height a size node works out of that
    very picture by a known rule (worked_sizes: an 'ideal resolution' by area), or None."""
    if worked_sizes.sizer(wf, n) is None:
        return None
    if n.cls == "ImageScale" and v("upscale_method") in METHODS and v("crop") in ("disabled", "center"):
        return worked_sizes.stretched(wf, n, METHODS[v("upscale_method")], v("crop"))
    if conditioned.declares_condition(n.shown_cls) and v("method") == "stretch" and v("condition") == "always" \
            and v("multiple_of") in (0, 1) and v("interpolation") in conditioned.FILTERS:
        return worked_sizes.stretched(wf, n, conditioned.FILTERS[v("interpolation")])
    if n.cls in ("ImageResizeKJ", "ImageResizeKJv2") and v("keep_proportion") in (False, "stretch") \
            and v("divisible_by") in (0, 1) and "mask" not in n.links and v("upscale_method") in METHODS:
        return worked_sizes.stretched(wf, n, METHODS[v("upscale_method")])
    return None


def math_sized(wf: Workflow, n: CNode, v=None) -> tuple[dict, list[CNode]] | None:
    """(Scale's settings, the math nodes) for a resize stretching its picture to a width and a height math nodes work
    out of that very picture (math_sizes: a long side of 1920 by ComfyMathExpression), or None."""
    v = v or (lambda k: wf.value(n, k))
    if n.cls == "ImageScale" and v("upscale_method") in METHODS and v("crop") in ("disabled", "center"):
        how, keys, image = (METHODS[v("upscale_method")], v("crop")), ("width", "height"), "image"
    elif n.cls in ("ImageResizeKJ", "ImageResizeKJv2") and v("keep_proportion") in (False, "stretch") \
            and v("divisible_by") in (0, 1) and "mask" not in n.links and v("upscale_method") in METHODS:
        how, keys, image = (METHODS[v("upscale_method")], "disabled"), ("width", "height"), "image"
    elif n.cls == "ResizeImageMaskNode":
        raw = n.raw if isinstance(n.raw, list) and not n.widgets else []
        at = lambda i, k: v(k) if k in n.links or len(raw) <= i else raw[i]  # noqa: E731 - as _resize_mask
        kind, method, crop = (raw[0] if raw else v("resize_type")), at(4, "scale_method"), at(3, "resize_type.crop")
        if kind != "scale dimensions" or method not in METHODS or crop not in ("disabled", "center"):
            return None
        how, keys, image = (METHODS[method], crop), ("resize_type.width", "resize_type.height"), "input"
    else:
        return None
    got = math_sizes.rule(wf, n, keys, image)
    return ({**got[0], "crop": how[1], "interpolation": how[0]}, *got[1:]) if got is not None else None


def math_said(wf: Workflow, n: CNode) -> str:
    """Words naming the math nodes whose width and height resize ``n`` stretches its picture to (math_sized), and
    where Studio's Scale gives another size (a rule of the file's own size, applied after Load Video's own resize):
    an example; '' for another resize."""
    got = math_sized(wf, n)
    if got is None:
        return ""
    said = f" to the width and height {' and '.join(CNode.named(x) for x in got[1])} work out of that picture"
    if got[2] is None:
        return said
    (fw, fh), (cw, ch), (sw, sh) = got[2]
    return (f"{said} (of its file's own size: Studio's Scale works it out of the frames its Load Video gives, their "
            f"size already rounded by the loader's settings, which gives another size for some files: a {fw}x{fh} "
            f"file, {cw}x{ch} in ComfyUI, {sw}x{sh} here)")


def size_makers(wf: Workflow, n: CNode) -> list[CNode]:
    """The nodes working out the size resize ``n`` stretches its very picture to, read with it where its Scale is
    made: a size node's (worked_sizes.sizer), or the math nodes and what they measure (math_sized); [] for none."""
    if (s := worked_sizes.sizer(wf, n)) is not None:
        return [s]
    got = math_sized(wf, n)
    if got is None:
        return []
    pic = wf.source(n, "input" if n.cls == "ResizeImageMaskNode" else "image")
    measures = [src for m in got[1] for k in m.links if (src := wf.source(m, k)) is not None
                and all(wf.source(src, j) is pic for j in src.links)]  # (GetImageSize of it, its Video Info; constants)
    return list({x.id: x for x in (*got[1], *measures)}.values())


def _by_place(v, n: CNode):
    """``v``, or ImageResizeKJ's settings read by place where the file saved them unnamed (reading/kj_places.py)."""
    return by_place(v, n)


def _kj(v, n: CNode) -> dict | None:
    """KJNodes' resizes as Scale makes them: stretched, cut about the middle (v2's 'crop' at 'center'), or fitted
    inside the box keeping the picture's aspect (v2's 'resize', v1's keep_proportion), each side then rounded down
    to 'divisible_by' as the pack does. None where the size is another picture's or a mask goes with it."""
    v = overridden(_by_place(v, n), n, {"width", "height"})  # (a wired 'width_input' wins: values/overrides.py)
    keep, div = v("keep_proportion"), v("divisible_by")
    if "get_image_size" in n.links or "mask" in n.links or not isinstance(div, int) or isinstance(div, bool) \
            or not 0 <= div <= 512:
        return None
    w, h = _int(v("width")), _int(v("height"))
    if w is None or h is None:
        return None
    within = keep is True or keep == "resize"
    stretched = keep is False or keep == "stretch"
    centred = n.cls == "ImageResizeKJv2" and keep == "crop" and v("crop_position") == "center"
    if not (within or stretched or centred) or (not within and not (w and h)):  # (0 there: the picture's own side)
        return None
    crop = "center" if centred else v("crop") if n.cls == "ImageResizeKJ" else "disabled"
    p = _sized(w, h, v("upscale_method"), "center" if crop == 0 else crop)
    if p is None:
        return None
    rounds = div > 1 and (within or w % div or h % div)  # (a box already divisible: nothing rounded)
    return {**p, **({"fit": "within"} if within else {}), **({"multiple": div} if rounds else {})}


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


def sizing(wf: Workflow, node: CNode, loader: CNode, walked: list[CNode]) -> CNode | None:
    """The resize whose 'width' and 'height' outputs give task node ``node`` its size, where that resize is of the
    very picture ``node`` takes (from ``loader`` through ``walked``) and Scale makes it: ComfyUI's image-to-video
    nodes scale their picture to the latent's size, so the picture is the resize's (WanFirstLastFrameToVideo
    sized by ImageResizeKJv2 'resize' of its own start image: the tenth held-out set)."""
    src = wf.source(node, "width") if "width" in node.links else None
    if src is None or wf.source(node, "height") is not src or "image" not in src.links:
        return None
    t = catalogue.node_type(src.shown_cls)
    names = [o.name for o in t.outputs] if t is not None else []
    if names[1:3] != ["width", "height"] or node.links["width"][1] != 1 or node.links["height"][1] != 2:
        return None
    picture = wf.source(src, "image")
    if picture is None or not (picture is loader or picture in walked):
        return None
    return src if scale_params(wf, src) is not None else None


def said(n: CNode, params: dict, port: str, node: CNode, sizes: bool = False) -> str:
    """The sentence saying the resize is made by Studio's Scale (``sizes``: the task node ``node`` scales its
    picture to the size ``n`` gives, ``n``'s own picture not wired to it)."""
    w, h = params.get("width"), params.get("height")
    if params.get("like"):  # (a control clip at the size the sampler measures of another picture: BUCKET_LIKE)
        size = (f"to the size VideoX-Fun's sampler picks from its {params['like']} (the size in its aspect table nearest "
                f"that picture's aspect at base resolution {w}: its 512 sizes x {w} / 512)")
    elif params.get("fit") == "buckets":
        size = f"to the size in VideoX-Fun's aspect table nearest its aspect at base resolution {w} (its 512 sizes x {w} / 512)"
    elif params.get("fit") == "patch buckets":  # (worked_sizes.BUCKETS: sizes of whole patches, said by its words)
        size, params = f"to {worked_sizes.said(params)}", {**params, "multiple": 1}  # (its sides patches: no rounding)
    elif params.get("fit") == "area":  # (its 'scale' a number of megapixels, not a factor; its rounding said below)
        size = f"to {worked_sizes.said(params)}"
    elif params.get("fit") == "cover":  # ('scale shorter dimension': a square)
        size = f"so its shorter side is {w}, keeping its aspect" if w == h else f"to cover {w}x{h} keeping its aspect"
    elif params.get("scale") == 1 and params.get("multiple", 1) > 1 and not w and not h:
        size = "to its own size"
    elif params.get("scale"):
        size = f"by {params['scale']:g}"
    elif params.get("fit") in ("within", "within, down"):
        size = (f"to fit within {w}x{h} keeping its aspect" if w and h else
                f"to {'a width of ' + str(w) if w else 'a height of ' + str(h)} keeping its aspect" if w or h else
                "to its own size")
    else:
        size = f"to {w}x{h}"
    crop = " (cut to that aspect, its middle kept)" if params.get("crop") == "center" else ""
    rounding = params.get("rounding", "down")
    many = (f", each side rounded {'down to a' if rounding == 'down' else 'up to a' if rounding == 'up' else 'to the nearest'}"
            f" multiple of {params['multiple']}" if params.get("multiple", 1) > 1 else
            ", each side cut to a whole pixel" if rounding == "up" else "")
    as_ = (f"as '{node.title or node.shown_cls}' (#{node.id}) scales it to the size "
           f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) gives" if sizes else
           f"as '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) scales it")
    return (f"{node.of(port)} is scaled {size}{crop}{conditioned.condition_said(params)}{many} by Studio's Scale, "
            f"{as_}{aspect_scale.padding_said(n, params)}")
