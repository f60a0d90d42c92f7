"""The nodes of a held task's output that Studio does not make (found by the fifteenth held-out set: a pack's step
before a held Video Combine or CreateVideo was said to send 'the pictures its input is given there instead', where
nothing is made there): the held save and, up its inputs, every node Studio read for the task but made nothing for
(a CreateVideo, the task's sampler), up to the nodes it made (the held loaders, the prompts). A step feeding one of
them is said not applied with nothing going there instead (mapping.passing's ``over``). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import Workflow


def unmade(wf: Workflow, saves: set[str], read: set[str], made: set[str]) -> set[str]:
    """The held ``saves`` and the nodes up their inputs in ``read`` (read by the conversion) with no Studio node made
    for them (``made``: the ComfyUI ids Studio's nodes were made for); each node looked at once (linear)."""
    out: set[str] = set()
    todo = [k for k in saves if k in wf.nodes and k not in made]
    while todo:
        k = todo.pop()
        if k in out:
            continue
        out.add(k)
        for src, _ in wf.nodes[k].links.values():
            if src in read and src not in made and src not in out and src in wf.nodes:
                todo.append(src)
    return out
