"""The lazy clip of a frame-wise node (FRAME and WINDOW timing), and how its frames are pulled:
with loops instead of recursion. One module, so the clip and its pulls know each other's classes
without an import cycle (they were two modules tied by a class injected at import time).

Pulled naively, frame i of the last of N chained frame-wise nodes recurses N deep, and Python
stops at about a thousand frames (a 500-node chain used to fail with "maximum recursion depth
exceeded" while `validate` accepted it). A graph may hold 10,000 nodes, so every frame-wise
clip (:class:`FrameNodeClip`) is pulled here with an explicit stack:
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

import threading
import time
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

from studio.core.errors import Cancelled, NodeExecutionError, StudioError

from .cache import CachedClip
from .clip import Clip, StillClip, as_clip


class _RecentFrames:
    """A tiny per-input LRU so a windowed node does not pull the same neighbour twice."""

    def __init__(self, clip: Clip, size: int):
        self.clip, self.size = clip, max(1, size)
        self._d: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, i: int, pull: Callable[["Clip", int], np.ndarray] | None = None) -> np.ndarray:
        with self._lock:
            f = self._d.get(i)
            if f is not None:
                self._d.move_to_end(i)
                return f
        f = self.clip.frame(i) if pull is None else pull(self.clip, i)
        with self._lock:
            self._d[i] = f
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return f


def _as_frame(out) -> np.ndarray:
    """What a node's ``frame`` returned, as a float32 H x W x C frame."""
    if type(out) is not np.ndarray or out.dtype != np.float32:
        out = np.asarray(out, dtype=np.float32)
    return out[..., None] if out.ndim == 2 else out


class FrameNodeClip(Clip):
    """The lazy output of a FRAME or WINDOW node: frame i is computed when pulled."""

    def __init__(self, node, ctx, clips: dict[str, Clip], others: dict[str, Any], **shape):
        first = next(iter(clips.values()))
        n = shape.pop("n_frames", min(len(c) for c in clips.values()))
        super().__init__(n, shape.pop("fps", first.fps), shape.pop("width", first.width),
                         shape.pop("height", first.height), shape.pop("channels", first.channels),
                         shape.pop("audio", None), audio_from=first)
        self.node, self.ctx, self.others = node, ctx, others
        spec = node.spec()
        self._windowed = spec.timing == "window"
        self._offsets = range(spec.window[0], spec.window[1] + 1) if self._windowed else None
        size = (spec.window[1] - spec.window[0] + 2) if self._windowed else 1
        self._inputs = {k: (_RecentFrames(c, size) if self._windowed else c) for k, c in clips.items()}
        self._lens = {k: len(c) for k, c in clips.items()}
        # the common case, one clip in and nothing else: (name, clip, last frame)
        self._single = ((next(iter(clips)), first, len(first) - 1)
                        if len(clips) == 1 and not others and not self._windowed else None)

    def _frame(self, i: int) -> np.ndarray:
        return pull_chain(self, i) if self._single is not None else pull_graph(self, i)

    # -- what the pulls below need ------------------------------------------------------------
    def needs(self, i: int) -> list[tuple[Clip, int]]:
        """(input clip, frame index) pairs that frame ``i`` is computed from."""
        if self._single is not None:
            _, src, last = self._single
            return [(src, i if i <= last else last)]
        if self._windowed:  # frames its window still holds are not needed again
            return [(rf.clip, j) for k, rf in self._inputs.items()
                    for j in (min(max(i + o, 0), self._lens[k] - 1) for o in self._offsets) if j not in rf._d]
        return [(src, min(i, self._lens[k] - 1)) for k, src in self._inputs.items()]

    def apply(self, i: int, src_frame: np.ndarray) -> np.ndarray:
        """Frame ``i`` of a one-input node from its input's frame (the hot path of a chain)."""
        try:
            out = self.node.frame(self.ctx, i, **{self._single[0]: src_frame})
        except (NodeExecutionError, Cancelled):
            raise
        except Exception as e:  # noqa: BLE001 - any failure in node code is reported with the node
            raise NodeExecutionError(self.ctx.node_id, self.ctx.title, e) from e
        return _as_frame(out)

    def compute(self, i: int, get: Callable[[Clip, int], np.ndarray]) -> np.ndarray:
        """Frame ``i`` from its inputs' frames, which ``get(clip, index)`` hands over."""
        try:
            if self._single is not None:
                name, src, last = self._single
                out = self.node.frame(self.ctx, i, **{name: get(src, i if i <= last else last)})
            elif self._windowed:
                frames = {}
                for k, rf in self._inputs.items():
                    frames[k] = [rf.get(min(max(i + o, 0), self._lens[k] - 1), get) for o in self._offsets]
                out = self.node.frames_window(self.ctx, i, **frames, **self.others)
            else:
                frames = {k: get(src, min(i, self._lens[k] - 1)) for k, src in self._inputs.items()}
                out = self.node.frame(self.ctx, i, **frames, **self.others)
        except (NodeExecutionError, Cancelled):
            raise  # already names its node (an upstream one), or the user stopped
        except Exception as e:  # noqa: BLE001 - any failure in node code is reported with the node
            raise NodeExecutionError(self.ctx.node_id, self.ctx.title, e) from e
        return _as_frame(out)


def frame_node_clip(node, ctx, inputs: dict[str, Any]) -> Clip:
    """Default ``run`` of FRAME and WINDOW nodes: wrap the Video-like inputs lazily."""
    spec = node.spec()
    video_types = {"Video", "Flow", "Mask"}
    clips: dict[str, Clip] = {}
    others: dict[str, Any] = {}
    for p in spec.inputs:
        v = inputs.get(p.name)
        if p.type in video_types and v is not None:
            clips[p.name] = as_clip(v)
        else:
            others[p.name] = v
    if not clips:
        raise StudioError(f"'{spec.title}' is frame-wise but got no clip on its inputs", node_id=ctx.node_id)
    # Stills broadcast to the length of the longest real clip.
    real = [c for c in clips.values() if not isinstance(c, StillClip)]
    if real:
        n = min(len(c) for c in real)
        fps = real[0].fps
        clips = {k: (StillClip(c.image, n, fps) if isinstance(c, StillClip) else c) for k, c in clips.items()}
    shape = node.output_shape(ctx, **clips, **others) or {}
    return FrameNodeClip(node, ctx, clips, others, **shape)


def _is_cache_view(c: Any) -> bool:
    return type(c) is CachedClip


def _computed(c: FrameNodeClip, top: Clip, k: int, get) -> np.ndarray:
    """``c.compute`` measured as ``c``'s cost (``top`` is measured by its frame()/chunk() caller)."""
    cost = c.measured if c is not top else None
    f = c.compute(k, get) if cost is None else cost[0].measure(cost[1], (k, k + 1), c.compute, k, get)
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
        if hit is None and type(src) is FrameNodeClip and src._single is not None:
            c = src
            continue
        t0 = time.perf_counter()
        f = hit if hit is not None else src.frame(k)  # a source, or a many-input node (pull_graph)
        break
    for c, k in reversed(chain):
        if type(c) is not FrameNodeClip:  # a cache view: keep the frame the walk made, with what
            c.cache.put((c.key, k), f, f.nbytes, time.perf_counter() - t0)  # it cost from its sources
            continue
        cost = c.measured if c is not top else None  # top: its frame()/chunk() caller measures it
        f = c.apply(k, f) if cost is None else cost[0].measure(cost[1], (k, k + 1), c.apply, k, f)
        if f.flags.writeable:
            f.flags.writeable = False
    return f


def _expandable(c: Any, k: int) -> bool:
    """Computed by the walk (a frame-wise clip, or a cache view that misses), not pulled."""
    if type(c) is FrameNodeClip:
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
