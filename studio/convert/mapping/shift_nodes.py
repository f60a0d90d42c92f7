"""The nodes a pipeline's shift was read from, in words for its note: a ModelSamplingSD3 by its type and id; a pack
sampler's own shift (a wrapper's flow_shift, Kandinsky 5's scheduler_scale), which the pack's translation made a core
ModelSamplingSD3 '<id>:shift' for, by the pack node's type and id. Plain stdlib."""
from __future__ import annotations

SUFFIX = ":shift"  # the id a pack's translation gives the core shift it makes for its node (packs.translation.core)
STAGE = "~"  # a pack sampler's later stage read as another sampler: '<id>~2' (packs.expert_samplers), the same node


def shift_nodes(nodes: list) -> str:
    """'ModelSamplingSD3, #12' / "HyVideoSampler's own, #90" (each node once); 'ModelSamplingSD3' where none is known."""
    out = []
    for n in nodes:
        pack = n.origin and n.origin != n.cls and SUFFIX in n.id
        words = f"{n.origin}'s own, #{n.id.rsplit(SUFFIX, 1)[0].split(STAGE, 1)[0]}" if pack else f"{n.shown_cls}, #{n.id}"
        if words not in out:
            out.append(words)
    return "; ".join(out) or "ModelSamplingSD3"
