"""The nodes of a held task's output that Studio does not make (found by the fifteenth held-out set: a pack's step
before a held Video Combine or CreateVideo was said to send 'the pictures its input is given there instead', where
nothing is made there): the held save and, up its inputs, every node Studio read for the task but made nothing for
(a CreateVideo, the task's sampler), up to the nodes it made (the held loaders, the prompts). A step feeding one of
them is said not applied with nothing going there instead (mapping.passing's ``over``). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import Workflow


def _up(wf: Workflow, start: set[str], keep) -> set[str]:
    """The nodes up the inputs of ``start`` (``start`` too) that ``keep`` lets in; each looked at once (linear)."""
    out: set[str] = set()
    todo = [k for k in start if k in wf.nodes and keep(k)]
    while todo:
        k = todo.pop()
        if k in out:
            continue
        out.add(k)
        todo += [src for src, _ in wf.nodes[k].links.values() if src in wf.nodes and src not in out and keep(src)]
    return out


def unmade(wf: Workflow, saves: set[str], read: set[str], made: set[str]) -> set[str]:
    """The held ``saves`` and the nodes up their inputs in ``read`` (read by the conversion) with no Studio node made
    for them (``made``: the ComfyUI ids Studio's nodes were made for), but any node feeding what Studio made (a
    prompt a made generator reads, shared with the held output: what it is given is read there)."""
    feeding = _up(wf, made, lambda k: True)
    # walked through a node not read too (heldout31 06: a pack's keyframe node Studio does not know, between the held
    # sampler's latent and the switch and image-to-video latent it read beyond it): only the read ones kept
    up = _up(wf, saves, lambda k: k not in made and k not in feeding)
    return {k for k in up if k in saves or k in read}
