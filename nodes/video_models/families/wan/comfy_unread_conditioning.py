"""A Wan take whose sampler is given its prompts by another node than the task node it samples the latent of (a
user's canvas wiring a Fun Control sampler to the subgraph's plain prompts: heldout106 03). ComfyUI's Wan task nodes
(WanImageToVideo, WanFunControlToVideo, Wan22FunControlToVideo, WanCameraImageToVideo...) put the pictures they are
given on their conditioning (ComfyUI's nodes_wan.py: the start image, control clip or reference encoded into the
conditioning's concat latent, their latent output an empty one; read for meaning, nothing copied): a sampler that does
not read that conditioning samples without them. Said on the generator's note (the 'sampler_params' hook): Studio's
generator is given the pictures the task node is wired to. Told by the task node's declared outputs (a CONDITIONING
one) and inputs (IMAGE / VIDEO). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, node_type, in_type

PICTURES = ("IMAGE", "VIDEO")
MAX_NODES = 256


def _named(n) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def latent_task(wf, s):
    """The node the sampler's latent comes from, through the samplers before it (the take's earlier passes)."""
    n = wf.source(s, "latent_image")
    for _ in range(16):
        if n is None or n.cls not in SAMPLERS:
            return n
        n = wf.source(n, "latent_image")
    return None


def _reaches(wf, start, target) -> bool:
    """Whether ``target`` is upstream of ``start`` (or is it), through any input."""
    todo, seen = [start], set()
    while todo and len(seen) < MAX_NODES:
        n = todo.pop()
        if n is None or n.id in seen:
            continue
        if n.id == target.id:
            return True
        seen.add(n.id)
        todo.extend(wf.source(n, k) for k in n.links)
    return False


def said_unread(b, s, params, said) -> None:
    """The 'sampler_params' hook: the pictures a Wan task node rides on the conditioning its sampler does not read."""
    wf = b.wf
    task = latent_task(wf, s)
    t = node_type(task.shown_cls) if task is not None else None
    if t is None or not t.outputs or not any(getattr(o, "type", None) == "CONDITIONING" for o in t.outputs):
        return
    pictures = [k for k in task.links if in_type(task, k) in PICTURES]
    guide = wf.source(s, "guider") if s.cls == "SamplerCustomAdvanced" else s
    pos = wf.source(guide, "positive") if guide is not None else None
    if not pictures or pos is None or _reaches(wf, pos, task):
        return
    said.append(f"'{s.title or s.shown_cls}' (#{s.id}) is given its prompts by {_named(pos)}, not by the conditioning "
                f"of {_named(task)}, which carries the pictures it is given ({', '.join(repr(k) for k in pictures)}): "
                "in ComfyUI they do not reach the take; Studio's generator is given them where it reads them "
                "(disconnect them to make what ComfyUI makes)")
