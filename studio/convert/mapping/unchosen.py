"""A switch whose choice Studio cannot work out, giving plain values (heldout27 02, 03: Crystools' 'Switch any' picking
832 or 480 for WanImageToVideo's width by a Boolean worked out from the picture's size when the workflow runs): not
a node passing what it is given on 'as it is' (it gives one of its sockets, chosen by a setting wired to what Studio
cannot work out), so its readers' inputs are said not read, as any value Studio cannot work out. Told by declared
types: two or more sockets of any type wired, a flag or number setting wired and not worked out, every reader's input
a plain value. Plain stdlib."""
from __future__ import annotations

from .. import catalogue

VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN")
CHOOSERS = ("BOOLEAN", "INT")


def _input_type(reader, name: str) -> str | None:
    t = catalogue.node_type(reader.origin or reader.cls)
    if t is None or t.inputs is None:
        return reader.in_types.get(name)
    return next((i.type for i in t.inputs if i.name == name), None)


def unchosen(wf, n, ins: dict[str, str], readers: list) -> bool:
    """Whether ``n`` chooses among its wired sockets of any type (``ins``: its sockets' types) by a setting Studio
    cannot work out, and gives plain values only (``readers``: (node, input, slot) read of it)."""
    if sum(1 for k, v in ins.items() if v == "*" and k in n.links) < 2 or not readers:
        return False
    t = catalogue.node_type(n.origin or n.cls)
    settings = {i.name: i.type for i in t.inputs if i.widget} if t is not None and t.inputs is not None else {}
    if not any(v in CHOOSERS and k in n.links and wf.value(n, k) is None for k, v in settings.items()):
        return False
    return all(_input_type(r, name) in VALUES for r, name, _ in readers)
