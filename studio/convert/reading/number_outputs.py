"""A constant giving its one number as each number type, told by its declared types (WAS Suite's 'Constant Number':
settings number_type (a pick), number (FLOAT), number_as_text (an optional text); outputs NUMBER, FLOAT, INT;
heldout19 10 found SVD's fps 6 read as "a value Studio cannot work out"): nothing wired in, every output a number
type and more than one of them, one number setting beside picks and texts, a name saying it gives a value. The FLOAT
output is the number as a float, the INT output the number cut to a whole one (Python's int(), as the pack's own
code does: facts read from WASasquatch/was-node-suite-comfyui, WAS_Constant_Number), a NUMBER output the whole
number where a pick says 'integer', else the number. None where a text setting holds something (it would be read
in place of the number) or a pick makes a truth of the number ('bool'). Plain stdlib."""
from __future__ import annotations

import math
from typing import Any

from .. import catalogue
from .by_types import names_a_value

NUMBER_TYPES = ("NUMBER", "FLOAT", "INT")


def number_out(n: Any, slot: int) -> Any:
    """Output ``slot``'s value of such a node (see the module); None for another node, output or setting."""
    t = catalogue.node_type(n.origin or n.cls)
    if n.links or t is None or t.inputs is None or not names_a_value(t):
        return None
    outs = list(t.output_types)
    if len(outs) < 2 or any(o not in NUMBER_TYPES for o in outs) or not 0 <= slot < len(outs):
        return None
    numbers = [i for i in t.inputs if i.widget and i.type in ("INT", "FLOAT")]
    others = [i for i in t.inputs if i not in numbers]
    if len(numbers) != 1 or any(i.type not in ("COMBO", "STRING") for i in others):
        return None
    picks = [str(n.widgets.get(i.name, "")).lower() for i in others if i.type == "COMBO"]
    if any(n.widgets.get(i.name) not in (None, "") for i in others if i.type == "STRING") or \
            any("bool" in p for p in picks):
        return None
    v = n.widgets.get(numbers[0].name)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    kind = outs[slot]
    if kind == "INT" or kind == "NUMBER" and any(p in ("integer", "int") for p in picks):
        return int(v)
    return float(v) if kind == "FLOAT" else v
