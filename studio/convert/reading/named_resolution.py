"""The width and height a resolution picker gives from a video resolution named by its lines ('2160p') and a ratio
'W:H' (mickmumpitz's 'ResolutionPicker': resolution '2160p', aspect_ratio '16:9' -> 3840 x 2160; the proxy's ggvfx
Upscale4K workflow scales a clip to that size by RTX Video Super Resolution, and its size was said "cannot work out",
the whole clip left unmade).

Told by the settings' names: 'resolution' and 'aspect_ratio', the outputs width and height. A video resolution's
lines are its short side ('2160p' 16:9: 3840 x 2160; '9:16': 2160 x 3840; '1:1': 2160 x 2160), the long side the
lines times the ratio. A pack may round a preset's sides to its model's multiple (the same pack's LTX picker gives
'720p' as 1280 x 736, its multiple 32): a size is worked out only where both sides come out whole multiples of the
step the node declares for its own size settings (custom_width / custom_height, else width / height), a step it must
declare (no rounding rule is guessed); 'Custom' gives those settings themselves. Any other choice (a preset named
otherwise, '1024p square', an 'original' ratio): not worked out. Plain stdlib and the catalogue's declared steps."""
from __future__ import annotations

import re
from typing import Any, Callable

SETTINGS = ("resolution", "aspect_ratio")
LINES = re.compile(r"\s*(\d{3,4})p\s*")  # '2160p'
RATIO = re.compile(r"\s*(\d{1,3})\s*:\s*(\d{1,3})(?:\s.*)?")  # '16:9', '9:16 (Vertical)', '1:1 (Square)'
OWN = (("custom_width", "custom_height"), ("width", "height"))  # the node's own size settings


def _step(n: Any, names: tuple[str, str]) -> int | None:
    """The step ``n``'s type declares for both of its size settings ``names`` (the same for both), else None."""
    from .. import catalogue
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None:
        return None
    steps = {getattr(t.input(k), "step", None) if t.input(k) is not None else None for k in names}
    step = steps.pop() if len(steps) == 1 else None
    return int(step) if isinstance(step, (int, float)) and not isinstance(step, bool) and step >= 1 \
        and float(step).is_integer() else None


def named_resolution(n: Any, slot: int, value: Callable[[str], Any], names: list[str]) -> int | None:
    """The width (or height) output ``slot`` of ``n`` gives (its name in ``names``); None where not worked out."""
    if not 0 <= slot < len(names) or names[slot] not in ("width", "height"):
        return None
    have = set(n.widgets) | set(n.links)
    own = next((o for o in OWN if set(o) <= have), None)
    if not set(SETTINGS) <= have or own is None:
        return None
    lines, ratio = (value(k) for k in SETTINGS)
    if isinstance(lines, str) and lines.strip().lower() == "custom":
        v = value(own[0] if names[slot] == "width" else own[1])
        return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 16384 else None
    found, shape = (LINES.fullmatch(lines) if isinstance(lines, str) else None,
                    RATIO.fullmatch(ratio) if isinstance(ratio, str) else None)
    step = _step(n, own)
    if found is None or shape is None or step is None:
        return None
    short, w, h = int(found.group(1)), int(shape.group(1)), int(shape.group(2))
    if not (w > 0 and h > 0):
        return None
    width, height = (short * w / h, short) if w >= h else (short, short * h / w)
    if any(abs(x - round(x)) > 1e-9 or round(x) % step or not 0 < x <= 16384 for x in (width, height)):
        return None  # (a side the pack rounds: its rule not guessed)
    return int(round(width if names[slot] == "width" else height))
