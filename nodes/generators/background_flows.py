"""The optical flow of a large training set measured while training starts (issue 44: the
text_to_video_gpu template spent 116 s of one core measuring the flow of its 2,048 clips before its
ten-minute budget began, while the GPU waited).

The flows are measured in clip order on the worker threads in the background; training draws its
batches from a prefix of the clips that grows with the step number: ``FIRST`` clips at step 0 and
``PER_STEP`` more each step (all of 2,048 by step 224). The prefix is a function of the step, never
of how far the background work has got: a step whose clips are not measured yet waits for them, so
the same seed gives the same batches on a fast or a slow machine, and a resumed run draws as the
uninterrupted one would. Used where the training device is not the CPU (on the CPU the background
work would take the cores the steps need)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

FIRST = 256    # clips ready before the first step
PER_STEP = 8   # clips added to the prefix each step
CHUNK = 16     # clips a worker measures between two checks of the stop flag


def available(step: int, n: int) -> int:
    """The clips step ``step`` draws from (a prefix of the set)."""
    return int(min(n, FIRST + max(0, int(step)) * PER_STEP))


def full_at(n: int) -> int:
    """The first step that draws from all ``n`` clips."""
    return max(0, -(-(n - FIRST) // PER_STEP))


class BackgroundFlows:
    """``fn(k)`` -> clip k's flow [T, H, W, 2], for k in 0..n-1, in order, on ``threads`` threads;
    ``wait_for(k)`` returns the array once clips 0..k-1 are measured."""

    def __init__(self, fn: Callable[[int], np.ndarray], shape: tuple[int, ...], n: int, threads: int):
        self.out = np.empty((n,) + tuple(shape), np.float32)
        self.n, self.done = n, 0
        self._fn, self._threads = fn, max(1, int(threads))
        self._cond = threading.Condition()
        self._stop = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="training-flows", daemon=True)
        self._thread.start()

    def _one(self, k: int) -> None:
        self.out[k] = self._fn(k)

    def _run(self) -> None:
        try:
            with ThreadPoolExecutor(self._threads, thread_name_prefix="clip-flow") as pool:
                step = CHUNK * self._threads
                for a in range(0, self.n, step):
                    if self._stop:
                        return
                    b = min(self.n, a + step)
                    list(pool.map(self._one, range(a, b)))
                    with self._cond:
                        self.done = b
                        self._cond.notify_all()
        except BaseException as e:  # noqa: BLE001 - handed to the training thread, which raises it
            with self._cond:
                self._error = e
                self._cond.notify_all()

    def wait_for(self, k: int, check: Callable[[], None]) -> np.ndarray:
        """The flows, once the first ``k`` clips are measured; ``check()`` (a cancel) is called
        while waiting."""
        with self._cond:
            while self.done < k and self._error is None:
                self._cond.wait(0.1)
                if self.done < k:
                    self._cond.release()
                    try:
                        check()
                    finally:
                        self._cond.acquire()
            if self._error is not None:
                raise self._error
        return self.out

    def close(self) -> None:
        """Stop measuring (a cancel, an error or the end of training); waits for the clips in hand."""
        self._stop = True
        self._thread.join()
