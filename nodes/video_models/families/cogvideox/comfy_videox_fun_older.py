"""CogVideoX-Fun's nodes under the older names of its first repository (aigc-apps/CogVideoX-Fun's comfyui/:
LoadCogVideoX_Fun_Model, CogVideoX_FUN_TextBox, CogVideoX_Fun_I2VSampler..., heldout46 13-14) read as the VideoX-Fun
nodes comfy_videox_fun.py reads, by what is declared of them (their type's declaration where the catalogue has one,
else what the UI file saves of them), not by their names: a sampler whose inputs (names and types), outputs and
number of saved values are those of one of VideoX-Fun's CogVideoX-Fun samplers, where exactly one fits, is read as
it; then the nodes giving such a sampler its model (a LoRA between) and its prompts, where they fit one of the
pack's loaders, LoRA nodes or text boxes alike. The model handle's type may differ in name (the older
'CogVideoXFUNSMODEL', VideoX-Fun's 'FunModels'): both a model. An API file saves no types: an undeclared node of it
is not read so. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, node_type

from .comfy_videox_fun import SAMPLERS, WIDGETS


def _kind(t: str) -> str:
    return "model" if "model" in t.lower() else t


def _fits(n: CNode, known: str) -> bool:
    """Whether ``n``'s inputs and outputs (as its type declares them, else as its UI file saves them) and its number
    of saved values are those of VideoX-Fun's node ``known``."""
    t, own = node_type(known), node_type(n.cls)
    if t is None or t.inputs is None or not isinstance(n.raw, list) or len(n.raw) != len(WIDGETS[known]):
        return False
    widgets = {i.name for i in t.widgets}
    if own is not None and own.inputs is not None:
        sockets, outs = {i.name: _kind(i.type) for i in own.sockets}, [_kind(x) for x in own.output_types]
    else:
        sockets = {k: _kind(v) for k, v in n.in_types.items() if k not in widgets}
        outs = [_kind(x) for x in n.out_types]
    return sockets == {i.name: _kind(i.type) for i in t.sockets} and outs == [_kind(x) for x in t.output_types]


def _read_as(n: CNode, names, said: dict) -> bool:
    """``n`` read as the one of ``names`` it fits (its type in the file kept as its origin); False where none or more
    than one fits."""
    if n.cls in WIDGETS or not (n.out_types or node_type(n.cls) is not None):
        return False
    fits = [k for k in names if _fits(n, k)]
    if len(fits) != 1:
        return False
    own, t = node_type(n.cls), node_type(fits[0])
    how = "its declared" if own is not None else "no catalogue declares it, and the"
    types = {*own.output_types, *(i.type for i in own.sockets)} if own is not None else \
        {*n.out_types, *n.in_types.values()}
    other = sorted(x for x in types if _kind(x) == "model" and x not in {*t.output_types, *(i.type for i in t.sockets)})
    named = f"; its model handle's type named '{other[0]}' there" if other else ""
    said.setdefault(n.cls, f"'{n.cls}' (#{n.id}) is read as VideoX-Fun's {fits[0]}: {how} inputs, outputs and number "
                           f"of values its file saves are that node's (an older CogVideoX-Fun name{named})")
    n.origin, n.cls = n.origin or n.cls, fits[0]
    return True


def read_older(wf: Workflow) -> list[str]:
    """The older-named samplers, and the loaders, LoRA nodes and text boxes feeding them, read as VideoX-Fun's, in
    place; a sentence for each type so read."""
    said: dict[str, str] = {}
    others = [k for k in WIDGETS if k not in SAMPLERS]
    for n in [x for x in wf.nodes.values() if _read_as(x, SAMPLERS, said)]:
        for port in ("prompt", "negative_prompt"):
            src = wf.source(n, port)
            if src is not None:
                _read_as(src, others, said)
        src, seen = wf.source(n, "cogvideoxfun_model"), set()
        while src is not None and src.id not in seen:  # the model's way: LoRA nodes, then its loader
            seen.add(src.id)
            _read_as(src, others, said)
            src = wf.source(src, "cogvideoxfun_model")
    return list(said.values())
