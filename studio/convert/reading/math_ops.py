"""A number operation told by its declared types: one pick (a COMBO) naming the operation, one or two number inputs
(INT, FLOAT, NUMBER or any), nothing else, and only number outputs (ComfyMath's CM_IntBinaryOperation,
CM_FloatBinaryOperation, CM_NumberBinaryOperation and their unary kin; Easy-Use's 'easy mathInt' / 'easy mathFloat';
WAS's 'Number Operation'; LayerStyle's 'LayerUtility: NumberCalculator'). Its value where the operation's name is one
below and its numbers are known: worked out as those packs' sources say (read for facts, none copied): a division of
two declared INTs is a floor division; an INT output takes a whole result (a fraction there: not worked out, packs
cut it differently), a FLOAT output the number. An unknown name, a division by zero, a result too large or not
finite: None (the value is said worked out when the workflow runs). Read without running it. Plain stdlib."""
from __future__ import annotations

import math
import operator
from typing import Any, Callable

from .. import catalogue
from .compare import compared

NUMBERS = ("INT", "FLOAT", "NUMBER", "*")
OUTS = ("INT", "FLOAT", "NUMBER")
BIG = 1e300  # a result beyond this is not worked out (a power run away)


def _pow(a, b):
    if abs(b) > 4096 or (isinstance(a, int) and isinstance(b, int) and abs(a) > 1 and abs(b) > 1000):
        raise OverflowError
    return a ** b


def _root(a, b):
    return a ** (1 / b)


# each name as a pack writes it, lowered, without spaces, '_' and '-'
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    **dict.fromkeys(("add", "addition", "+", "sum", "plus"), operator.add),
    **dict.fromkeys(("sub", "subtract", "subtraction", "-", "minus"), operator.sub),
    **dict.fromkeys(("mul", "multiply", "multiplication", "*", "times"), operator.mul),
    **dict.fromkeys(("div", "divide", "division", "/"), operator.truediv),
    **dict.fromkeys(("floordiv", "floordivide", "floordivision", "//"), operator.floordiv),
    **dict.fromkeys(("mod", "modulo", "modulus", "%"), operator.mod),
    **dict.fromkeys(("pow", "power", "exponentiation", "**", "^"), _pow),
    **dict.fromkeys(("min", "minimum"), min), **dict.fromkeys(("max", "maximum"), max),
    "nthroot": _root,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "abs": abs, "neg": operator.neg, "negate": operator.neg, "inc": lambda a: a + 1, "dec": lambda a: a - 1,
    "sqr": lambda a: a * a, "cube": lambda a: a * a * a, "sqrt": math.sqrt, "exp": math.exp, "ln": math.log,
    "log10": math.log10, "log2": math.log2, "sin": math.sin, "cos": math.cos, "tan": math.tan, "round": round,
    "floor": math.floor, "ceil": math.ceil, "trunc": math.trunc, "radians": math.radians, "degrees": math.degrees,
}


def _key(name: Any) -> str:
    return "".join(ch for ch in str(name).lower() if ch not in " _-")


def operation(n) -> tuple[str, list[str], list[str], list[str]] | None:
    """(its pick, its number inputs in declared order, their types, its outputs' types) for such a node; else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        ins, outs = [(i.name, i.type) for i in t.inputs], list(t.output_types)
    else:
        ins, outs = list(n.in_types.items()), list(n.out_types)
    picks = [k for k, ty in ins if ty == "COMBO"]
    nums = [(k, ty) for k, ty in ins if ty in NUMBERS]
    if len(picks) != 1 or not 1 <= len(nums) <= 2 or len(ins) != len(nums) + 1 or not outs:
        return None
    if not all(o in OUTS for o in outs):
        return None
    return picks[0], [k for k, _ in nums], [ty for _, ty in nums], outs


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def operated(n, slot: int, value: Callable[[str], Any]) -> Any:
    """The number such a node gives on output ``slot`` (see the module); None where it is not one or not known."""
    op = operation(n)
    if op is None or not 0 <= slot < len(op[3]):
        return None
    pick, names, types, outs = op
    key = _key(value(pick))
    fn = (BINARY if len(names) == 2 else UNARY).get(key)
    args = [value(k) for k in names]
    if fn is None or not all(_number(a) for a in args):
        return None
    if len(names) == 2 and fn is operator.truediv and all(ty == "INT" for ty in types):
        fn = operator.floordiv  # ComfyMath's and Easy-Use's integer 'Div' / 'divide': a // b
    try:
        r = fn(*args)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if not _number(r) or abs(r) > BIG:
        return None
    if outs[slot] == "FLOAT":
        return float(r)
    if outs[slot] == "INT":
        return int(r) if float(r).is_integer() else None
    return r


def compared_or_operated(n, slot: int, value: Callable[[str], Any]) -> Any:
    """A comparison's BOOLEAN (compare.py), else an operation's number; None where neither is known."""
    cmp = compared(n, slot, value)
    return cmp if cmp is not None else operated(n, slot, value)
