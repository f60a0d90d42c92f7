"""The values ComfyUI's value nodes give, read without running them: a node pack's constant told by its types
(KJNodes' INTConstant, a JWInteger, a text box), ResolutionSelector's width and height, and a ComfyMathExpression
evaluated by a small reader of arithmetic (never Python's eval). The flat workflow (workflow.py) asks them when a
value is followed through its links. Plain stdlib."""
from __future__ import annotations

import ast
import math
from functools import lru_cache
from typing import Any

from .subgraphs import SEED_CONTROLS


CONSTANT_TYPES = {"INT": int, "FLOAT": (int, float), "STRING": str, "BOOLEAN": bool}
CONSTANT_NAMES = ("value", "int", "float", "string", "text", "number", "boolean")


def constant(node: Any, slot: int) -> Any:
    """A node pack's constant, told by its types (a UI file's): nothing wired in, one output of a plain type and
    one setting of that type (KJNodes' INTConstant, a JWInteger, a text box), its value; else None."""
    if node.links or slot != 0:
        return None
    if not node.out_types and len(node.widgets) == 1:  # an API file's: its one setting, by a constant's usual names
        (k, v), = node.widgets.items()
        ok = k in CONSTANT_NAMES and isinstance(v, (int, float, str)) and not (isinstance(v, float) and not math.isfinite(v))
        return v if ok else None
    if len(node.out_types) != 1 or not isinstance(node.raw, list):
        return None
    kind = CONSTANT_TYPES.get(node.out_types[0])
    values = [v for v in node.raw if not (isinstance(v, str) and v in SEED_CONTROLS)]
    if kind is str and len(values) > 1 and all(isinstance(v, bool) for v in values[1:]) and isinstance(values[0], str) \
            and "\n" not in values[0]:  # a text box with flags (KJNodes' strip_newlines): on one line, the text
        values = values[:1]
    if kind is None or len(values) != 1:
        return None
    v = values[0]
    if v == "" and kind is str and getattr(node, "kept_text", ""):
        return None  # an empty setting beside a text its properties keep: what it gives is that state's (state_texts.py)
    if isinstance(v, str) and node.out_types[0] in ("INT", "FLOAT") and _declared_number(node):
        v = _number_text(v, node.out_types[0])  # a number saved as text in a number setting: ComfyUI casts it
    plain = isinstance(v, kind) and (kind is bool or not isinstance(v, bool))
    return v if plain and (not isinstance(v, float) or math.isfinite(v)) else None


def _declared_number(node: Any) -> bool:
    """Its one setting is declared a number of its output's type (the file's saved input type): a value saved as
    text there ('1', as comfyui-logic's Float was saved in aitrepreneur's LTX-2 workflow) runs as that number, as
    ComfyUI's server casts an INT or FLOAT input before the node runs (a STRING setting's text is not cast)."""
    declared = [t for k, t in node.in_types.items() if k in node.widgets]
    return len(declared) == 1 and declared[0] == node.out_types[0]


def _number_text(v: str, kind: str) -> Any:
    """The number a text holds, as ``kind`` ('INT': a whole number); None when it holds none (or no finite one)."""
    try:
        x = int(v.strip()) if kind == "INT" else float(v.strip())
    except (ValueError, OverflowError):
        return None
    return x if kind == "INT" or math.isfinite(x) else None


def resolution(aspect: Any, megapixels: Any, multiple: Any) -> tuple[int | None, int | None]:
    """ResolutionSelector's width and height: the aspect ('16:9 (Widescreen)') at ``megapixels`` (of 1024 x 1024
    pixels), each side rounded to the nearest ``multiple`` (8 where the file has none); (None, None) unread."""
    try:
        w, h = (float(x) for x in str(aspect).split(" ", 1)[0].split(":", 1))
        mp, k = float(megapixels), int(multiple if multiple is not None else 8)
    except (TypeError, ValueError):
        return None, None
    if not (w > 0 and h > 0 and 0 < mp <= 64 and 0 < k <= 4096):
        return None, None
    scale = math.sqrt(mp * 1024 * 1024 / (w * h))
    return int(round(w * scale / k) * k), int(round(h * scale / k) * k)


MAX_RESULT_BITS = 1024  # a whole number an expression may make (floats: Python's own range)


def _bounded(v):
    """``v`` when its size is within MAX_RESULT_BITS, else None (nothing bigger is ever made)."""
    return None if isinstance(v, int) and v.bit_length() > MAX_RESULT_BITS else v


def _power(a, b):
    """``a ** b`` with the exponent at most 8 and the result's size known before it is made: a
    whole number of more than MAX_RESULT_BITS bits is refused (nested powers grow the base)."""
    if abs(b) > 8:
        return None
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a.bit_length() * b > MAX_RESULT_BITS:
        return None
    r = a ** b
    return None if isinstance(r, complex) else r


def _whole(f):
    """``f`` of whole numbers only (a bitwise operation: ComfyUI raises on a float there), else None."""
    return lambda *xs: f(*xs) if all(isinstance(x, int) and not isinstance(x, bool) for x in xs) else None


def _shift(a, b):
    return a << b if 0 <= b <= 64 else None  # (a shift's size known before it is made)


# ComfyUI's ComfyMathExpression (comfy_extras/nodes_math.py, Comfy-Org/ComfyUI@56712e0c, read for facts): simpleeval's
# operators (its 1.0.8 DEFAULT_OPERATORS: the bitwise ones too) and the functions it names (sum, pow, sqrt, log...)
COMFY_OPS = {ast.BitAnd: _whole(lambda a, b: a & b), ast.BitOr: _whole(lambda a, b: a | b),
             ast.BitXor: _whole(lambda a, b: a ^ b), ast.LShift: _whole(_shift),
             ast.RShift: _whole(lambda a, b: a >> b if b >= 0 else None)}
COMFY_FUNCS = {"sqrt": math.sqrt, "pow": _power, "sum": lambda *xs: sum(xs), "log": math.log, "log2": math.log2,
               "log10": math.log10}


def evaluate(expr: str, names: dict[str, Any], comfy: bool = False) -> float | None:
    """A math node's expression's value, or None (anything beyond numbers, a b c..., arithmetic and
    floor/ceil/round/min/max/abs/int/float is refused); ``comfy``: ComfyUI's own ComfyMathExpression, which also takes
    bitwise operations of whole numbers (a & ~1) and sqrt, pow, sum, log, log2, log10 (COMFY_OPS, COMFY_FUNCS)."""
    funcs = {"floor": math.floor, "ceil": math.ceil, "round": round, "min": min, "max": max, "abs": abs,
             "int": int, "float": float, **(COMFY_FUNCS if comfy else {})}
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
           ast.Pow: _power, **(COMFY_OPS if comfy else {})}

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return n.value
        if isinstance(n, ast.Name):
            v = names.get(n.id)
            return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
            v = ev(n.operand)
            return None if v is None else (-v if isinstance(n.op, ast.USub) else v)
        if comfy and isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Invert):
            v = ev(n.operand)
            return ~v if isinstance(v, int) and not isinstance(v, bool) else None
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            a, b = ev(n.left), ev(n.right)
            try:
                return None if a is None or b is None else _bounded(ops[type(n.op)](a, b))
            except (ZeroDivisionError, OverflowError, ValueError, TypeError):
                return None
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in funcs and not n.keywords:
            args = [ev(a) for a in n.args]
            if not args or any(a is None for a in args):
                return None
            if n.func.id == "round" and len(args) > 1 and not (isinstance(args[1], int) and abs(args[1]) <= 400):
                return None  # round(x, -n) makes 10**n first: past 400 digits the answer is 0 or x anyway
            try:
                return _bounded(funcs[n.func.id](*args))
            except (OverflowError, ValueError, TypeError):  # floor(inf), int(nan), round(1.5, 2.5)
                return None
        return None
    if len(expr) > 200:
        return None
    tree = _parsed(expr)
    try:
        return ev(tree) if tree is not None else None
    except (ValueError, TypeError):
        return None


@lru_cache(maxsize=512)
def _parsed(expr: str) -> ast.Expression | None:
    """``expr`` parsed once (an expression tried over many values: counted_math, math_sizes); None where not Python."""
    try:
        return ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError):
        return None
