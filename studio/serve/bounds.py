"""A job's memory estimated from its graph before it is queued, whatever its nodes: the workflow is
converted into Studio's graph first, and the engine foresees each node's clips from the sizes the
graph sets (studio.engine.held: a generator's width, height and frames, a resize's size, an upscale's
scale, a source's batch), each held whole as RGB float32, as ComfyUI holds an IMAGE batch. A node
whose clip would not fit in the memory this machine has free is a 400 naming the prompt's node that
made it so (not every node downstream that only carries it), instead of a job that grows the server
until the system kills it (an EmptyImage of 4096x4096x2000 is 375 GB). Studio streams some clips and
would hold less; ComfyUI would hold this much, and a client is told what ComfyUI would need."""
from __future__ import annotations

MESSAGE = "The images this node makes do not fit in the memory this machine has free"


def refused(plan, origin: dict, prompt: dict, available: int, base_dir: str | None = None) -> dict:
    """ComfyUI's ``node_errors`` of each prompt node whose node of ``plan`` (the prompt's converted graph;
    ``origin``: its node id -> the prompt's) would hold more than ``available`` bytes; {} when all fit."""
    from studio.engine.held import estimates
    found = estimates(plan, base_dir)
    over = {n.id: (nbytes, how) for n, nbytes, how in found if nbytes > available}
    if not over:
        return {}
    ups = {st.node.id: {link[0] for link in st.inputs.values() if link is not None} for st in plan.steps}
    node_errors: dict = {}
    for nid, (nbytes, how) in over.items():
        if ups.get(nid, set()) & set(over):
            continue  # it carries a clip already too large upstream: the node that made it is named
        cid = origin.get(nid, "") or next(iter(prompt), "")
        e = {"type": "job_too_large", "message": MESSAGE, "extra_info": {},
             "details": f"{how}: about {_gb(nbytes)} (free: {_gb(available)}); make fewer frames or smaller ones"}
        entry = node_errors.setdefault(cid, {"errors": [], "dependent_outputs": [],
                                             "class_type": prompt.get(cid, {}).get("class_type", "")})
        entry["errors"].append(e)
    return node_errors


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"
