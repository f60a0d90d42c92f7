"""The sampler whose take an encode's pictures come from (a pass on an earlier take, read by no rule of Studio's:
heldout16's SVD take upscaled, colour-matched and refined by AnimateDiff): found by the roles' types, not by names."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .roles import role
from .sampling import SAMPLERS
from .stills import one_picture
from .walks import taken_links

MAX_WALKED = 10_000
EARLIER = "video to video of the frames of the take"  # the held task's words (mapping.intent)


def earlier_sampler(wf: Workflow, encode: CNode) -> CNode | None:
    """The sampler nearest ``encode``'s 'pixels' on their way back (a decoded take's), or None (a file's, or a
    still a sampler makes: one picture)."""
    src = wf.source(encode, "pixels")
    seen, todo = set(), [src] if src is not None else []
    while todo and len(seen) < MAX_WALKED:
        n = todo.pop(0)
        if n.id in seen:
            continue
        seen.add(n.id)
        if n.enabled and (n.cls in SAMPLERS or role(wf, n) == "sampler"):
            return None if one_picture(wf, n) else n  # (a still a sampler makes: an image's, not a take's)
        todo += [wf.nodes[s] for s, _ in taken_links(wf, n).values() if s in wf.nodes and s not in seen]
    return None
