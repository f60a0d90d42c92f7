"""A number operation named by its node type alone (issue 112, values5: heldout31 11 and 12, Wan 2.2 takes whose
length is SimpleMath+ of Basic-data-handling's 'IntMultiply' of an 'easy int', said 'a value Studio cannot work out'
and the generator's own length used). Such a node declares two numbers and nothing else ('int1', 'int2'; 'a', 'b');
what it does with them is said only by its type's name, so the name is read: its last word after 'Int', 'Integer',
'Float' or 'Number' ('IntMultiply', 'Float Add', 'Basic data handling: IntSubtract'). Add, subtract, multiply, min
and max give the same number in every pack; a division is worked out only where it comes out whole or the numbers are
FLOATs (packs divide whole numbers by // or by / and a cut). Nothing else on the node (a third number, a choice):
not this rule (math_ops reads an operation chosen by a pick). Its inputs: as the catalogue declares them, else as the
file names them (an API file's, or an uncatalogued pack's).

A size multiplied (JPS' 'Resolution Multiply (JPS)': 480 x 832 by 1, said 'a value Studio cannot work out'): three
whole numbers 'width', 'height' and 'factor', two whole numbers out, its name saying it multiplies: width x factor and
height x factor (the pack's source, read for that fact). Read without running it. Plain stdlib."""
from __future__ import annotations

import math
import operator
import re
from typing import Any, Callable

from .. import catalogue

NAMED = re.compile(r"(?:^|[\s:_])(Int|Integer|Float|Number)[\s_]?(Add|Sum|Subtract|Sub|Minus|Multiply|Mul|Times|Divide|Div|"
                   r"Min|Minimum|Max|Maximum)$")
OPS: dict[str, Callable[[Any, Any], Any]] = {
    **dict.fromkeys(("add", "sum"), operator.add), **dict.fromkeys(("subtract", "sub", "minus"), operator.sub),
    **dict.fromkeys(("multiply", "mul", "times"), operator.mul), **dict.fromkeys(("divide", "div"), operator.truediv),
    **dict.fromkeys(("min", "minimum"), min), **dict.fromkeys(("max", "maximum"), max)}
NUMBERS = ("INT", "FLOAT", "NUMBER")
BIG = 1e300


def _inputs(n) -> list[str] | None:
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None:
        if len(t.inputs) != 2 or any(i.type not in NUMBERS for i in t.inputs):
            return None
        return [i.name for i in t.inputs]
    names = list(dict.fromkeys([*n.widgets, *n.links]))
    return names if len(names) == 2 else None


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def named_value(n, slot: int, value: Callable[[str], Any]) -> Any:
    """The number such a node gives (output 0); None for another node, or where its numbers are not known."""
    m = NAMED.search(n.origin or n.cls)
    names = _inputs(n) if m is not None and slot == 0 else None
    if names is None:
        return None
    a, b = (value(k) for k in names)
    if not (_number(a) and _number(b)):
        return None
    kind, fn = m.group(1).lower(), OPS[m.group(2).lower()]
    whole = kind in ("int", "integer")
    if whole and not (isinstance(a, int) and isinstance(b, int)):
        return None  # (a fraction given to a whole-number node: the pack's cut decides)
    if fn is operator.truediv:
        if b == 0 or whole and a % b:
            return None
        r = a // b if whole else a / b
    else:
        r = fn(a, b)
    if not _number(r) or abs(r) > BIG:
        return None
    return int(r) if whole else r if kind == "number" else float(r)


SIZED = ("width", "height", "factor")


def multiplied_size(n, slot: int, value: Callable[[str], Any]) -> int | None:
    """Output ``slot`` (0: width, 1: height) of a size multiplied (see the module); None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or not 0 <= slot < 2 or t.output_types != ("INT", "INT"):
        return None
    if sorted(i.name for i in t.inputs) != sorted(SIZED) or any(i.type != "INT" for i in t.inputs) or \
            "multiply" not in f"{t.name} {t.display}".lower():
        return None
    side, factor = value(SIZED[slot]), value("factor")
    ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (side, factor))
    return side * factor if ok and 0 < side * factor <= 16384 else None
