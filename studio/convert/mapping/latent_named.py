"""A latent's inputs named in a sentence as the workflow's node has them: where a node pack's translation made the
latent (a core task node) from a pack node's own settings, that node and its input names (its ports: the
WanVideoAnimateEmbeds' 'num_frames' for the core 'length', packs/measures_carried; HyVideoSampler's width and height
for the HunyuanImageToVideo made beside its encode), else the latent and the core names. Read by the sentences of a
size or length not worked out when converting (folded_sizes, sized_like). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode


def whose(latent: CNode, names) -> str:
    """"'node' (type, #id)'s a and b": the latent's inputs ``names`` as its workflow's node has them, where a node
    pack's translation made the latent from that node's own settings (ports: its 'num_frames' for the core 'length',
    packs/measures_carried; the sampler's width and height for a task node made beside it), else the latent's."""
    at = [latent.ports.get(n) for n in names]
    owners = {id(a[0]) for a in at if isinstance(a, tuple)}
    if len(owners) == 1 and all(isinstance(a, tuple) for a in at):
        return f"{CNode.named(at[0][0])}'s {' and '.join(a[1] for a in at)}"
    return f"{CNode.named(latent)}'s {' and '.join(names)}"
