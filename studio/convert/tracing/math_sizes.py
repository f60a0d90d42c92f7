"""A resize whose width and height are each worked out by a math node from the size of the very picture it resizes (and
constants), made as Studio's Scale where one of Scale's rules gives the same size for every picture size tried, as
mapping/counted_math reads a frame rule from a count: heldout110 01's ImageScale to ComfyMathExpression
'round(c*a/max(a,b)/32)*32' x 'round(c*b/max(a,b)/32)*32' of the clip's own width and height and c = 1920 (a long
side of 1920, each side to the nearest multiple of 32, a half to the even: Scale 'within' 1920x1920, multiple 32,
'nearest, even'), exportAnything's ResizeImageMaskNode to 'a & ~1' of its own picture's width and height (its own
size rounded down to even: Scale x1, multiple 2, down). The math node is read by its declared types and settings
(its expression and number inputs: ComfyMathExpression's 'values.*', a pack's expression node by_types.expression
reads), its expression by Studio's arithmetic reader (reading.primitives.evaluate, never Python's eval); a side is the
picture's where its input measures that very picture (GetImageSize, a measuring node: reading.measured) or a video
loader's Video Info gives it (its loaded frames' size; its file's, through the size Studio's Scale after its Load
Video makes of it: reading.loader_size), a constant where Studio works its value out. Scale's rules tried: by a
factor (1, or a constant of the expressions), within or over a square of a constant's side; each with every
multiple in MULTIPLES and every rounding (nodes/images.py's scaled_size: _scaled below gives the same sizes, a test
compares them). Plain data and stdlib."""
from __future__ import annotations

import math
from typing import Any, Callable

from ..reading import by_types, loader_size, measured
from ..reading.aspect_size import plain_name
from ..reading.primitives import evaluate
from ..reading.workflow import CNode, Workflow

SIDES = (64, 100, 240, 320, 333, 360, 384, 480, 512, 517, 540, 576, 600, 640, 704, 720, 768, 777, 800, 832, 854, 896,
         960, 1001, 1024, 1080, 1088, 1152, 1200, 1234, 1280, 1350, 1440, 1536, 1600, 1920, 1999, 2048, 2160, 2560,
         3840)  # the widths and heights tried (each pair of them): common sizes and odd ones
COMMON = ((1920, 1080), (1080, 1920), (1280, 720), (720, 1280), (854, 480), (480, 854), (640, 360), (3840, 2160),
          (1440, 1080), (1080, 1350), (1024, 1024))  # the file sizes an example is first taken from
MULTIPLES = (1, 2, 4, 8, 16, 32, 64)
ROUNDINGS = ("down", "nearest", "nearest, even", "up")
MAX_SIDE = 16384
COMFY = "ComfyMathExpression"


def _to(x: float, m: int, how: str) -> int:
    """``x`` to a multiple of ``m`` by ``how`` (never under ``m``), as Scale's rounding from an exact size does."""
    k = int(x / m + 0.5) if how == "nearest" else round(x / m) if how == "nearest, even" else \
        -(-int(x + 1e-9) // m) if how == "up" else int(x // m)
    return max(m, k * m)


def _scaled(w: int, h: int, p: dict) -> tuple[int, int]:
    """The size Scale makes of a ``w`` x ``h`` frame with settings ``p`` (a factor, or 'within' / 'cover' of a square
    'width' x 'height', or an exact size; 'multiple', 'rounding'): nodes/images.scaled_size for these settings."""
    sw, sh, s, fit = p.get("width", 0), p.get("height", 0), p.get("scale", 1.0), p.get("fit", "exact")
    m, how = p.get("multiple", 1), p.get("rounding", "down")
    r = min(sw / w, sh / h) if fit == "within" else max(sw / w, sh / h)
    if how != "down":  # (from the exact size: scale_round.rounded)
        fw, fh = (w * s, h * s) if not sw and not sh else (w * r, h * r) if fit in ("within", "cover") else (sw, sh)
        return _to(fw, m, how), _to(fh, m, how)
    if not sw and not sh:
        tw, th = max(1, round(w * s)), max(1, round(h * s))
    elif fit == "within":
        tw, th = max(1, round(w * r)), max(1, round(h * r))
    elif fit == "cover" and sw == sh and w != h:  # (images.covered: the shorter side at it)
        tw, th = (round(w / h * sh), sh) if h < w else (sw, round(h / w * sw))
    elif fit == "cover":
        tw, th = max(1, round(w * r)), max(1, round(h * r))
    else:
        tw, th = sw, sh
    return (max(m, tw - tw % m), max(m, th - th % m)) if m > 1 else (tw, th)


def _expression(wf: Workflow, m: CNode, slot: int) -> tuple[str, dict[str, str], Callable, bool] | None:
    """(its expression, its names -> their inputs, its result -> what output ``slot`` gives, ComfyUI's own) of a
    math node read by its types; None for another node."""
    if m.cls == COMFY and slot in (0, 1):  # (FLOAT, INT: int() of the result, towards 0; nodes_math.py)
        keys = {k.split(".", 1)[1]: k for k in dict.fromkeys([*m.widgets, *m.links]) if k.startswith("values.")}
        return str(wf.value(m, "expression") or ""), keys, (float if slot == 0 else int), True
    if (e := by_types.expression(m)) is not None:
        keys = {k.rpartition(".")[2]: k for k in e[1]}
        return str(wf.value(m, e[0]) or ""), keys, lambda r: by_types.expression_output(m, slot, r), False
    return None


def _info_side(wf: Workflow, src: CNode, slot: int, pic: tuple[str, int]) -> tuple[str, int] | None:
    """('loaded' / 'source', 0 width / 1 height) where output ``slot`` of ``src`` is a Video Info value of the
    video loader whose frames are ``pic`` (its 'video_info' wired from it): its frames' or its file's size."""
    if src.links.get("video_info", ("",))[0] != pic[0]:
        return None
    from .. import catalogue  # (the pack's declared output names)
    t = catalogue.node_type(src.origin or src.cls)
    if t is None or not t.outputs or not 0 <= slot < len(t.outputs):
        return None
    name = plain_name(t.outputs[slot].name)
    side, _, what = name.partition("_") if name.startswith(("source_", "loaded_")) else (
        "loaded" if "loaded" in plain_name(src.cls) else "source" if "source" in plain_name(src.cls) else "", "", name)
    return (side, ("width", "height").index(what)) if side and what in ("width", "height") else None


def _given(wf: Workflow, m: CNode, key: str, pic: tuple[str, int]) -> tuple[str, Any] | None:
    """What input ``key`` of math node ``m`` is: ('loaded', axis) a side of the picture output ``pic`` gives
    (measured of it, or its loader's frames'), ('source', axis) its loader's file's, ('constant', value); None else."""
    if key not in m.links:
        v = wf.value(m, key)
        return ("constant", v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    src, slot = wf.source(m, key), m.links[key][1]
    if src is None:
        return None
    if src.cls == "GetImageSize" and slot in (0, 1) and src.links.get("image") == pic:  # (that very output)
        return "loaded", slot
    at = measured.axis(src, slot)
    if at is not None and src.links.get(measured.image_input(src) or "") == pic:
        return "loaded", at
    if (info := _info_side(wf, src, slot, pic)) is not None:
        return info
    v = wf.value(m, key)
    return ("constant", v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def _side_rule(wf: Workflow, n: CNode, key: str, pic: tuple[str, int]) -> tuple | None:
    """(expression, names -> what each is given, result -> output, ComfyUI's own) of resize ``n``'s side ``key``."""
    m = wf.source(n, key)
    e = _expression(wf, m, n.links[key][1]) if m is not None else None
    if e is None or not e[1]:
        return None
    given = {name: _given(wf, m, k, pic) for name, k in e[1].items()}
    return None if any(g is None for g in given.values()) else (e[0], given, e[2], e[3], m)


def _value(rule: tuple, size: tuple[int, int], file: tuple[int, int]) -> int | None:
    """The side a rule gives for a picture of ``size`` loaded from a file of ``file``; None where not a whole number
    of pixels (1 to MAX_SIDE)."""
    expr, given, out, comfy, _ = rule
    names = {k: (size if g[0] == "loaded" else file)[g[1]] if g[0] != "constant" else g[1] for k, g in given.items()}
    r = evaluate(expr, names, comfy=comfy)
    if r is None or isinstance(r, bool) or not math.isfinite(r):
        return None
    try:
        v = out(r)
    except (OverflowError, ValueError, TypeError):
        return None
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v == int(v) and 1 <= v <= MAX_SIDE \
        else None


def _known(rules: list, size: tuple[int, int]) -> tuple[int | None, int | None]:
    return _value(rules[0], size, size), _value(rules[1], size, size)


def _candidates(consts: list[float]):
    """Scale's settings tried: by a factor (1 or a constant), within / over a square of a constant's side; each with
    every multiple and rounding."""
    fits = [{"width": 0, "height": 0, "scale": float(s)} for s in dict.fromkeys([1.0, *consts]) if 0.01 <= s <= 8]
    fits += [{"width": int(c), "height": int(c), "fit": f} for c in dict.fromkeys(consts)
             if c == int(c) and 1 <= c <= MAX_SIDE for f in ("within", "cover")]
    return [{**f, "multiple": k, "rounding": how} for f in fits for k in MULTIPLES for how in ROUNDINGS]


def rule(wf: Workflow, n: CNode, keys: tuple[str, str], image: str) -> tuple[dict, list[CNode], tuple | None] | None:
    """_rule's answer, worked out once a workflow and resize (a resize is asked of on every way it is on)."""
    done = wf.__dict__.setdefault("math_sizes", {})
    if (n.id, keys, image) not in done:
        done[(n.id, keys, image)] = _rule(wf, n, keys, image)
    return done[(n.id, keys, image)]


def _rule(wf: Workflow, n: CNode, keys: tuple[str, str], image: str) -> tuple[dict, list[CNode], tuple | None] | None:
    """(Scale's settings giving resize ``n`` the width and height its ``keys`` are given, the math nodes, None) where
    each is a math node's rule of the picture on ``image`` (and constants) and one of Scale's rules gives the same size
    for every size tried; where the rule is of a video loader's file's own size and Studio's Scale after its Load Video
    (reading.loader_size) changes that size first (heldout110 01: its sides rounded to 32), the rule giving the same
    size of the file's own frames, applied to the frames Load Video gives, with (a file size, ComfyUI's size, Scale's)
    where they differ, the nearest such file size to 1920x1080 (said: resizes.math_said); None else."""
    pic = wf.source(n, image)
    if pic is None or any(k not in n.links for k in keys):
        return None
    rules = [_side_rule(wf, n, k, n.links[image]) for k in keys]
    if any(r is None for r in rules):
        return None
    sources = {g[0] for r in rules for g in r[1].values()} - {"constant"}
    if not sources:  # (constants alone: the value is worked out as it is, Workflow.output)
        return None
    load = loader_size.params(wf, pic) if "source" in sources else {}
    if load is None or any(k in load for k in ("fit", "like")) or (load and (load.get("width") or load.get("height"))):
        return None  # (a loader's frames at a size Studio cannot tell from its file's: no relation kept)
    if load and sources != {"source"}:  # (its frames' size and its file's together: not read)
        return None
    wanted = [(_value(rules[0], size, size), _value(rules[1], size, size), size) for size in
              ((w, h) for w in SIDES for h in SIDES)]  # (ComfyUI's size for each file size)
    if any(w is None or h is None for w, h, _ in wanted):
        return None
    consts = [g[1] for r in rules for g in r[1].values() if g[0] == "constant" and g[1] > 0]
    for p in _candidates(consts):
        p = {**p, "fit": p.get("fit", "exact")}
        if all(_scaled(size[0], size[1], p) == (w, h) for w, h, size in wanted):
            if not load:
                return p, [r[4] for r in rules], None
            off = [(size, (w, h), got) for w, h, size in [(*_known(rules, size), size) for size in COMMON] + wanted
                   if (got := _scaled(*_scaled(*size, load), p)) != (w, h)]
            return p, [r[4] for r in rules], (off[0] if off else None)
    return None
