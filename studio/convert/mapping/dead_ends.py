"""The nodes whose result goes nowhere: no enabled node reads them and the catalogue says they are no output node
(they save, show or send nothing), or every node reading them goes nowhere in turn (a SolidMask given only to a
SetLatentNoiseMask nothing reads, as ckinpdx's LTX-2.3 workflows leave one beside the one they use). Such a node
is listed as not converted itself; the nodes feeding it are judged by their other readers (passing). Only
catalogued types are told so (an unknown type with no reader may be an output). Linear in the workflow's size."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow


def _ends_nowhere(n: CNode) -> bool:
    t = catalogue.node_type(n.shown_cls)
    return t is not None and t.outputs is not None and len(t.outputs) > 0 and not t.output_node


def dead_ends(wf: Workflow, readers: dict[str, list[tuple[CNode, str, int]]], read: set[str]) -> set[str]:
    """The ids of the enabled nodes whose result reaches no node that saves, shows or is read (above); a node in
    ``read`` (Studio read it) is never one."""
    live = {k: len({r.id for r, _, _ in rs if r.enabled}) for k, rs in readers.items()}
    todo = [n for n in wf.nodes.values() if n.enabled and n.id not in read and not live.get(n.id)
            and _ends_nowhere(n)]
    dead: set[str] = set()
    while todo:
        n = todo.pop()
        if n.id in dead:
            continue
        dead.add(n.id)
        for src in {s for s, _ in n.links.values()}:
            m = wf.nodes.get(src)
            if m is None or src in dead or not m.enabled:
                continue
            live[src] = live.get(src, 1) - 1
            if live[src] <= 0 and src not in read and _ends_nowhere(m):
                todo.append(m)
    return dead
