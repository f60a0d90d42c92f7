"""A comparison of two values, told by its declared types: two inputs 'a' and 'b', a pick 'comparison' saying
'a > b' (Easy-Use's 'easy compare', Crystools' 'Compare'; or 'cmp' saying 'a = b', 'a <> b': Impact Pack's
ImpactCompare, values5), one BOOLEAN out. Its value where both are numbers (or
both texts, for '==' / '!='): the comparison as written; None otherwise. Read without running it. Plain stdlib."""
from __future__ import annotations

import operator
import re
from typing import Any, Callable

from .. import catalogue

SAYS = re.compile(r"^\s*a\s*(==|!=|<>|<=|>=|=|<|>)\s*b\s*$")
OPS = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
       "=": operator.eq, "<>": operator.ne}  # (Impact Pack's ImpactCompare writes 'a = b', 'a <> b')
PICKS = ("comparison", "cmp")  # the pick naming the comparison


def _compares(n) -> bool:
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        ins, outs = {i.name for i in t.inputs}, list(t.output_types)
    else:
        ins, outs = set(n.in_types) | set(n.widgets) | set(n.links), list(n.out_types)
    return {"a", "b"} <= ins and bool(ins & set(PICKS)) and outs[:1] == ["BOOLEAN"]


def compared(n, slot: int, value: Callable[[str], Any]) -> bool | None:
    """The BOOLEAN such a node gives (see the module); None where it is not one or its value is not known."""
    if slot != 0 or not _compares(n):
        return None
    m = SAYS.match(str(next((v for k in PICKS if (v := value(k)) is not None), "")))
    a, b = value("a"), value("b")
    if m is None or a is None or b is None:
        return None
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
    if numbers or m.group(1) in ("==", "!=", "=", "<>") and all(isinstance(x, str) for x in (a, b)):
        return bool(OPS[m.group(1)](a, b))
    return None
