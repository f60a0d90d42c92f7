"""A mask a node makes from pictures, with a model of its own (a grounding model's mask of what it finds, a matting
model's) or not (a stabiliser's mask of the borders it pads), on the way to a generator's mask input: told by its
declared types (a picture in, no mask in, its MASK output read there), and not one of the mask steps Studio makes. Walking through it to
the file would make the pictures the mask; the input is left for a node Studio does not convert instead. Plain data
and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .roles import in_type, out_types

PLAIN = frozenset({"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", ""})


def model_mask(wf: Workflow, node: CNode, via: list[CNode], steps: list[CNode]) -> tuple[CNode, str | None] | None:
    """(the node of ``via`` giving a mask it makes from pictures with a model, its model input's name - None where it
    has no model: a stabiliser's mask of the borders it pads, heldout22 07 -) on the way from ``node``; None where none
    is (``steps``: the mask steps Studio makes)."""
    ids, made = {n.id for n in via}, {n.id for n in steps}
    for reader in [node, *via]:
        for k, (src, _slot) in reader.links.items():
            if in_type(reader, k) != "MASK":
                continue
            seen: set[str] = set()
            while src not in ids and src not in seen and (v := wf.nodes.get(src)) is not None:  # a mask step the
                seen.add(src)  # walk passed over (a resize of a picture and its mask): its mask in goes on
                src = next((s for x, (s, _) in v.links.items() if in_type(v, x) == "MASK"), src)
            if src not in ids or src in made:
                continue
            v = wf.nodes[src]
            ins = {x: in_type(v, x) for x in v.links}
            model = next((x for x, t in ins.items() if t not in PLAIN), None)
            outs = out_types(wf, v)  # (as the file says, else as what it feeds reads them)
            if set(ins.values()) & {"IMAGE", "VIDEO"} and "MASK" not in ins.values() and (
                    model is not None or {"IMAGE", "MASK"} <= outs):  # no model: pictures out beside the mask (a
                return v, model  # stabiliser's padding; not ImageToMask's channel, the pictures' own mask)
    return None
