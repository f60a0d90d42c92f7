"""A slider's value told by its declared types (mxToolkit's mxSlider and mxSlider2D): no socket, one output for each
flag widget named 'isfloat<S>', and for each an INT and a FLOAT widget named for the same S ('Xi', 'Xf'); the flag
chooses which one the output gives: the FLOAT where it is above 0, else the INT. Read without running it."""
from __future__ import annotations

import math
from typing import Any

from .. import catalogue

FLAG = "isfloat"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _layout(t) -> list[tuple[str, str, str]] | None:
    """Per output (the flag, the INT widget, the FLOAT widget), where ``t`` declares a slider; else None."""
    if t is None or t.inputs is None or t.sockets or not t.outputs:
        return None
    flags = [w.name for w in t.widgets if w.name.lower().startswith(FLAG)]
    if len(flags) != len(t.outputs) or len(t.widgets) != 3 * len(flags):
        return None
    out = []
    for f in flags:
        s = f[len(FLAG):]
        ints = [w.name for w in t.widgets if w.type == "INT" and w.name not in flags and w.name.startswith(s)]
        floats = [w.name for w in t.widgets if w.type == "FLOAT" and w.name.startswith(s)]
        if not s or len(ints) != 1 or len(floats) != 1:
            return None
        out.append((f, ints[0], floats[0]))
    return out


def slider_value(n, slot: int) -> Any:
    """The value a slider gives on ``slot``; None for another node, a setting of it wired (not known when converting),
    or a value not a number."""
    layout = _layout(catalogue.node_type(n.origin or n.cls))
    if layout is None or not 0 <= slot < len(layout) or any(k in n.links for k in layout[slot]):
        return None
    flag, low, high = (n.widgets.get(k) for k in layout[slot])
    if not _number(flag):
        return None
    v = high if flag > 0 else low
    if not _number(v):
        return None
    return float(v) if flag > 0 else (int(v) if float(v).is_integer() else None)
