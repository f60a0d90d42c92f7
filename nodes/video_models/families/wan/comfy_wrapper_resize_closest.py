"""kijai's ComfyUI-WanVideoWrapper WanVideoImageResizeToClosest (nodes_utility.py, Apache-2.0, read for the facts:
"Resizes image to the closest supported resolution based on aspect ratio and max pixels, according to the original
code"): an area of generation_width x generation_height, an aspect (height over width) - the picture's own
('keep_input') or the generation size's ('stretch_to_new', 'crop_to_new') - each side the square root of the area
times (over) the aspect, rounded down to a multiple of 16 (its VAE stride 8 x patch 2, floor divisions of the float
root), the picture resized there by Lanczos ('crop_to_new': cut about its middle to that aspect first, ComfyUI's
'center' crop); it gives the picture, that width and that height. Found in the corpus (Wrapper-StartEndFrames: the
start and end frames sized by it, its resize said not applied).

Read in its place as the nodes the converter reads: 'keep_input' as the wrapper's own size by area
(studio.convert.tracing.worked_sizes' AREA_SIZE, the rule its early image encode's adjust_resolution has) and
ComfyUI's ImageScale of the picture to that size (Lanczos, no crop): Studio's Scale ('area' fit, a multiple of 16,
rounded down) on the picture's way, a generator taking the scaled picture's size when it runs; the other two as
ImageScale to the fixed size they give (worked out here), their width and height outputs those numbers. Plain data and
stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

import math

from studio.convert.api import AREA_SIZE, CNode

NODE = "WanVideoImageResizeToClosest"
ORDER = ("generation_width", "generation_height", "aspect_ratio_preservation")  # as a UI file saves them
KEEP, FIXED = "keep_input", {"stretch_to_new": "disabled", "crop_to_new": "center"}  # mode -> ComfyUI's crop
STRIDE, PATCH = 8, 2


def fixed_size(width: int, height: int) -> tuple[int, int]:
    """(w, h) the node gives for the generation size's own aspect (the wrapper's float arithmetic: the root of the
    area times the aspect, floor-divided by the stride and the patch, times both back)."""
    area, aspect = width * height, height / width
    lat_h = round(math.sqrt(area * aspect) // STRIDE // PATCH * PATCH)
    lat_w = round(math.sqrt(area / aspect) // STRIDE // PATCH * PATCH)
    return lat_w * STRIDE, lat_h * STRIDE


def _settings(wf, n: CNode) -> tuple:
    named = dict(n.widgets) if n.widgets else dict(zip(ORDER, n.raw)) if isinstance(n.raw, list) else {}
    value = {k: (wf.value(n, k) if k in n.links else named.get(k)) for k in ORDER}
    w, h, mode = (value[k] for k in ORDER)
    ok = all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 16384 for v in (w, h))
    return (w, h, mode) if ok and (mode == KEEP or mode in FIXED) else (None, None, None)


def _rewire(wf, n: CNode, outs: dict[int, tuple]) -> None:
    """The readers of ``n``'s outputs 1 and 2 (width, height) reading ``outs`` instead."""
    for m in wf.nodes.values():
        for k, (src, slot) in list(m.links.items()):
            if src == n.id and slot in outs:
                m.links[k] = outs[slot]


def _number(wf, n: CNode, name: str, v: int) -> tuple:
    nid = f"{n.id}:{name}"
    wf.nodes[nid] = CNode(nid, "PrimitiveInt", f"{n.title or n.shown_cls} {name}", widgets={"value": v},
                          origin=n.shown_cls)
    wf.taken.add(nid)
    return nid, 0


def translate(wf) -> list[str]:
    """Each enabled WanVideoImageResizeToClosest with its picture wired and its settings known, read in place (see
    the module); one sentence each."""
    said = []
    for n in [n for n in wf.nodes.values() if n.cls == NODE and n.enabled and "image" in n.links]:
        w, h, mode = _settings(wf, n)
        if mode is None:
            continue
        name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        if mode == KEEP:
            size = CNode(f"{n.id}:size", AREA_SIZE, n.title, n.mode, {"generation_width": w, "generation_height": h},
                         {"image": n.links["image"]}, n.pos, origin=NODE)
            wf.nodes[size.id] = size
            wf.taken.add(size.id)
            outs = {1: (size.id, 0), 2: (size.id, 1)}
            scale = {"upscale_method": "lanczos", "crop": "disabled"}
            links = {"image": n.links["image"], "width": outs[1], "height": outs[2]}
            what = f"the picture's own aspect at an area of {w}x{h}, each side a multiple of 16 rounded down"
        else:
            fw, fh = fixed_size(w, h)
            outs = {1: _number(wf, n, "width", fw), 2: _number(wf, n, "height", fh)}
            scale = {"upscale_method": "lanczos", "crop": FIXED[mode], "width": fw, "height": fh}
            links = {"image": n.links["image"]}
            what = f"{fw}x{fh}" + (" (cut about its middle to that aspect first)" if FIXED[mode] == "center" else "")
        _rewire(wf, n, outs)
        wf.nodes[n.id] = CNode(n.id, "ImageScale", n.title, n.mode, scale, links, n.pos, origin=NODE,
                               unsaved=("upscale_method", "crop"))
        said.append(f"{name} resizes its picture to {what} by Lanczos ({mode!r}), giving that width and height: read "
                    "as ComfyUI's ImageScale to it")
    return said
