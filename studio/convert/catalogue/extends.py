"""One node type extending another by what both declare: the test a pack's twin or variant of a node Studio reads is
told by (packs/twins.py reads such a node before the packs' translations, reading/variants.py on a take's way)."""
from __future__ import annotations

from .types import NodeType

MEDIA = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO"})


def extends(t: NodeType, r: NodeType) -> bool:
    """``t`` declares every input of ``r`` (declares_inputs) and gives ``r``'s outputs first (all of them)."""
    return t.inputs is not None and t.output_types[:len(r.output_types)] == r.output_types and declares_inputs(t, r)


def declares_inputs(t: NodeType, r: NodeType) -> bool:
    """``t`` declares every input of ``r`` (its name, socket or widget, type; an optional one may be missing) and takes
    no picture, mask or sound where ``r`` takes none."""
    if t.inputs is None or r.inputs is None:
        return False
    if not any(i.type in MEDIA for i in r.sockets) and any(i.type in MEDIA for i in t.sockets if r.input(i.name) is None):
        return False  # it takes pictures, a mask or a sound where the read type takes none: not its twin
    for i in r.inputs:
        j = t.input(i.name)
        if j is None:
            if i.optional:
                continue
            return False
        if j.widget != i.widget or (j.type != i.type and not (i.widget and {i.type, j.type} & {"COMBO", "unknown"})):
            return False
    return True
