"""A slider's value told by its declared types (mxToolkit's mxSlider): no socket, one output, two number widgets,
an INT and a FLOAT, and a flag widget named for the float ('isfloatX') choosing which one it gives: the FLOAT where
the flag is set, else the INT. Read without running it."""
from __future__ import annotations

import math
from typing import Any

from .. import catalogue


def slider_value(n, slot: int) -> Any:
    """The value a slider gives on ``slot`` 0; None for another node, a flag not 0 or 1, or a value not a number."""
    t = catalogue.node_type(n.origin or n.cls)
    if slot != 0 or n.links or t is None or t.inputs is None or len(t.outputs or ()) != 1 or t.sockets:
        return None
    ints = [w.name for w in t.widgets if w.type == "INT" and not w.name.lower().startswith("isfloat")]
    floats = [w.name for w in t.widgets if w.type == "FLOAT"]
    flags = [w.name for w in t.widgets if w.name.lower().startswith("isfloat")]
    if len(t.widgets) != 3 or len(ints) != 1 or len(floats) != 1 or len(flags) != 1:
        return None
    flag = n.widgets.get(flags[0])
    if flag not in (0, 1) or isinstance(flag, float) and not flag.is_integer():
        return None
    v = n.widgets.get(floats[0] if flag else ints[0])
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
        return None
    return float(v) if flag else (int(v) if float(v).is_integer() else None)
