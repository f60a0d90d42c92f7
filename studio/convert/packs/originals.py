"""A pack translation's node type the catalogue does not hold (it read an older release of that pack: kijai's
WanVideoWrapper at 721cd65 has no WanVideoImageToVideoEncode), as a pack's copy of it declares it: ComfyUI-MultiGPU
copies the wrapper's nodes and adds its machine settings (a load_device input and output; data/made_types.json,
'declared', each copy's 'class' the node it copies). The original is the copy less what sets the machine, so a copy
(WanVideoImageToVideoEncodeMultiGPU) reads as the node the translation reads (packs/twins.py). Stdlib."""
from __future__ import annotations

from typing import Callable

from .. import catalogue
from .made_types import copy_of, made_type


def original(name: str, machine: Callable[[str, str], bool]) -> catalogue.NodeType | None:
    """Node type ``name`` as a copy declares it, its inputs and trailing outputs that set the machine (``machine``:
    a setting's name and type -> True) left out; None where no copy declares it."""
    copy = copy_of(name)
    t = made_type(copy) if copy else None
    if t is None or t.inputs is None or not t.outputs:
        return None
    outs = list(t.outputs)
    while len(outs) > 1 and machine(outs[-1].name or "", outs[-1].type):
        outs.pop()
    ins = tuple(i for i in t.inputs if not machine(i.name, i.type))
    pack = t.category.rsplit("/", 1)[-1] or t.pack  # (the copy's category names the copied pack:
    # multigpu/WanVideoWrapper)
    return catalogue.NodeType(name, pack, "", t.category, "", ins, tuple(outs))
