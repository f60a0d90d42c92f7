"""An upscale of pictures by a method Studio does not carry, made as Studio's Scale of the frames to the size the node
gives (issue 112, rtx10: 29 cached workflows end an LTX-2.3 or Wan take with NVIDIA's RTX Video Super Resolution before
CreateVideo / SaveVideo; it was said "not applied" and the video written at half the size the workflow writes).

Told by declared types (declared.Sockets), not by a node's name: pictures in (one IMAGE socket), pictures out (IMAGE
only), no model socket and no file of ComfyUI's upscale_models/ (a learned upscaler with a file is Upscale Video's:
declared.utility_by_types, own_upscaler), its category or display name about upscaling or super-resolution, no
resampling filter of its own to choose (a core resize, ImageScale / ImageScaleBy, declares one: read elsewhere), no
text prompt (a generative service's upscale), and a size it gives that is read when converting: a multiplier (a FLOAT
setting) or a width and a height (INT settings), directly or among the inputs the choice of a V3 dynamic combo shows
(RTX VSR's 'resize_type': 'scale by multiplier' -> 'resize_type.scale', 'target dimensions' -> 'resize_type.width' /
'.height'). A node switched off in its settings (a setting of 'off' / 'none' / 'disabled') is not read. The frames
are scaled with Lanczos filtering to that size, each side rounded to the step its size settings declare (RTX VSR's 8);
what the node's own method adds (super-resolved detail) is not made, and the sentence says so. Plain data and stdlib."""
from __future__ import annotations

import re

from studio.core.shown import listed_whole, rounded

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .declared import UPSCALES, Sockets

SCALE = "transform.scale"
FILTERS = frozenset({"nearest", "nearest-exact", "bilinear", "bicubic", "lanczos", "area", "linear", "cubic",
                     "bislerp", "box", "hamming"})  # a resampling filter's names: a node choosing one resamples
FACTOR_WORDS = re.compile(r"scale|factor|multiplier|upscale_by|times", re.I)
FACTOR_CHOICE = re.compile(r"multipl|scale|factor", re.I)  # a mode choice giving the size by a multiplier
SIZE_CHOICE = re.compile(r"dimension|target|manual", re.I)  # ... by a width and a height it is given
ALIGNS = ("divisible_by", "multiple_of", "alignment")  # a setting rounding each side to a multiple
OFF = frozenset({"off", "none", "disabled", "disable"})
PROMPTS = ("prompt", "text", "negative_prompt", "api_key")
NVIDIA = re.compile(r"\brtx\b|nvidia", re.I)


def _declared(n: CNode):
    """``n``'s declared type where it is an upscale of the kind (the module's docstring), else None."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or t.outputs is None or t.output_types != ("IMAGE",):
        return None
    s = Sockets(n)
    if list(s.ins.values()).count("IMAGE") != 1 or {k: v for k, v in s.models().items() if not _dynamic(t, k)}:
        return None  # (a model socket: a learned upscaler's, read by declared.utility_by_types)
    if not UPSCALES.search(f"{t.category} {t.display}") or t.category.startswith(("api node", "partner")):
        return None
    for i in t.widgets:
        if i.files == "upscale_models" or i.name in PROMPTS or (
                isinstance(i.options, tuple) and FILTERS & {str(o).lower() for o in i.options}):
            return None
    return t


def _dynamic(t, name: str) -> bool:
    i = t.input(name)
    return i is not None and bool(i.dynamic)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


def size_of(wf: Workflow, n: CNode) -> dict | None:
    """{'scale': x} or {'width': w, 'height': h} (with 'step': the multiple each side is rounded to - a setting of
    the node's saying so, else the step its width and height declare, 1 for none - and 'keys': the settings read) for
    an upscale of the kind; None for another node, one switched off, a mode choice giving the size otherwise (by an
    area, a preset ratio, the frames' own size), or a size not read when converting (wired to a value Studio cannot
    work out)."""
    t = _declared(n)
    if t is None or not n.enabled:
        return None
    if any(isinstance(v, str) and v.strip().lower() in OFF for v in n.settings().values()):
        return None  # (a pack's upscale set 'Off': not read as scaling)
    inputs, prefix, mode = list(t.widgets), "", None
    dyn = next((i for i in t.inputs if i.dynamic), None)
    if dyn is not None:
        choice = wf.value(n, dyn.name)
        shown = dict(dyn.dynamic).get(choice) if isinstance(choice, str) else None
        if shown is None:
            return None
        inputs, prefix, mode = list(shown), f"{dyn.name}.", dyn.name
    else:
        mode = next((i.name for i in t.widgets if isinstance(i.options, tuple) and isinstance(wf.value(n, i.name), str)
                     and (FACTOR_CHOICE.search(wf.value(n, i.name)) or SIZE_CHOICE.search(wf.value(n, i.name)))), None)
        choice = wf.value(n, mode) if mode else None
    declared = [i for i in (*inputs, *(x for d in (dyn.dynamic if dyn else ()) for x in d[1]))
                if i.name in ("width", "height") and _number(i.step) and float(i.step).is_integer()]
    own = next((int(str(wf.value(n, i.name))) for i in t.widgets if i.name in ALIGNS
                and str(wf.value(n, i.name)).isdigit() and int(str(wf.value(n, i.name))) > 0), None)
    step = own or (int(declared[0].step) if declared else 1)
    factor = next((i.name for i in inputs if i.type == "FLOAT" and FACTOR_WORDS.search(i.name)), None)
    sides = [next((i.name for i in inputs if i.type == "INT" and i.name == k), None) for k in ("width", "height")]
    read = tuple(k for k in (mode, *(x.name for x in t.widgets if x.name in ALIGNS)) if k)
    says_factor = isinstance(choice, str) and bool(FACTOR_CHOICE.search(choice)) and not SIZE_CHOICE.search(choice)
    says_size = isinstance(choice, str) and bool(SIZE_CHOICE.search(choice))
    if factor is not None and (not all(sides) or says_factor):
        v = wf.value(n, prefix + factor)
        return {"scale": float(v), "step": step, "keys": (*read, prefix + factor)} if _number(v) else None
    if all(sides) and (factor is None or says_size):
        w, h = (wf.value(n, prefix + k) for k in sides)
        if _number(w) and _number(h) and float(w).is_integer() and float(h).is_integer():
            return {"width": int(w), "height": int(h), "step": step, "keys": (*read, *(prefix + k for k in sides))}
    return None


def reads(n: CNode, wf: Workflow | None) -> bool:
    """``n`` is an upscale of the kind whose size is read (size_of)."""
    return wf is not None and size_of(wf, n) is not None


def params(size: dict) -> dict:
    """Studio's Scale's settings for ``size`` (size_of's)."""
    p = {"fit": "exact", "interpolation": "lanczos", "crop": "disabled", "condition": "always"}
    if "scale" in size:
        p.update(scale=size["scale"], width=0, height=0)
    else:
        p.update(scale=1.0, width=size["width"], height=size["height"])
    if size["step"] > 1:
        p.update(multiple=size["step"], rounding="nearest, even")
    return p


def sentence(wf: Workflow, n: CNode, size: dict) -> str:
    """The one sentence of what is made for ``n`` and what is not."""
    t = catalogue.node_type(n.shown_cls)
    shown = t.display or t.name
    m = size["step"]
    to = f"{size['scale']:g} times the frames' size" if "scale" in size else f"{size['width']}x{size['height']}"
    if m > 1 and ("scale" in size or size["width"] % m or size["height"] % m):
        to += f", each side to the nearest multiple of {m}"
    why = (f"{shown} runs on NVIDIA's RTX video effects SDK, which Studio does not carry"
           if NVIDIA.search(f"{t.display} {t.name} {t.pack}") else
           f"{shown}'s own upscaling method ({t.pack}) is not one Studio carries")
    keys = set(size["keys"])
    rest = [f"{k} {'(wired)' if k in n.links else rounded(v)}" for k, v in n.settings().items()
            if k not in keys and not k.startswith("#")]
    tail = f"; its {listed_whole(rest)}: not taken (Scale is given only the size above)" if rest else ""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) is made as Studio's Scale to {to} (lanczos): "
            f"{why}; the frames are scaled, not super-resolved{tail}")


def node(b, n: CNode, wire: tuple[str, str], said: list[str]) -> str | None:
    """Studio's Scale after ``wire`` (a node's id and output) for ``n``, said in ``said``; None where ``n`` is not an
    upscale of the kind read (nothing made)."""
    size = size_of(b.wf, n)
    if size is None:
        return None
    nid = b.add(SCALE, params(size), n)
    b.g.connect(wire[0], wire[1], nid, "video")
    b.used.add(n.id)
    said.append(sentence(b.wf, n, size))
    return nid


def on_way(b, n: CNode, src: tuple[str, str], said: list[str]) -> tuple[str, str] | None:
    """``node`` on a take's way after its generator's video ``src``: (Scale's id, its output), or None."""
    nid = node(b, n, src, said)
    return (nid, "video") if nid is not None else None
