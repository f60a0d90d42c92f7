"""Where a workflow's picture, clip or sound is let go on its way to an output (issue 112, heldout43 02): the first node
it reaches that Studio read as another type (its own type kept as the node's origin: a pack's variant or twin read as
a core node) on an input that type does not take (DigbyWan's middle-frame node read as Kandinsky5ImageToVideo, its
'end_image' and 'middle_image' not taken). The ledger names that node and input, not a node further on the way (the
decoder after the sampler, which Studio does convert). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .reader_walk import after_readers


def unread_entry(wf: Workflow, src: CNode, within: set[str], used: set[str],
                 cons: dict[str, list[CNode]], lets: dict | None = None) -> tuple[CNode, str] | None:
    """(the node, its input) where what ``src`` gives first enters a node read as another type on an input that type
    does not declare, walking ``src``'s readers inside ``within`` (its own readers first, then on after the last
    of them); None where it enters none such. ``lets``: each node's answer, shared by the calls of one output's
    check, so a chain of thousands of nodes is walked once, not once per picture given into it."""
    lets = {} if lets is None else lets

    def split(x: CNode):
        readers = [m for m in cons.get(x.id, []) if m.id in within]
        return readers, readers

    def finish(x: CNode, readers: list[CNode]) -> tuple[CNode, str] | None:
        return next((hit for m in readers if (hit := _let_go(m, x, used)) is not None), None) or \
            next((lets[m.id] for m in reversed(readers) if lets.get(m.id) is not None), None)
    return after_readers(src, split, finish, lets, None)


def _let_go(m: CNode, x: CNode, used: set[str]) -> tuple[CNode, str] | None:
    """(``m``, the first input of it given by ``x`` that the type ``m`` is read as does not take), where ``m`` is read as
    another type than its own."""
    if m.id in used and m.origin and m.origin != m.cls:
        t = catalogue.node_type(m.cls)
        if t is not None and t.inputs is not None:
            lost = sorted(k for k, (s, _) in m.links.items() if s == x.id and t.input(k) is None and k not in m.ports)
            if lost:
                return m, lost[0]
    return None
