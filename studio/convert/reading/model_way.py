"""The input a model comes into a node on, told by types where the node names no 'model' input: the one wired input
of type MODEL (as the file saves it, else as its pack declares it), else the one wired input whose source gives a
MODEL (its source's declared output type, else the one the UI file saves; through a node passing a model on the same
way). A VRAM setter or a pack's patch taking the model on an input of any type ('anything': heldout12's
ReservedVRAMSetter, PainterVRAM, in API files that save no types) is then on the model's way, and the loader behind it
is found. None where no single input carries a model. Plain stdlib."""
from __future__ import annotations

from .. import catalogue

DEPTH = 16  # nodes passing a model on, one behind the other, looked through


def _declared_in(n, name: str) -> str:
    """The type of ``n``'s input ``name``: the file's, else its pack's ('' unknown)."""
    kind = n.in_types.get(name)
    if kind:
        return kind
    t = catalogue.node_type(n.origin or n.cls)
    i = t.input(name) if t is not None and t.inputs is not None else None
    return i.type if i is not None and isinstance(i.type, str) else ""


def _gives(wf, src: str, slot: int, depth: int) -> bool:
    """Whether output ``slot`` of node ``src`` gives a MODEL: declared so, else (declared of any type, or not at all)
    passing on the one model it is given."""
    n = wf.nodes.get(src)
    if n is None or depth > DEPTH:
        return False
    t = catalogue.node_type(n.origin or n.cls)
    outs = list(t.output_types) if t is not None and t.outputs else list(n.out_types)
    kind = outs[slot] if 0 <= slot < len(outs) else ""
    if kind == "MODEL":
        return True
    return kind in ("", "*") and _carrier(wf, n, depth + 1) is not None


def _carrier(wf, n, depth: int) -> str | None:
    typed = [k for k in n.links if _declared_in(n, k) == "MODEL"]
    if typed:
        return typed[0] if len(typed) == 1 else None
    fed = [k for k, (src, slot) in n.links.items() if _declared_in(n, k) in ("", "*") and _gives(wf, src, slot, depth)]
    return fed[0] if len(fed) == 1 else None


def model_input(wf, n) -> str | None:
    """The input the model comes into ``n`` on: 'model', else told by types (see the module)."""
    if "model" in n.links:
        return "model"
    return _carrier(wf, n, 0)
