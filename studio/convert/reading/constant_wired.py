"""A node pack's constant whose one setting is wired (heldout25 04: KJNodes' INTConstant given its 'value' by a
SimpleMath+ halving 1024, read as 'a value Studio cannot work out' while Studio said the 512 it is given): it gives what
it is given. Told by its declared types: one input, by a constant's usual names (value, int, ...), of INT, FLOAT,
STRING or BOOLEAN, and one output of that same type (the catalogue's, else what its UI file saved). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from .primitives import CONSTANT_NAMES, CONSTANT_TYPES


def wired_input(n: Any) -> str | None:
    """The input a wired constant passes on; None for any other node (or one with a setting of its own too)."""
    if len(n.links) != 1 or n.widgets:
        return None
    (name,) = n.links
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        ins, outs = [(i.name, i.type) for i in t.inputs], list(t.output_types)
    else:
        ins, outs = list(n.in_types.items()), list(n.out_types)
    if len(ins) != 1 or len(outs) != 1 or ins[0][0] != name or name not in CONSTANT_NAMES:
        return None
    return name if ins[0][1] == outs[0] and outs[0] in CONSTANT_TYPES else None
