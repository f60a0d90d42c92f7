"""A mask a node makes from pictures with a model of its own (a grounding model's mask of what it finds, a matting
model's) on the way to a generator's mask input: told by its declared types (a picture in, a model or a pack's own
object in, no mask in, its MASK output read there), and not one of the mask steps Studio makes. Walking through it to
the file would make the pictures the mask; the input is left for a node Studio does not convert instead. Plain data
and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .roles import in_type

PLAIN = frozenset({"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", ""})


def model_mask(wf: Workflow, node: CNode, via: list[CNode], steps: list[CNode]) -> tuple[CNode, str] | None:
    """(the node of ``via`` giving a mask it makes from pictures with a model, its model input's name) on the way from
    ``node``; None where none is (``steps``: the mask steps Studio makes)."""
    ids, made = {n.id for n in via}, {n.id for n in steps}
    for reader in [node, *via]:
        for k, (src, _slot) in reader.links.items():
            if src not in ids or src in made or in_type(reader, k) != "MASK":
                continue
            v = wf.nodes[src]
            ins = {x: in_type(v, x) for x in v.links}
            model = next((x for x, t in ins.items() if t not in PLAIN), None)
            if model is not None and set(ins.values()) & {"IMAGE", "VIDEO"} and "MASK" not in ins.values():
                return v, model
    return None
