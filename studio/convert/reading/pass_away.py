"""Nodes that pass one input of any type on as it is, read away when the workflow is read: what reads one reads what
it is given, as ComfyUI runs it (heldout21 05: Easy-Use's 'easy cleanGpuUsed' between every stage of an all-in-one -
between the guider and the sampler, the latent and the sampler - hid the prompt, the guidance and the take's size).
Told by the types their pack declares (the catalogue): an output node (ComfyUI runs it for what it does: free
memory, show a value) with one input of any type ('*'), wired, flags beside it at most (a cleanup's 'offload_model'),
and one output of any type. A number, text or
pick beside it may choose what it gives (an 'index anything' node): never read away. What else such a node does when
it runs (memory freed) Studio plans itself. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..values import switches
from .pass_any import declared_types

FLAGS = ("BOOLEAN",)  # the only settings beside the input (a cleanup's switches): they choose nothing it gives


def passed_input(n: Any) -> str | None:
    """The one input node ``n`` passes on as it is (see the module), else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if not n.enabled or t is None or not t.output_node:  # (a muted node gives nothing; a bypassed one is read as
        return None  # ComfyUI bypasses it; a step in a loop's body, its types '*', is the loop's to read)
    ins, outs = declared_types(n)
    anys = [k for k, t in ins.items() if t == "*"]
    if outs != ["*"] or len(anys) != 1 or any(t not in FLAGS for k, t in ins.items() if k != anys[0]):
        return None
    return anys[0] if anys[0] in n.links else None


def read_away(nodes: dict[str, Any]) -> dict[str, int]:
    """Links from such nodes read as the input each passes on; those nodes removed; how many of each type. One that
    nothing reads is kept: it is an output of the workflow ComfyUI runs (a display showing its value), said there."""
    read = {src for n in nodes.values() for src, _ in n.links.values()}
    return switches.passed_on(nodes, {k: name for k, n in nodes.items()
                                      if k in read and (name := passed_input(n)) is not None})
