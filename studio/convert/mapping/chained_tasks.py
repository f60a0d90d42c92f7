"""A task node whose conditioning another task node made (heldout52 06: a Wan VACE stage - the clip with the person
whitened and its mask - feeding its conditioning to a second WanVaceToVideo with the pose clip; the take was made from
the second alone, the first read as a prompt's way and said nowhere). Told by the task table (tracing.tasks) and
the conditioning inputs ('positive', 'negative', 'conditioning') the way goes back on: each earlier task node with an
intent input of its own wired (its ports) is said, with those inputs, as not given to the generator, which is made
from the task node's inputs alone. Plain stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import tasks

WAYS = ("positive", "negative", "conditioning", "conditioning_to")  # the conditioning a task node is given
MAX_NODES = 256


def earlier(wf: Workflow, node: CNode) -> list[CNode]:
    """The task nodes on ``node``'s conditioning way with an intent input of their own wired, nearest first."""
    known, found, seen = tasks(), [], {node.id}
    todo = [wf.source(node, k) for k in WAYS if k in node.links]
    while todo and len(seen) < MAX_NODES:
        n = todo.pop(0)
        if n is None or n.id in seen:
            continue
        seen.add(n.id)
        spec = known.get(n.cls)
        if spec is not None and any(port in n.links for port, _ in spec.ports):
            found.append(n)
        todo += [wf.source(n, k) for k in WAYS if k in n.links]
    return found


def said(wf: Workflow, node: CNode | None, generator: str) -> list[str]:
    """One sentence per earlier task node (see the module); [] where none (``generator``: the Studio node's title)."""
    if node is None:
        return []
    known, lines = tasks(), []
    for n in earlier(wf, node):
        spec = known[n.cls]
        own = "', '".join(port for port, _ in spec.ports if port in n.links)
        gives = "', '".join(k for k in WAYS if k in node.links and _reaches(wf, node, k, n))
        lines.append(f"{n.named()} makes the conditioning ({spec.what}) that {node.named()} is given on '{gives}', "
                     f"with its own '{own}': Studio's {generator} "
                     f"is made from #{node.id}'s inputs alone; #{n.id}'s '{own}' are not given to it")
    return lines


def _reaches(wf: Workflow, node: CNode, name: str, target: CNode) -> bool:
    """Whether ``node``'s input ``name`` comes (through conditioning inputs) from ``target``."""
    seen, todo = set(), [wf.source(node, name)]
    while todo and len(seen) < MAX_NODES:
        n = todo.pop()
        if n is None or n.id in seen:
            continue
        if n.id == target.id:
            return True
        seen.add(n.id)
        todo += [wf.source(n, k) for k in WAYS if k in n.links]
    return False
