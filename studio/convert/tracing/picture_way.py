"""The nodes a picture comes through to a node: its upstream along the inputs that carry pictures, clips, sound or
latents, not along those that give it a number (a bucket picker's width and height wired to a resize are not the way
its picture comes, and the picture that picker measures is not the resized one). Read by the inputs' declared types
(tracing.roles.in_type), never by a node's name. Found by the sixty-fifth held-out set: a FramePack end picture's
encode was said to encode both the start and the end picture, the bucket measured on the start picture sizing it."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .roles import in_type
from .walks import NUMBERS, taken_links


def picture_upstream(wf: Workflow, start: CNode) -> list[CNode]:
    """``start`` and the nodes upstream of it through its non-number inputs, ``start`` first."""
    seen, todo, out = {start.id}, [start], []
    while todo:
        n = todo.pop()
        out.append(n)
        for name, (src, _) in taken_links(wf, n).items():
            if in_type(n, name) in NUMBERS or src in seen or src not in wf.nodes:
                continue
            seen.add(src)
            todo.append(wf.nodes[src])
    return out
