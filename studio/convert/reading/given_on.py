"""The value a node gives on as it is given, told by its declared types: one passing anything on (pass_any: Easy-Use's
showAnything, a display that also gives its input out), and a converter of any value to the type one pick names
(one socket of any type, one pick among value type names - 'string', 'int', 'float', 'boolean' - and an output of any
type: Easy-Use's convertAnything). A loop's index shown and converted on its way to a line picker (promptLine) is the
pass's number there. None where the node is neither, or the value cannot be so converted. Plain stdlib."""
from __future__ import annotations

import math
from typing import Any, Callable

from .. import catalogue
from .pass_any import any_through

KINDS = ("string", "int", "float", "boolean")


def _converter(n) -> tuple[str, str] | None:
    """(its socket, its pick) of a converter to a value type, by its declared types; None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.output_types != ("*",) or len(t.sockets) != 1 or t.sockets[0].type != "*":
        return None
    picks = [i for i in t.widgets if i.type == "COMBO" and isinstance(i.options, tuple) and i.options
             and {str(o).lower() for o in i.options} <= set(KINDS)]
    return (t.sockets[0].name, picks[0].name) if len(picks) == 1 and len(t.widgets) == 1 else None


def _as(kind: str, v: Any) -> Any:
    if kind == "string":
        return v if isinstance(v, str) else None if isinstance(v, bool) or v is None else str(v)
    if kind == "boolean":
        return v if isinstance(v, bool) else None
    try:
        x = float(v) if not isinstance(v, bool) and isinstance(v, (int, float, str)) else None
    except ValueError:
        return None
    if x is None or not math.isfinite(x):
        return None
    return float(x) if kind == "float" else int(x) if x.is_integer() else None


def given_on(wf, n, slot: int, value: Callable[[str], Any]) -> Any:
    """What ``n`` gives on output ``slot`` where it gives on a value it is given (see the module), else None."""
    if (conv := _converter(n)) is not None:
        kind = value(conv[1])
        kind = kind if kind is not None else (n.raw[0] if isinstance(n.raw, list) and len(n.raw) == 1 else None)
        return _as(str(kind).lower(), value(conv[0])) if slot == 0 and str(kind).lower() in KINDS else None
    name = any_through(wf, n, slot)
    return value(name) if name is not None else None
