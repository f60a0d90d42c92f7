"""Per-clip preparation of a training set (decoding, optical flow) on the worker threads: OpenCV
and numpy release the GIL, so a 2048-clip set is ready in a fraction of the time one thread takes
(issue 44: 116 s on one core for the GPU template). Each clip's result is a pure function of the
clip, so the data is the same on any number of threads."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 32  # clips between two checks for a cancel


def per_clip(fn: Callable[[T], R], items: Sequence[T], check: Callable[[], None],
             threads: int | None = None) -> list[R]:
    """``[fn(x) for x in items]`` in order, on ``threads`` threads (default: the engine's worker
    threads), ``check()`` called before every chunk of clips."""
    if threads is None:
        from studio.engine.device import worker_threads
        threads = worker_threads()
    threads = max(1, min(int(threads), len(items)))
    out: list[R] = []
    if threads == 1:
        for k, x in enumerate(items):
            if k % CHUNK == 0:
                check()
            out.append(fn(x))
        return out
    with ThreadPoolExecutor(threads, thread_name_prefix="clip-data") as pool:
        for a in range(0, len(items), CHUNK * threads):
            check()
            out.extend(pool.map(fn, items[a:a + CHUNK * threads]))
    return out
