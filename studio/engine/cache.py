"""Caches: node outputs by signature, and frames of lazy clips by (signature, frame).

Both are bounded by bytes. Eviction takes the largest-and-cheapest entries first
(bytes / seconds it took to make), so a model that took minutes to train outlives a
resized frame that took a millisecond."""
from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from typing import Any, Hashable

import numpy as np

from .clip import ArrayClip, Clip


def nbytes_of(value: Any, _depth: int = 0) -> int:
    """A cheap estimate of the memory a value holds. A model the model cache holds
    (``ModelRef.model_cached``; the Video LoRA node's output shares it) is counted there, against
    its device's memory, not here."""
    if _depth > 4 or value is None:
        return 0
    if getattr(value, "model_cached", False) is True:
        return 64
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, ArrayClip):
        return int(value.frames.nbytes)
    if isinstance(value, Clip):
        return 1024
    torch = sys.modules.get("torch")  # a tensor exists only if torch is loaded: never import it here
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return int(value.element_size() * value.nelement())
        if isinstance(value, torch.nn.Module):
            return int(sum(p.element_size() * p.nelement() for p in value.parameters()))
    if isinstance(value, dict):
        return sum(nbytes_of(v, _depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes_of(v, _depth + 1) for v in value[:1000])
    if hasattr(value, "__dict__"):
        return sum(nbytes_of(v, _depth + 1) for v in vars(value).values())
    return 64


class _ByteCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = int(max_bytes)
        self._d: OrderedDict[Hashable, tuple[Any, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.RLock()
        self.hits = 0
        self.misses = 0

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._d

    def __len__(self) -> int:
        return len(self._d)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            e = self._d.get(key)
            if e is None:
                self.misses += 1
                return default
            self._d.move_to_end(key)
            self.hits += 1
            return e[0]

    def put(self, key: Hashable, value: Any, nbytes: int, cost: float = 0.0) -> None:
        with self._lock:
            if key in self._d:
                self._bytes -= self._d.pop(key)[1]
            if nbytes > self.max_bytes:
                return
            self._d[key] = (value, nbytes, cost)
            self._bytes += nbytes
            self._evict()

    EVICT_WINDOW = 16

    def _evict(self) -> None:
        """Among the least recently used entries, drop the largest-and-cheapest first
        (bytes / seconds it took to make). O(window) per eviction."""
        while self._bytes > self.max_bytes and self._d:
            it = iter(self._d.items())
            window = [next(it) for _ in range(min(self.EVICT_WINDOW, len(self._d)))]
            k, (_, nb, _) = max(window, key=lambda kv: kv[1][1] / (kv[1][2] + 1e-3))
            del self._d[k]
            self._bytes -= nb

    def discard(self, key: Hashable) -> None:
        with self._lock:
            e = self._d.pop(key, None)
            if e is not None:
                self._bytes -= e[1]

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._bytes = 0

    def discard_where(self, pred) -> int:
        """Drop every entry whose value ``pred(value)`` is true; returns how many."""
        with self._lock:
            gone = [k for k, e in self._d.items() if pred(e[0])]
            for k in gone:
                self._bytes -= self._d.pop(k)[1]
        return len(gone)

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._d)


class OutputCache(_ByteCache):
    """Node outputs by signature."""

    def __init__(self, max_bytes: int = 4 << 30):
        super().__init__(max_bytes)


class FrameCache(_ByteCache):
    """Frames of lazy clips by (clip key, frame index)."""

    def __init__(self, max_bytes: int = 1 << 30):
        super().__init__(max_bytes)

    def cached_frames(self, key: str) -> set[int]:
        with self._lock:
            return {k[1] for k in self._d if isinstance(k, tuple) and k[0] == key}


class CachedClip(Clip):
    """A view of ``clip`` whose frames are kept in a shared :class:`FrameCache`."""

    def __init__(self, clip: Clip, cache: FrameCache, key: str):
        super().__init__(clip.n_frames, clip.fps, clip.width, clip.height, clip.channels, audio_from=clip)
        self.src, self.cache, self.key = clip, cache, key
        self.producer = clip.producer
        self.preview = clip.preview  # the viewer's PREVIEW mark (a Save Video fed a voice lost it: issue 104's walk)

    def _frame(self, i: int) -> np.ndarray:
        f = self.cache.get((self.key, i))
        if f is None:
            t = time.perf_counter()
            f = self.src.frame(i)
            self.cache.put((self.key, i), f, f.nbytes, time.perf_counter() - t)
        return f

    def computed(self) -> set[int]:
        return self.cache.cached_frames(self.key)
