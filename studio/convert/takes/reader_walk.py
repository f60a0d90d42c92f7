"""One answer per node after a picture's way, each worked out once its readers' are (the ledger's walks after a
workflow's pictures: takes/dropped_entry.py, takes/unread_entry.py). Memoised in a dict the calls of one output's check
share, so a chain of thousands of nodes each given a picture is walked once, not once per picture (convert_scale's
'guides' shape); iterative, so a long chain needs no deep recursion. Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

from ..reading.workflow import CNode


def after_readers(src: CNode, split: Callable[[CNode], tuple[list[CNode], Any]], finish: Callable[[CNode, Any], Any],
                  memo: dict[str, Any], pending: Any) -> Any:
    """``memo[src.id]``, worked out for ``src`` and every node after it not yet in ``memo``: ``split(x)`` gives the
    readers of ``x`` to walk on into and what ``finish`` needs of ``x``; ``finish(x, that)`` gives ``x``'s answer once
    each of those readers' answers is in ``memo``. A node met again before it is done (a loop in a broken file) has
    ``pending`` as its answer."""
    stack: list[tuple[CNode, bool, Any]] = [(src, False, None)]
    while stack:
        x, done, got = stack.pop()
        if done:
            memo[x.id] = finish(x, got)
            continue
        if x.id in memo:
            continue
        on, got = split(x)
        memo[x.id] = pending
        stack.append((x, True, got))
        stack.extend((m, False, None) for m in on if m.id not in memo)
    return memo[src.id]
