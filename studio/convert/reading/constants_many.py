"""A pack's node of several constants, told by the types its UI file saves (AID's MultiFloatNode: seven FLOAT
outputs and seven saved values, a 'console' of a workflow's numbers): nothing wired in, two or more outputs each a
plain value type, and as many saved values, each of its output's type in order: output ``slot`` gives value
``slot``. A node whose saved values do not line up with its outputs so (a count or a type apart) is not read, nor
one whose settings include a choice from a list (a COMBO as its type is declared, else as its UI file saves it): a
name picked (a style of a CSV file, a file) is what it looks up, not what it gives out (heldout76 08/09: 'Load
Styles CSV' gave its CSV file's name as the negative prompt). Plain stdlib."""
from __future__ import annotations

import math
from typing import Any

from .. import catalogue
from .primitives import CONSTANT_TYPES
from .subgraphs import SEED_CONTROLS


def _plain(v: Any, kind: str) -> bool:
    want = CONSTANT_TYPES[kind]
    if isinstance(v, bool):
        return kind == "BOOLEAN"
    return isinstance(v, want) and kind != "BOOLEAN" and not (isinstance(v, float) and not math.isfinite(v))


def _chooses(node: Any) -> bool:
    """Whether a setting of ``node`` is a choice from a list: a COMBO input as its type declares it, else as its UI
    file saves its inputs' types."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is not None and t.inputs is not None:
        return any(i.widget and i.type == "COMBO" for i in t.inputs)
    return any(k in node.widgets and v == "COMBO" for k, v in node.in_types.items())


def many_constant(node: Any, slot: int) -> Any:
    """The value of output ``slot`` of such a node (see the module); None for another node or slot."""
    outs = list(node.out_types)
    if node.links or len(outs) < 2 or not isinstance(node.raw, list) or not 0 <= slot < len(outs) \
            or any(k not in CONSTANT_TYPES for k in outs):
        return None
    values = [v for v in node.raw if not (isinstance(v, str) and v in SEED_CONTROLS)]
    if _chooses(node):
        return None
    if len(values) != len(outs) or not all(_plain(v, k) for v, k in zip(values, outs)):
        return None
    return values[slot]
