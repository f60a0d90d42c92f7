"""A noise-mask window's setting worked out when the workflow runs from what the clip is (ckinpdx's LTX23_Continuation:
the start ``min(4 s x fps, the clip's frames) / fps``, SimpleMath+ nodes over VHS_VideoInfoSource's outputs), read
for a long clip: the math nodes on its way (told by their declared types: reading/by_types.expression) evaluated with
every number Studio cannot work out when converting (a clip's information, given when it runs) set large, at several
values; the setting is read where it comes out the same at each (for a clip long enough, at a rate high enough), else
not. The words the converter writes say so: the value is the long clip's, and a shorter clip's is worked out when it
runs. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..catalogue import node_type
from ..reading import by_types
from ..reading.primitives import evaluate
from ..reading.workflow import CNode, Workflow

LARGE = (10_000.0, 123_457.0, 1_000_003.0)  # a long clip's frames, rates and sizes (above any a window asks)
MAX_DEPTH = 24
NUMBERS = ("INT", "FLOAT")


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _leaf(src: CNode, slot: int) -> bool:
    """``src``'s output ``slot`` is a number it gives when the workflow runs (declared INT/FLOAT), from inputs
    (a clip's information): a value Studio does not work out when converting."""
    t = node_type(src.origin or src.cls)
    return t is not None and 0 <= slot < len(t.output_types) and t.output_types[slot] in NUMBERS and bool(src.links)


def _probe(wf: Workflow, node: CNode, name: str, big: float, seen: list, read: list, depth: int,
           memo: dict) -> float | None:
    v = _number(wf.value(node, name))
    if v is not None:
        return v
    link = node.links.get(name)
    src = wf.nodes.get(link[0]) if link is not None and depth < MAX_DEPTH else None
    if src is None:
        return None
    key = (src.id, link[1])  # (each output worked out once: a graph reading one twice stays linear)
    if key not in memo:
        memo[key] = None  # (one wired in a circle: not worked out)
        memo[key] = _output(wf, src, link[1], big, seen, read, depth, memo)
    return memo[key]


def _output(wf: Workflow, src: CNode, slot: int, big: float, seen: list, read: list, depth: int,
            memo: dict) -> float | None:
    expr = by_types.expression(src)
    if expr is None:
        if not _leaf(src, slot):
            return None
        seen.append(src)
        return big
    read.append(src)
    names: dict[str, Any] = {}
    for k in expr[1]:
        if k not in src.links or _number(wf.value(src, k)) is not None:  # (a letter not wired, or a constant)
            names[k.rpartition(".")[2]] = wf.value(src, k)
            read.extend([wf.source(src, k)] if k in src.links else [])
            continue
        names[k.rpartition(".")[2]] = got = _probe(wf, src, k, big, seen, read, depth + 1, memo)
        if got is None:
            return None
    return _number(by_types.expression_output(src, slot, evaluate(str(wf.value(src, expr[0]) or ""), names)))


def long_clip_value(wf: Workflow, node: CNode, name: str) -> tuple[float, list[CNode], set[str]] | None:
    """(the value of ``node``'s setting ``name`` for a long clip, the nodes giving what it is worked out from when the
    workflow runs, the ids of every node read working it out) where it is worked out from them and comes out the same
    at each large value; None otherwise (a value known when converting is not read here)."""
    if _number(wf.value(node, name)) is not None:
        return None
    got, leaves, read = set(), [], []
    for big in LARGE:
        seen: list[CNode] = []
        v = _probe(wf, node, name, big, seen, read, 0, {})
        if v is None or not seen:
            return None
        got.add(round(v, 6))
        leaves = seen
    if len(got) != 1:
        return None
    return got.pop(), list({n.id: n for n in leaves}.values()), {n.id for n in read + leaves if n is not None}
