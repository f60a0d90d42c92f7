"""A size a node works out of a picture by a rule that is a stated fact (an 'ideal resolution' by area and a multiple),
made where a resize on a generator input's way stretches that very picture to it: Studio's Scale with that rule
('area' fit, its rounding), the generator taking the picture's size when it runs (mapping/folded_sizes says it).
The rules are data (RULES, by the node type's name: no catalogued pack declares these types), read from each pack's
source: fofr's comfyui-fofr-toolkit 'Width and height for scaling image to ideal resolution 🪴' (its
ToolkitWidthAndHeightForImageScaling: inputs image, target_size (default 1024), multiple_of (default 8); outputs
width, height (INT); scale = sqrt(target_size² / (w x h)), each side round(w x scale / multiple_of) x multiple_of,
Python's round). Found by the twentieth held-out set (12: s1ntecs' Wan I2V worker: 644 px by area, a multiple of
28, the generator's size said "set it"). kijai's ComfyUI-WanVideoWrapper's early WanVideoImageClipEncode with
adjust_resolution on works the take's size out of its picture the same way (nodes.py@721cd65e, 2025-03-04: the
picture's aspect at the area generation_width x generation_height, each side rounded down to a multiple of 16 (its VAE
stride 8 x patch 2), the picture stretched to it by Lanczos): the wrapper's translation makes that size node beside
the encode as AREA_SIZE, a type no workflow names (no family's name: a size by area its two settings give, a multiple
of 16, rounded down), read by the same rule (heldout54 05). A bucket picker whose table is a stated fact (BUCKETS:
kijai's ComfyUI-HunyuanVideoWrapper HyVideoGetClosestBucketSize, its base_size 360 / 540 / 720 the HunyuanVideo I2V
buckets of whole 32-pixel patches at a side of 480 / 720 / 960) is read as Scale's 'patch buckets' fit (heldout78 13:
the 720 bucket's ImageScale was said not applied, the take made at the picture's own size). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode, Workflow

# type -> (Scale's fit, the setting giving the side, the multiple's setting, its default, Scale's rounding)
AREA_SIZE = "~size by area: generation_width x generation_height, a multiple of 16, down"  # (a type no workflow
# names: a family's translation makes it, its settings the node's it stands beside: Wan's comfy_wrapper_clip_encode)
RULES = {"Width and height for scaling image to ideal resolution 🪴": ("area", "target_size", "multiple_of", 8,
                                                                        "nearest, even"),
         # (the area's two sides its two settings; the multiple fixed, no setting of its own: None)
         AREA_SIZE: ("area", ("generation_width", "generation_height"), None, 16, "down")}
# type -> (its setting, that setting's value -> the side its buckets are worked at, the patch): Scale's 'patch buckets'
# (nodes/edit/scale_buckets.patch_bucket). By the type's name: its declaration (an IMAGE, a base_size choice, a width
# and a height out) does not tell which table it picks from (nodes.py@3ce96404, read for the facts)
BUCKETS = {"HyVideoGetClosestBucketSize": ("base_size", {"360": 480, "540": 720, "720": 960}, 32)}
WORDS = {"area": "the picture's aspect at an area of {w}x{h}",
         "patch buckets": "the size of HunyuanVideo's buckets (whole {m}-pixel patches at a side of {w}) nearest the "
                          "picture's aspect"}
MAX_SIDE = 16384


def _int(v: Any, low: int, high: int) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and low <= v <= high else None


def rule(wf: Workflow, n: CNode) -> dict | None:
    """Scale's settings giving the size node ``n`` works out of its picture (its 'image'), or None where ``n`` is no
    size node whose rule is known or a setting is not known when converting."""
    if (b := BUCKETS.get(n.cls) or BUCKETS.get(n.shown_cls)) is not None and "image" in n.links:
        side = b[1].get(str(wf.value(n, b[0])))
        return {"width": side, "height": side, "scale": 1.0, "fit": "patch buckets", "multiple": b[2],
                "rounding": "down"} if side else None
    r = RULES.get(n.cls) or RULES.get(n.shown_cls)
    if r is None or "image" not in n.links:
        return None
    fit, side, multiple, default, rounding = r
    sw, sh = (_int(wf.value(n, k), 1, MAX_SIDE) for k in (side if isinstance(side, tuple) else (side, side)))
    m = wf.value(n, multiple) if multiple and (multiple in n.links or wf.value(n, multiple) is not None) else default
    m = _int(m, 1, 512)
    if sw is None or sh is None or m is None:
        return None
    return {"width": sw, "height": sh, "scale": 1.0, "fit": fit, "multiple": m, "rounding": rounding}  # ('scale': a
    # size of the picture it is given, as a factor's: not made after a resize left unmade, resizes.on_way)


def sizer(wf: Workflow, n: CNode) -> CNode | None:
    """The size node whose 'width' and 'height' outputs (its first two) give resize ``n`` its width and height,
    where it works them out of the very picture ``n`` resizes by a known rule; None else."""
    if "width" not in n.links or "height" not in n.links or "image" not in n.links:
        return None
    src = wf.source(n, "width")
    if src is None or wf.source(n, "height") is not src or (n.links["width"][1], n.links["height"][1]) != (0, 1):
        return None
    return src if wf.source(src, "image") is wf.source(n, "image") and rule(wf, src) is not None else None


def stretched(wf: Workflow, n: CNode, method: str, crop: str = "disabled") -> dict | None:
    """Scale's settings for resize ``n`` stretching its picture (with ``method``, Scale's filter; ``crop``) to the size
    its sizer works out of it (sizer), or None."""
    s = sizer(wf, n)
    return {**rule(wf, s), "crop": crop, "interpolation": method} if s is not None else None


def said(p: dict) -> str:
    """The words of the size the rule gives (for resizes.said)."""
    if p.get("scale", 1.0) != 1.0:  # (ImageScaleToTotalPixels: megapixels of 1024x1024 pixels)
        return f"the picture's aspect at {p['scale']:g} megapixels ({p['scale']:g} x 1024x1024 pixels)"
    return WORDS[p["fit"]].format(w=p["width"], h=p["height"], m=p.get("multiple"))


def total_pixels(v, methods: dict, older: bool = False) -> dict | None:
    """Scale's settings for ComfyUI's ImageScaleToTotalPixels (comfy_extras/nodes_upscale_model... nodes_images:
    scale = sqrt(megapixels x 1024 x 1024 / (w x h)), each side round(side x scale / resolution_steps) x
    resolution_steps, Python's round; an older version without resolution_steps: steps 1), or None where a setting is
    not known (``v``: a setting's value) or past Scale's factor (8). Its sqrt, Scale's x ** 0.5: the same but for one
    unit in the last place, which moves a side only where it falls exactly on a half. ``older``: the version before
    resolution_steps (ComfyUI@a125cd84: total int(megapixels x 1024 x 1024), each side round(side x scale)), its two
    settings saved by place."""
    mp, steps, method = v("megapixels"), v("resolution_steps"), v("upscale_method")
    steps = 1 if steps is None else steps
    if not isinstance(mp, (int, float)) or isinstance(mp, bool) or not 0.01 <= mp <= 8 or method not in methods \
            or not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= 256:
        return None
    mp = int(mp * 1024 * 1024) / (1024 * 1024) if older else float(mp)  # (its whole number of pixels: exact)
    return {"width": 1024, "height": 1024, "scale": mp, "fit": "area", "multiple": steps,
            "rounding": "nearest, even", "crop": "disabled", "interpolation": methods[method]}
