"""A node giving on one of several inputs of any type, each wired from the same output, read away as that link: which
one it gives does not matter (heldout52 08: the ergouzi pack's 'PromptSelect' switch, uncatalogued, given one text box
on both its inputs through bypassed translate / prompter nodes; the prompt was read as the stale text its encoder
saved, while passing said the switch passes what it is given on as it is). Told by the declared types (its pack's in
the catalogue, else the ones the UI file saves): every input of any type ('*'), no setting at all (nothing can make
it give anything but one of its inputs), one output of any type, two or more inputs wired, all from one node's one
output. A node of another shape (a setting beside, an input typed) is left to the switch and pass readings. Plain
stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..values import switches
from .pass_any import declared_types


def passed_input(n: Any) -> str | None:
    """The first wired input of ``n`` where all its wired inputs give the same output (see the module), else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if not n.enabled or t is not None and t.output_node or n.settings():
        return None
    ins, outs = declared_types(n)
    if outs != ["*"] or not ins or any(v != "*" for v in ins.values()):
        return None
    wired = [k for k in ins if k in n.links]
    if len(wired) < 2 or len({tuple(n.links[k]) for k in wired}) != 1 or set(n.links) - set(wired):
        return None
    return wired[0]


def read_away(nodes: dict[str, Any]) -> dict[str, int]:
    """Links from such nodes read as the one output all their inputs are given; those nodes removed; how many of
    each type."""
    return switches.passed_on(nodes, {k: name for k, n in nodes.items() if (name := passed_input(n)) is not None})
