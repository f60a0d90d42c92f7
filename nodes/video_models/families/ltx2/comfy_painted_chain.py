"""The clip and the mask an LTX-2.3 in/outpainting band paints (LTXVInpaintPreprocess's 'images' and 'mask'), read
from the workflow into Studio's operations and made (issue 112, band2): a video loader (through GetVideoComponents);
a resize whose size its settings fix (studio.convert.tracing.resizes: Resize Image/Mask by its shorter side, to a
multiple...) as Scale; Resize Image/Mask 'match size' as Scale with the matched clip on 'like'; KJNodes'
ImagePadForOutpaintTargetSize as Pad to that target (its picture or its mask); ComfyUI's ImageToMask as Mask Tools'
channel; LTX's Dilate Video Mask (a square max-pool, then > 0.5) as Mask Tools' threshold 0.5 and square grow, which
give the same (a threshold commutes with a maximum). A channel picked before a resize is the same picked after it
(each channel is resampled alone), so the mask's chain is made on the mask video and ends in one Mask Tools. What
is read is a recipe of plain tuples; None where a step is not one of these (the band then stays held). Plain data
and stdlib."""
from __future__ import annotations

from studio.convert.api import LOADER_NODES, CNode, is_pad, pads, plain, scale_params

METHODS = {"nearest-exact": "nearest", "bilinear": "linear", "area": "area", "bicubic": "cubic", "lanczos": "lanczos"}
CHANNELS = ("red", "green", "blue", "alpha")
PAD_TARGET = "ImagePadForOutpaintTargetSize"  # KJNodes' pad to a size (image_nodes.py, read for its maths)
TO_MASK = "ImageToMask"
DILATE = "LTXVDilateVideoMask"
MAX_GROW = 512  # Mask Tools' grow


def _at(wf, link):
    n = wf.nodes.get(link[0]) if link else None
    return n if n is not None and n.enabled else None


def _match(wf, n: CNode) -> tuple[str, str] | None:
    """(crop, method) of a Resize Image/Mask 'match size' (by name in API JSON, by place in a UI file)."""
    if n.cls != "ResizeImageMaskNode" or "resize_type.match" not in n.links:
        return None
    raw = n.raw if isinstance(n.raw, list) and not n.widgets else []
    kind, crop, method = raw[:3] if len(raw) >= 3 else (wf.value(n, "resize_type"), wf.value(n, "resize_type.crop"),
                                                         wf.value(n, "scale_method"))
    return (crop, method) if kind == "match size" and crop in ("disabled", "center") and method in METHODS else None


def _target(wf, n: CNode) -> dict | None:
    """Pad's settings for KJNodes' pad to a target size (no mask wired into it), or for a pad by pixels told by its
    types (reading.pads: plain, by whole pixels; feathered: ComfyUI's ImagePadForOutpaint, whose feather Pad's mask
    counts as it does), or None."""
    if n.cls != PAD_TARGET and is_pad(n) and plain(n):
        px = pads(wf, n)
        if any(px[k] is None for k in px) or (px["feathering"] and n.cls != "ImagePadForOutpaint"):
            return None
        return {"left": px["left"], "top": px["top"], "right": px["right"], "bottom": px["bottom"],
                "feather": px["feathering"], "color": "#808080"}
    if n.cls != PAD_TARGET or "mask" in n.links:
        return None
    v = {k: wf.value(n, k) for k in ("target_width", "target_height", "feathering", "upscale_method")}
    ints = all(isinstance(v[k], int) and not isinstance(v[k], bool) and v[k] >= 0 for k in v if k != "upscale_method")
    if not ints or not v["target_width"] or not v["target_height"] or v["upscale_method"] not in METHODS:
        return None
    return {"target_width": v["target_width"], "target_height": v["target_height"], "feather": v["feathering"],
            "interpolation": METHODS[v["upscale_method"]], "color": "#808080"}


def read_clip(wf, link, depth: int = 0, miss: list | None = None):
    """The recipe of the clip on ``link`` ((node id, output slot)), or None (the step not read put in ``miss``)."""
    n = _at(wf, link)
    if n is None or depth > 32:
        return None
    if n.cls in LOADER_NODES and LOADER_NODES[n.cls][0] == "io.load_video" and link[1] == 0:
        return ("load", n)
    if n.cls == "GetVideoComponents" and link[1] == 0:
        return read_clip(wf, n.links.get("video"), depth + 1, miss)
    into = n.links.get("input") or n.links.get("image")
    if (crop := _match(wf, n)) is not None:
        inner, like = read_clip(wf, into, depth + 1, miss), _sized(wf, n.links["resize_type.match"], depth + 1, miss)
        return ("like", n, *crop, inner, like) if inner and like else None
    if (p := _target(wf, n)) is not None and link[1] == 0:
        inner = read_clip(wf, n.links.get("image"), depth + 1, miss)
        return ("pad", n, p, inner) if inner else None
    if not _padding(n) and (p := scale_params(wf, n)) is not None and into:
        inner = read_clip(wf, into, depth + 1, miss)
        return ("scale", n, p, inner) if inner else None
    if miss is not None:
        miss.append(n)
    return None


def _sized(wf, link, depth: int, miss: list | None = None):
    """The recipe of a clip of the size of what ``link`` gives (a 'match size' reads its size only): a clip's, or
    the clip a mask is picked from."""
    made = read_clip(wf, link, depth)
    if made is None and (m := _plain_mask(wf, link, depth, miss)) is not None:
        made = m[0]
    return made


def _plain_mask(wf, link, depth: int = 0, miss: list | None = None):
    """(the recipe of the clip a mask is picked from, its channel) for a mask made without a grow, or None."""
    n = _at(wf, link)
    if n is None or depth > 32:
        return None
    if n.cls == TO_MASK:
        ch = wf.value(n, "channel")
        inner = read_clip(wf, n.links.get("image"), depth + 1, miss) if ch in CHANNELS else None
        return (inner, ch, n) if inner else _missed(miss, n if ch not in CHANNELS else None)
    if _padding(n) and link[1] == 1 and (p := _target(wf, n)) is not None:
        inner = read_clip(wf, n.links.get("image"), depth + 1, miss)
        return (("padmask", n, p, inner), "luma", None) if inner else None  # (one channel: Mask Tools keeps it)
    into = n.links.get("input") or n.links.get("image")
    crop, p = _match(wf, n), scale_params(wf, n) if not _padding(n) else None
    if crop is None and p is None:
        return _missed(miss, n)
    made = _plain_mask(wf, into, depth + 1, miss) if into else None
    if made is None:
        return None
    if crop is not None:
        like = _sized(wf, n.links["resize_type.match"], depth + 1, miss)
        return (("like", n, *crop, made[0], like), *made[1:]) if like else None
    return (("scale", n, p, made[0]), *made[1:])


def _padding(n: CNode) -> bool:
    return n.cls == PAD_TARGET or is_pad(n)


def _missed(miss: list | None, n: CNode | None) -> None:
    if miss is not None and n is not None:
        miss.append(n)
    return None


def read_mask(wf, link, miss: list | None = None):
    """The recipe of the mask on ``link``: ('mask', clip recipe, channel, the ImageToMask read, the grow node, its
    pixels) - the grow None where no Dilate Video Mask is last on its way - or None."""
    n = _at(wf, link)
    if n is None:
        return None
    if n.cls == DILATE:
        r, t = wf.value(n, "spatial_radius"), wf.value(n, "temporal_radius")
        ok = isinstance(r, int) and not isinstance(r, bool) and 0 <= r <= MAX_GROW and t == 0
        if not ok or "image_as_mask" in n.links:
            return _missed(miss, n)
        made = _plain_mask(wf, n.links.get("mask"), 0, miss)
        return ("mask", *made, n, r) if made else None
    made = _plain_mask(wf, link, 0, miss)
    return ("mask", *made, None, None) if made else None


def nodes_of(recipe) -> list[CNode]:
    """The ComfyUI nodes a recipe is read from (each once)."""
    out: list[CNode] = []
    todo = [recipe]
    while todo:
        r = todo.pop()
        if not isinstance(r, tuple):
            continue
        for x in r:
            if isinstance(x, CNode) and x not in out:
                out.append(x)
            elif isinstance(x, tuple):
                todo.append(x)
    return out


def make(b, recipe, made: dict) -> tuple[str, str]:
    """The Studio node and output a recipe gives, made once each (``made``: memo by the ComfyUI node's id)."""
    kind, n = recipe[0], recipe[1]
    if kind == "load":
        return b.studio_loader(n, 0)
    if kind == "mask":  # (made once per link by the caller)
        _, clip, channel, pick, grow_node, r = recipe
        p = {"channel": channel, **({"threshold": 0.5, "grow": r, "grow_shape": "square"} if grow_node else {})}
        nid = b.add("edit.mask_tools", p, grow_node or pick)
        b.g.connect(*make(b, clip, made), nid, "mask")
        return (nid, "mask")
    if n.id in made:
        return (made[n.id], "mask" if kind == "padmask" else "video")
    if kind == "scale":
        nid = b.add("transform.scale", recipe[2], n)
        b.g.connect(*make(b, recipe[3], made), nid, "video")
    elif kind == "like":
        nid = b.add("transform.scale", {"crop": recipe[2], "interpolation": METHODS[recipe[3]]}, n)
        b.g.connect(*make(b, recipe[4], made), nid, "video")
        b.g.connect(*make(b, recipe[5], made), nid, "like")
    else:  # a pad to a target size: its picture or its mask
        nid = b.add("edit.pad", recipe[2], n)
        b.g.connect(*make(b, recipe[3], made), nid, "video")
    made[n.id] = nid
    return (nid, "mask" if kind == "padmask" else "video")
