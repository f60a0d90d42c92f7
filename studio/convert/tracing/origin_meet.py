"""Where the ways of two or more picture loaders meet before a picture a generator is given (heldout125 04: an
artist's LTX-2.3 clip maker whose start frame is what 'easy ifElse' picks when the workflow runs, between the prior
clip's last frame, loaded from a path worked out at run time, and a Load Image's picture). The node there chooses
or joins what reaches the generator, so it, not one of the loaders, is what gives the picture (the loaders are told
by their roles: tracing.roles, 'media loader'). Plain stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .roles import role
from .walks import taken_links, upstream


def loaders(wf: Workflow, ups: list[CNode]) -> list[CNode]:
    """The picture loaders among ``ups`` (by their roles: a Load Image, a pack's loader of a path given to it)."""
    return [n for n in ups if role(wf, n) == "media loader"]


def meeting(wf: Workflow, start: CNode, found: list[CNode]) -> CNode | None:
    """The first node from ``start`` back (``start`` itself included) whose wired inputs come from two or more of
    the loaders ``found`` by separate ways (each input's own loaders differing); None where one way leads to them."""
    ids = {n.id for n in found}
    n, seen = start, set()
    while n is not None and n.id not in seen:
        seen.add(n.id)
        ways = {}
        for src, _ in taken_links(wf, n).values():
            s = wf.nodes.get(src)
            if s is not None:
                own = frozenset(u.id for u in upstream(wf, s) if u.id in ids)
                if own:
                    ways.setdefault(own, s)
        if len(ways) >= 2 and len(frozenset().union(*ways)) >= 2:
            return n
        n = next(iter(ways.values())) if len(ways) == 1 and n.id not in ids else None
    return None
