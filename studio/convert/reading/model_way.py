"""The input a model comes into a node on, told by types where the node names no 'model' input: the one wired input
of type MODEL (as the file saves it, else as its pack declares it), else the one wired input whose source gives a
MODEL (its source's declared output type, else the one the UI file saves; through a node passing a model on the same
way). A VRAM setter or a pack's patch taking the model on an input of any type ('anything': heldout12's
ReservedVRAMSetter, PainterVRAM, in API files that save no types) is then on the model's way, and the loader behind it
is found. None where no single input carries a model. The same reading for a prompt's conditioning (carrier(...,
'CONDITIONING'): heldout14's UnloadModel, uncatalogued, taking the encoded prompt on 'value'). Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from .by_types import declared_outputs

DEPTH = 16  # nodes passing a model on, one behind the other, looked through


def _declared_in(n, name: str) -> str:
    """The type of ``n``'s input ``name``: the file's, else its pack's ('' unknown)."""
    kind = n.in_types.get(name)
    if kind:
        return kind
    t = catalogue.node_type(n.origin or n.cls)
    i = t.input(name) if t is not None and t.inputs is not None else None
    return i.type if i is not None and isinstance(i.type, str) else ""


def _gives(wf, src: str, slot: int, depth: int, kind_of: str = "MODEL") -> bool:
    """Whether output ``slot`` of node ``src`` gives a ``kind_of`` (a MODEL): declared so, else (declared of any type,
    or not at all) passing on the one it is given."""
    n = wf.nodes.get(src)
    if n is None or depth > DEPTH:
        return False
    outs = declared_outputs(n)
    kind = outs[slot] if 0 <= slot < len(outs) else ""
    if kind == kind_of:
        return True
    return kind in ("", "*") and _carrier(wf, n, depth + 1, kind_of) is not None


def _carrier(wf, n, depth: int, kind_of: str = "MODEL") -> str | None:
    typed = [k for k in n.links if _declared_in(n, k) == kind_of]
    if typed:
        return typed[0] if len(typed) == 1 else None
    fed = [k for k, (src, slot) in n.links.items()
           if _declared_in(n, k) in ("", "*") and _gives(wf, src, slot, depth, kind_of)]
    return fed[0] if len(fed) == 1 else None


def carrier(wf, n, kind_of: str) -> str | None:
    """The one input a ``kind_of`` (a MODEL, a CONDITIONING) comes into ``n`` on, told by types (see the module)."""
    return _carrier(wf, n, 0, kind_of)


def model_input(wf, n) -> str | None:
    """The input the model comes into ``n`` on: 'model', else told by types (see the module)."""
    if "model" in n.links:
        return "model"
    return _carrier(wf, n, 0)
