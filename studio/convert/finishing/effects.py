"""Finishing effects of ComfyUI and its packs read into Studio's own nodes by their declared types and widgets (fx2,
issue 112), not by a list of names:
- a colour match: two picture sockets, one of them the reference (a socket named 'ref...' / 'reference'), a
  'method' or 'color_space' choice, a 'strength' or 'factor' (KJNodes' Color Match and V2, Easy-Use's, Essentials'):
  Studio's Colour Match where its method is one Studio has ('mkl'; 'reinhard' and Lab mean and spread), else said
  with the method named and not made;
- an unsharp sharpen and a Gaussian blur declared with ComfyUI's kernel widgets (a radius in pixels, a sigma in
  units of it, the sharpen's alpha: ComfyUI's Image Sharpen and Image Blur): Studio's Sharpen (amount 10 x alpha)
  and Blur, the same kernel; a blur declared by its kernel's half-width per axis (radius_x, radius_y: Image-Filters'
  Blur Image (Fast), OpenCV's sigma for that kernel): Studio's Blur where both are alike;
- a film grain (LTXVideo's, vrgamedevgirl's: finishing.grain, read by its type's name, as nothing declared tells
  grain): Studio's Grain.
``effect(wf, n)``: what Studio makes of ``n`` (an Effect), or None for a node that is none of these. Plain data."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .grain import grain

REFERENCE = re.compile(r"(^|_)ref(erence)?(_|$)|^reference", re.I)
MATCHES = re.compile(r"colou?r.?(match|transfer)", re.I)
METHODS = {"mkl": "mkl", "reinhard": "reinhard", "reinhard_lab_gpu": "reinhard", "LAB": "reinhard",
           "reinhard_lab": "reinhard"}  # (ComfyUI's Transfer Color: each channel's Lab mean and spread, as Studio's)
DYNAMIC = "COMFY_DYNAMICCOMBO_V3"  # a V3 dynamic combo: a setting whose choice shows its own inputs (catalogued)
# a dynamic combo's choice that is Studio's way of matching (each frame by its own statistics, to the reference's frame
# of its index): ComfyUI's Transfer Color 'source_stats' (its tooltip: "per_frame: each frame matched to image_ref
# individually"); its other choices pool or pick the frames' statistics, which Studio's Colour Match does not. Keyed on
# the choice's word, as a declaration does not tell what a choice does
PER_FRAME = ("per_frame",)
STRENGTHS = ("strength", "factor")
KERNEL = {"sharpen_radius": "sharpen", "blur_radius": "blur"}  # ComfyUI's kernel radius widget -> what it does
AXES = ("radius_x", "radius_y")  # a blur's kernel half-width on each axis, in whole pixels (_axis_kernel)
QUIET = ("multithread", "device", "batch_size")  # settings of how a pack computes, not of what it gives
OUTPUTS = ("image_output", "save_prefix")  # Easy-Use's preview / save of the picture it gives


@dataclass
class Effect:
    """Studio's node for a pack's effect: its type and settings, the ComfyUI input carrying the pictures it changes
    (``way``) and the one giving a reference (``reference``, or None), the settings it does not apply in words; or,
    where ``missing`` is set, a setting Studio has no like of (the node is then not made: said, naming it)."""
    studio: str
    params: dict = field(default_factory=dict)
    way: str = "image"
    reference: str | None = None
    unapplied: list[str] = field(default_factory=list)
    missing: str = ""
    does: str = ""


def _declared(n: CNode) -> tuple[dict[str, str], tuple[str, ...], str] | None:
    """({socket: type}, widget names, words) as the pack declares them; None for a node the catalogue lacks."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or t.outputs is None or t.output_types[:1] != ("IMAGE",):
        return None
    return {i.name: i.type for i in t.sockets}, tuple(i.name for i in t.widgets), f"{t.category} {t.display} {t.name}"


def _colour_match(wf: Workflow, n: CNode, ins: dict, widgets: tuple, words: str) -> Effect | None:
    dynamic = [k for k, v in ins.items() if v == DYNAMIC]  # (dyncombo10: named since the catalogue records them)
    ins = {k: v for k, v in ins.items() if v != DYNAMIC}
    pictures = [k for k, v in ins.items() if v == "IMAGE"]
    refs = [k for k in pictures if REFERENCE.search(k)]
    chooser = next((w for w in ("method", "color_space") if w in widgets), None)
    if len(pictures) != 2 or len(refs) != 1 or chooser is None or not MATCHES.search(words):
        return None
    if any(v not in ("IMAGE", "MASK") for v in ins.values()) or any(k in n.links for k, v in ins.items() if v == "MASK"):
        return None  # a mask limiting the reference (Essentials' reference_mask wired): not Studio's
    way = next(k for k in pictures if k not in refs)
    strength_w = next((w for w in STRENGTHS if w in widgets), None)
    if set(widgets) - {chooser, strength_w, *QUIET, *OUTPUTS}:
        return None  # settings of a method of its own (Essentials' Adobe match: luminance, fade...): not Studio's
    method = wf.value(n, chooser)
    strength = wf.value(n, strength_w) if strength_w else 1.0
    choices = {k: wf.value(n, k) for k in dynamic}
    if not isinstance(method, str) or not isinstance(strength, (int, float)) or isinstance(strength, bool) or \
            not all(isinstance(v, str) for v in choices.values()):
        return None  # a value Studio cannot read: left to the passing stage, which says it
    fx = Effect("edit.colour_match", {"strength": float(strength)}, way, refs[0], does="colour match")
    if method not in METHODS:
        fx.missing = f"its {chooser} '{method}'"
        return fx
    other = next((k for k, v in choices.items() if v not in PER_FRAME), None)
    if other is not None:
        fx.missing = f"its {other} '{choices[other]}' (Studio matches each frame by its own colours)"
        return fx
    fx.params["method"] = METHODS[method]
    read = {chooser, strength_w}
    for w in widgets:
        v = wf.value(n, w)
        if w not in read and w not in QUIET and v is not None and not (w == "image_output" and v in ("Hide", "Preview")):
            fx.unapplied.append(f"'{w}' {v!r}")
    return fx


def _kernel(wf: Workflow, n: CNode, ins: dict, widgets: tuple) -> Effect | None:
    radius_w = next((w for w in KERNEL if w in widgets), None)
    if radius_w is None or list(ins.values()) != ["IMAGE"] or "sigma" not in widgets:
        return None
    kind = KERNEL[radius_w]
    if set(widgets) - {radius_w, "sigma", "alpha"} or (kind == "sharpen") != ("alpha" in widgets):
        return None
    r, sigma = wf.value(n, radius_w), wf.value(n, "sigma")
    alpha = wf.value(n, "alpha") if kind == "sharpen" else 0.0
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (r, sigma, alpha)) or r < 1:
        return None
    way = next(iter(ins))
    px = float(sigma) * int(r)  # ComfyUI lays the kernel's taps at -1..1: its sigma is in units of the radius
    if kind == "sharpen":
        return Effect("edit.sharpen", {"amount": 10.0 * float(alpha), "radius": px, "reach": int(r)}, way,
                      does="sharpen")
    return Effect("edit.blur", {"radius": px, "reach": int(r)}, way, does="blur")


def _axis_kernel(wf: Workflow, n: CNode, ins: dict, widgets: tuple, words: str) -> Effect | None:
    """A blur declared by its kernel's half-width on each axis (whole pixels: 'radius_x', 'radius_y', 'blur' in its
    words; spacepxl's Image-Filters' Blur Image (Fast), read for meaning: OpenCV's GaussianBlur of a (2 r + 1) kernel
    per axis, sigma 0): Studio's Blur (the same OpenCV call with a sigma and reach r) where both axes are alike,
    another radius per axis said as Studio's Blur has one. OpenCV gives sigma 0 the Gaussian of 0.3 (r - 1) + 0.8,
    except for its fixed small kernels: (1/4, 1/2, 1/4) at r 1, the Gaussian of 1 / sqrt(2 ln 2); its 5- to 9-tap ones
    (r 2 to 4, 9 taps from OpenCV 5) near the Gaussian of that sigma, which is made and said."""
    if set(widgets) != set(AXES) or list(ins.values()) != ["IMAGE"] or "blur" not in words.lower():
        return None
    rx, ry = (wf.value(n, w) for w in AXES)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (rx, ry)) or rx + ry == 0:
        return None  # (none: the pictures as they are; a value Studio cannot read: said by the passing stage)
    sigma = 1 / math.sqrt(2 * math.log(2)) if rx == 1 else 0.3 * (rx - 1) + 0.8
    fx = Effect("edit.blur", {"radius": round(sigma, 6), "reach": rx}, next(iter(ins)), does="blur")
    if rx != ry:
        fx.missing = f"its radius_x {rx} and radius_y {ry} (Studio's Blur has one radius for both axes)"
    elif 2 <= rx <= 4:
        fx.unapplied.append(f"OpenCV's fixed {2 * rx + 1}-tap kernel for that radius (the Gaussian made is near it)")
    return fx


def effect(wf: Workflow, n: CNode) -> Effect | None:
    """What Studio makes of the effect ``n`` by its declared types and widgets, or None."""
    declared = _declared(n)
    if declared is None or not n.enabled:
        return None
    ins, widgets, words = declared
    return _colour_match(wf, n, ins, widgets, words) or _kernel(wf, n, ins, widgets) or \
        _axis_kernel(wf, n, ins, widgets, words) or _grain(wf, n, ins, widgets)


def _grain(wf: Workflow, n: CNode, ins: dict, widgets: tuple) -> Effect | None:
    read = grain(wf, n, ins, widgets)
    return None if read is None else Effect("edit.grain", read[0], read[1], unapplied=read[2], does="film grain")


def way(wf: Workflow, n: CNode) -> str | None:
    """The input an effect takes the pictures it changes from (a colour match's target), or None."""
    fx = effect(wf, n)
    return fx.way if fx is not None else None
