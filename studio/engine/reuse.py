"""What a run reuses before it starts: the disk cache's entries of the steps declared
``disk_cache`` (studio.engine.disk_cache), and the steps no longer needed because everything they
feed is served from a cache: a video model's loader is not loaded again to feed a generator whose
clip is read back from the disk."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .events import NodeMessage


def disk_hits(steps: Iterable[Any], disk, in_memory: Callable[[Any], bool],
              emit: Callable[[Any], None]) -> dict[str, dict[str, Any]]:
    """node id -> outputs read back from ``disk`` (a studio.engine.disk_cache.DiskCache) for each
    step declared ``disk_cache`` whose key is stable and which the memory cache lacks. A corrupt
    entry is said (information) and run again."""
    out: dict[str, dict[str, Any]] = {}
    for st in steps:
        n = st.node
        if not (n.spec.disk_cache and st.stable) or in_memory(st):
            continue
        outs, why = disk.get(st.signature)
        if why:
            emit(NodeMessage(n.id, n.label, why, "info"))
        if outs is not None:
            for v in outs.values():
                if hasattr(v, "producer"):
                    v.producer = (n.id, n.label)
            out[n.id] = outs
    return out


def unneeded(steps: list[Any], wanted: Iterable[str], hit: Callable[[Any], bool]) -> dict[str, str]:
    """node id -> the title of the cached node it feeds (directly or through other such steps), for
    each step that would run but need not:
    it is no target, writes nothing (not an output), can be cached, and every node it feeds is
    served from a cache (``hit``) or itself not needed. No pruning without targets."""
    wanted = set(wanted)
    if not wanted:
        return {}
    consumers: dict[str, list[Any]] = {}
    for st in steps:
        for src in st.inputs.values():
            if src is not None:
                consumers.setdefault(src[0], []).append(st)
    runs: set[str] = set()  # steps that run and read their inputs
    out: dict[str, str] = {}
    for st in reversed(steps):  # consumers come after their inputs in a plan
        nid, spec = st.node.id, st.node.spec
        cs = consumers.get(nid, [])
        needed = nid in wanted or spec.is_output or not spec.cacheable or any(c.node.id in runs for c in cs)
        if hit(st):
            continue
        if needed or not cs:
            runs.add(nid)
            continue
        # the cached node it feeds, directly or through nodes pruned here
        out[nid] = next((c.node.label for c in cs if hit(c)), None) or out[cs[0].node.id]
    return out
