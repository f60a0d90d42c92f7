"""A job's memory estimated from its graph before it is queued, whatever its nodes: the workflow is
converted into Studio's graph first, and the engine foresees each node's clips from the sizes the
graph sets (studio.engine.held: a generator's width, height and frames, a resize's size, an upscale's
scale, a source's batch), each held whole as RGB float32, as ComfyUI holds an IMAGE batch. A node
whose clip would not fit in the memory this machine has free is a 400 naming the prompt's node that
made it so (not every node downstream that only carries it; the empty latent whose width, height and
length a KSampler's clip has) and the input to lower, instead of a job that grows the server
until the system kills it (an EmptyImage of 4096x4096x2000 is 375 GB). Studio streams some clips and
would hold less; ComfyUI would hold this much, and a client is told what ComfyUI would need."""
from __future__ import annotations

MESSAGE = "The images this node makes do not fit in the memory this machine has free"


def refused(plan, origin: dict, prompt: dict, available: int, base_dir: str | None = None) -> dict:
    """ComfyUI's ``node_errors`` of each prompt node whose node of ``plan`` (the prompt's converted graph;
    ``origin``: its node id -> the prompt's) would hold more than ``available`` bytes; {} when all fit.
    The node named is the prompt's that set the size (setter): a KSampler's size is its empty latent's."""
    from studio.engine.held import estimates
    found = estimates(plan, base_dir)
    over = {n.id: (nbytes, how, size) for n, nbytes, how, size in found if nbytes > available}
    if not over:
        return {}
    ups = {st.node.id: {link[0] for link in st.inputs.values() if link is not None} for st in plan.steps}
    node_errors: dict = {}
    for nid, (nbytes, how, size) in over.items():
        if ups.get(nid, set()) & set(over):
            continue  # it carries a clip already too large upstream: the node that made it is named
        cid = origin.get(nid, "") or next(iter(prompt), "")
        cid = setter(prompt, cid, size)
        e = {"type": "job_too_large", "message": MESSAGE, "extra_info": _input(prompt.get(cid, {}), size, available),
             "details": f"{how}: about {_gb(nbytes)} (free: {_gb(available)}); make fewer frames or smaller ones"}
        entry = node_errors.setdefault(cid, {"errors": [], "dependent_outputs": [],
                                             "class_type": prompt.get(cid, {}).get("class_type", "")})
        entry["errors"].append(e)
    return node_errors


FRAMES = ("length", "batch_size", "frames", "num_frames", "video_frames")  # a frame count's input, by node


def _literal(node: dict, name: str):
    v = (node.get("inputs") or {}).get(name)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def setter(prompt: dict, cid: str, size: dict) -> str:
    """The prompt's node whose own width and height are the clip's (``size``): ``cid`` itself, else the
    nearest up its links (a KSampler's empty latent: ComfyUI's users look there for the size); ``cid``
    when none is found."""
    seen, todo = {cid}, [cid]
    while todo:
        nid = todo.pop(0)
        node = prompt.get(nid) or {}
        if _literal(node, "width") == size.get("width") and _literal(node, "height") == size.get("height"):
            return nid
        for v in (node.get("inputs") or {}).values():
            if isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and v[0] in prompt and v[0] not in seen:
                seen.add(v[0])
                todo.append(v[0])
    return cid


def _input(node: dict, size: dict, available: int) -> dict:
    """ComfyUI's ``extra_info`` naming the input to lower: the frame count where one frame would fit,
    else the width (or height, the larger); {} when the node has neither as a value."""
    from studio.engine.held import clip_bytes
    frames = next((n for n in FRAMES if _literal(node, n) is not None), None)
    if frames is not None and int(size.get("frames") or 1) > 1 and (clip_bytes({**size, "frames": 1}) or 0) <= available:
        name = frames
    else:
        name = "height" if (_literal(node, "height") or 0) > (_literal(node, "width") or 0) else "width"
        if _literal(node, name) is None:
            return {}
    return {"input_name": name, "received_value": _literal(node, name)}


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"
