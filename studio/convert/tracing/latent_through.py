"""The input a node passes a sampler's latent on from, where it names it otherwise than ComfyUI's usual latent
inputs (tasks.LATENT_NAMES): its one input of type LATENT, as its pack declares it (the catalogue) or its UI file
saves it, on a node that gives a LATENT. FizzNodes' Batch Prompt Schedule (Latent Input) takes the empty latent on
'num_latents' and gives it back as 'INPUT_LATENTS' beside its keyframed prompts (heldout49 05: AnimateDiff's
512x768 x 30 latent was left unread behind it, the generator's own size and length made). Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode

LATENT = "LATENT"


def latent_input(n: CNode) -> str | None:
    """``n``'s one wired input of type LATENT when ``n`` gives a LATENT; None when it has none, several, or gives
    none (a node whose types are not known: its UI file's, else nothing)."""
    t = catalogue.node_type(n.origin or n.cls)
    kinds = {k: v for k, v in n.in_types.items() if v and v != "*"}  # the file's, where its pack's are not known
    kinds.update({i.name: i.type for i in t.inputs} if t is not None and t.inputs is not None else {})
    outs = list(t.output_types) if t is not None and t.outputs is not None else list(n.out_types)
    if LATENT not in outs:
        return None
    names = [k for k in n.links if kinds.get(k) == LATENT]
    return names[0] if len(names) == 1 else None
