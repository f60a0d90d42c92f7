"""The width and height a node gives from an aspect ratio and a length, told by its settings' names (LayerStyle's
'ImageScaleByAspectRatio V2': aspect_ratio '16:9', scale_to_side 'longest', scale_to_length 1024, round_to_multiple
'64' -> 1024 x 576; heldout9 found an LTX-2.3 workflow's size said "cannot work out" from one): worked out only where
the ratio is given as 'W:H' and both sides come out whole multiples of the rounding (no rounding rule is guessed);
'original' and 'custom' ratios read the picture or other settings: not worked out. A preset's size given as 'WxH'
text in its one such setting (outputs named width and height, nothing wired in) is read too.

A width or a height and a ratio 'W:H' turned by a 'direction' (settings exactly 'width', 'height', 'aspect_ratio',
'direction': a Studio-nodes pack's 'AspectRatioImageSize', heldout31 12's 512 x 0, '1:1', 'Vertical' said "cannot
work out"): both sides given, they are the size; one given (the other 0), the other is it times the ratio (the ratio
turned where 'Vertical'), rounded to the nearest whole number, as that pack does (read for that fact, none copied);
none given: not worked out (the pack's own megapixel rule). Its outputs width then height, as the pack declares them
where the file names none (an API file). Plain stdlib."""
from __future__ import annotations

import re
from typing import Any, Callable

from .named_resolution import named_resolution

SETTINGS = ("aspect_ratio", "scale_to_side", "scale_to_length", "round_to_multiple")
DIRECTED = ("width", "height", "aspect_ratio", "direction")
SIZE_TEXT = re.compile(r"\s*(\d{2,5})\s*[x×X]\s*(\d{2,5})(\s.*)?")  # '1056x1408', '832 x 480 (16:9)'


def _size_text(n: Any, slot: int, out_names: list[str]) -> int | None:
    """A preset node's size given as 'WxH' text in its one such setting, nothing wired in (a Wan resolution preset's
    'resolution' '1056x1408': heldout20 11 said "cannot work out" of it): its width or height; else None."""
    if n.links:
        return None
    values = n.raw if isinstance(n.raw, list) and not n.widgets else list(n.widgets.values())
    sizes = [m for v in values if isinstance(v, str) and (m := SIZE_TEXT.fullmatch(v))]
    if len(sizes) != 1:
        return None
    w, h = int(sizes[0].group(1)), int(sizes[0].group(2))
    return (w if out_names[slot] == "width" else h) if 0 < w <= 16384 and 0 < h <= 16384 else None


def _directed(n: Any, slot: int, value: Callable[[str], Any], names: list[str]) -> int | None:
    """A size from one side, a ratio and a direction (see the module); None where not worked out."""
    names = names or ["width", "height"]  # (none saved: the pack's declared order)
    if not 0 <= slot < len(names) or names[slot] not in ("width", "height"):
        return None
    width, height, ratio, direction = (value(k) for k in DIRECTED)
    try:
        w, h = (float(x) for x in str(ratio).split(":", 1))
    except (TypeError, ValueError):
        return None
    if not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 16384 for x in (width, height)) or \
            not (w > 0 and h > 0) or direction not in ("Horizontal", "Vertical"):
        return None
    if direction == "Vertical":
        w, h = h, w
    if width and not height:
        height = int(round(width * h / w))
    elif height and not width:
        width = int(round(height * w / h))
    elif not width:
        return None
    return width if names[slot] == "width" else height


def aspect_size(n: Any, slot: int, value: Callable[[str], Any], out_names: list[str]) -> int | None:
    """The width (or height) output ``slot`` of ``n`` gives (its name 'width' / 'height' in ``out_names``); None."""
    if set(n.widgets) | set(n.links) == set(DIRECTED):
        return _directed(n, slot, value, out_names)
    if not 0 <= slot < len(out_names) or out_names[slot] not in ("width", "height"):
        return None
    if not all(k in n.widgets or k in n.links for k in SETTINGS):
        found = named_resolution(n, slot, value, out_names)  # ('2160p' and '16:9': named_resolution.py)
        return found if found is not None else _size_text(n, slot, out_names)
    ratio, side, length, multiple = (value(k) for k in SETTINGS)
    try:
        w, h = (float(x) for x in str(ratio).split(":", 1))
        length, multiple = int(length), int(multiple)
    except (TypeError, ValueError):
        return None
    if not (w > 0 and h > 0 and 0 < length <= 16384 and 0 < multiple <= 4096):
        return None
    wide = w >= h
    if side == "width" or side == "longest" and wide or side == "shortest" and not wide:
        width, height = length, length * h / w
    elif side in ("height", "longest", "shortest"):
        width, height = length * w / h, length
    else:
        return None
    if any(abs(x - round(x)) > 1e-9 or round(x) % multiple for x in (width, height)):
        return None  # (a side to round: LayerStyle's rule not guessed)
    return int(round(width if out_names[slot] == "width" else height))


def plain_name(name: Any) -> str:
    """A declared or saved name without case and the marks packs add to it ('source_fps🟨' -> 'source_fps')."""
    return re.sub(r"[^a-z0-9_]", "", str(name or "").lower())


def out_names(n: Any) -> list[str]:
    """The node's outputs' names: as its UI file saves them, else as its pack declares them."""
    if n.out_names:
        return list(n.out_names)
    from .. import catalogue
    t = catalogue.node_type(n.origin or n.cls)
    return [o.name or "" for o in t.outputs] if t is not None and t.outputs else []
