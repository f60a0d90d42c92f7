"""Pulling a frame through a graph of frame-wise clips with loops instead of recursion.

Pulled naively, frame i of the last of N chained frame-wise nodes recurses N deep, and Python
stops at about a thousand frames (a 500-node chain used to fail with "maximum recursion depth
exceeded" while `validate` accepted it). A graph may hold 10,000 nodes, so every frame-wise
clip (studio.engine.clip.FrameNodeClip) is pulled here with an explicit stack:

* ``pull_chain``: the common case, a chain of one-input nodes: walk down to the first clip that
  is not such a node, pull it, apply the nodes back up. No allocation beyond the walk.
* ``pull_graph``: anything else (several inputs, windows): a post-order walk over the
  (clip, frame) pairs needed, each computed once, each dropped as soon as its last consumer
  has used it, so memory stays at the frames of the widest level, not the whole graph.

Both honour the engine's frame cache (a hit stops the walk; a miss is stored on the way up) and
measure each node's own time as its cost (Clip.measure_as), exactly as nested pulls would.
Other clips (sources, custom clips) are pulled with their own ``frame``.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .clip import Clip, FrameNodeClip

# The class of a node's lazy clip, FrameNodeClip: clip.py sets it when it imports this module
# (clip.py uses the pulls here; this module does not import clip.py, so there is no cycle).
NODE_CLIP: type = type(None)


def _is_cache_view(c: Any) -> bool:
    return type(c).__name__ == "CachedClip"  # studio.engine.cache imports this module's users


def _computed(c: FrameNodeClip, top: Clip, k: int, get) -> np.ndarray:
    """``c.compute`` measured as ``c``'s cost (``top`` is measured by its frame()/chunk() caller)."""
    cost = c._cost if c is not top else None
    f = c.compute(k, get) if cost is None else cost[0].measure(cost[1], 1, c.compute, k, get)
    if f.flags.writeable:
        f.flags.writeable = False
    return f


def pull_chain(top: FrameNodeClip, i: int) -> np.ndarray:
    chain: list[tuple[Any, int]] = []  # (FrameNodeClip or cache view, its frame index), top first
    c, k = top, i
    while True:
        _, src, last = c._single
        chain.append((c, k))
        k = k if k <= last else last
        hit = None
        while _is_cache_view(src):
            hit = src.cache.get((src.key, k))
            if hit is not None:
                break
            chain.append((src, k))
            src = src.src
        if hit is None and type(src) is NODE_CLIP and src._single is not None:
            c = src
            continue
        t0 = time.perf_counter()
        f = hit if hit is not None else src.frame(k)  # a source, or a many-input node (pull_graph)
        break
    for c, k in reversed(chain):
        if type(c) is not NODE_CLIP:  # a cache view: keep the frame the walk made, with what
            c.cache.put((c.key, k), f, f.nbytes, time.perf_counter() - t0)  # it cost from its sources
            continue
        cost = c._cost if c is not top else None  # top: its frame()/chunk() caller measures it
        f = c.apply(k, f) if cost is None else cost[0].measure(cost[1], 1, c.apply, k, f)
        if f.flags.writeable:
            f.flags.writeable = False
    return f


def _expandable(c: Any, k: int) -> bool:
    """Computed by the walk (a frame-wise clip, or a cache view that misses), not pulled."""
    if type(c) is NODE_CLIP:
        return True
    return _is_cache_view(c) and c.cache.get((c.key, k)) is None


def _needs(c: Any, k: int) -> list[tuple[Any, int]]:
    if _is_cache_view(c):
        return [(c.src, k)]
    return c.needs(k)


def pull_graph(top: FrameNodeClip, i: int) -> np.ndarray:
    memo: dict[tuple[int, int], np.ndarray] = {}
    refs: dict[tuple[int, int], int] = {}  # consumers still to use a memoised frame
    expanded: set[tuple[int, int]] = set()

    def get(c: Clip, k: int) -> np.ndarray:
        key = (id(c), k)
        f = memo.get(key)
        if f is None:
            return c.frame(k)  # a leaf: a source, a custom clip, a cache hit
        refs[key] -= 1
        if refs[key] <= 0:
            del memo[key]
        return f

    t_start = time.perf_counter()
    root = (id(top), i)
    stack: list[tuple[Any, int]] = [(top, i)]
    while stack:
        c, k = stack[-1]
        key = (id(c), k)
        if key in memo:
            stack.pop()
            continue
        if key not in expanded:
            expanded.add(key)
            pending = []
            for s, j in _needs(c, k):
                if _expandable(s, j):
                    sk = (id(s), j)
                    refs[sk] = refs.get(sk, 0) + 1
                    if sk not in memo:
                        pending.append((s, j))
            if pending:
                stack.extend(pending)
                continue
        if _is_cache_view(c):
            t = time.perf_counter()
            f = get(c.src, k)  # memoised: its cost was spent below; count the whole pull so far
            c.cache.put((c.key, k), f, f.nbytes, time.perf_counter() - t + (t - t_start))
        else:
            f = _computed(c, top, k, get)
        stack.pop()
        if key == root:
            return f
        memo[key] = f
    raise RuntimeError("unreachable: the walk ends at the frame asked for")  # pragma: no cover
