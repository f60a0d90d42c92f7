"""Where a workflow's picture, clip or sound is let go on its way to an output (issue 112, heldout43 02): the first node
it reaches that Studio read as another type (its own type kept as the node's origin: a pack's variant or twin read as
a core node) on an input that type does not take (DigbyWan's middle-frame node read as Kandinsky5ImageToVideo, its
'end_image' and 'middle_image' not taken). The ledger names that node and input, not a node further on the way (the
decoder after the sampler, which Studio does convert). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow


def unread_entry(wf: Workflow, src: CNode, within: set[str], used: set[str],
                 cons: dict[str, list[CNode]]) -> tuple[CNode, str] | None:
    """(the node, its input) where what ``src`` gives first enters a node read as another type on an input that type
    does not declare, walking ``src``'s readers inside ``within``; None where it enters none such."""
    seen: set[str] = set()
    stack = [src]
    while stack:
        x = stack.pop()
        for m in cons.get(x.id, []):
            if m.id not in within or m.id in seen:
                continue
            seen.add(m.id)
            if m.id in used and m.origin and m.origin != m.cls:
                t = catalogue.node_type(m.cls)
                if t is not None and t.inputs is not None:
                    lost = sorted(k for k, (s, _) in m.links.items() if s == x.id and t.input(k) is None
                                  and k not in m.ports)
                    if lost:
                        return m, lost[0]
            stack.append(m)
    return None
