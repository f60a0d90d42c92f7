"""A number cast told by its declared types: one input, an INT or a FLOAT, and one output of the other kind
(ComfyMath's CM_IntToFloat and CM_FloatToInt, LTXVideo's LTXFloatToInt, an IntToFloat a UI file saved), its
category or name saying it converts. Its value is the input's, as the other kind: a FLOAT out the number, an INT
out the number where it is whole (packs round a fraction differently: unknown then). Read without running it."""
from __future__ import annotations

import math
import re
from typing import Any

from .. import catalogue

NUMBERS = ("INT", "FLOAT")
# 'conversion' (a category), 'IntToFloat' / 'int_to_float' / 'To Int' (a name): not 'PhotoInterpolation'
SAYS_CAST = re.compile(r"(?i:conver)|To(Int|Float|Number)|(?i:(?:^|[^a-z])to[ _]?(int|float|number)\b)")


def cast_input(n) -> str | None:
    """The input a number cast reads (its pack's declared types, else those its UI file saved); None for another."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        ins, outs, says = [(i.name, i.type) for i in t.inputs], list(t.output_types), f"{t.category} {t.name}"
    else:
        ins, outs, says = list(n.in_types.items()), list(n.out_types), n.origin or n.cls
    if len(ins) != 1 or len(outs) != 1 or ins[0][1] not in NUMBERS or outs[0] not in NUMBERS or ins[0][1] == outs[0]:
        return None
    return ins[0][0] if SAYS_CAST.search(says) else None


def cast_value(n, v: Any) -> Any:
    """What the cast gives for ``v`` (None where unknown: no number, a fraction cast to a whole number)."""
    t = catalogue.node_type(n.origin or n.cls)
    out = t.output_types[0] if t is not None and t.outputs else (n.out_types or [""])[0]
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
        return None
    if out == "FLOAT":
        return float(v)
    return int(v) if float(v).is_integer() else None
