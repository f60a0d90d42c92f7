"""Frames computed off the GUI thread (one worker, newest request first) and frames converted for the
screen (a byte-bounded cache)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.engine.cache import CachedClip
from studio.ui.preview.pixels import display_rgb, to_bgra
from studio.ui.preview.view_controls import ViewSettings, apply_view, draw_overlay, proxy_frame


PREFETCH = 4  # frames computed ahead while playing


class FrameFetcher(QObject):
    """One worker thread that runs frame jobs: the newest urgent one first, then a low-priority
    queue (replaced wholesale by each ``request_low``). Results come back as ``done`` on the
    GUI thread."""

    done = Signal(object)  # (generation, tag, frame index, result | None, error | None)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cond = threading.Condition()
        self._urgent: tuple | None = None
        self._side: list[tuple] = []  # one-off jobs (audio analysis): after the urgent one
        self._low: list[tuple] = []
        self._closed = False
        self.busy = False
        self._thread = threading.Thread(target=self._loop, name="studio-frame-fetcher", daemon=True)
        self._thread.start()

    def request(self, gen: int, tag: str, i: int, job: Callable[[int], Any]) -> None:
        with self._cond:
            self._urgent = (gen, tag, i, job)
            self._cond.notify()

    def request_side(self, gen: int, tag: str, i: int, job: Callable[[int], Any]) -> None:
        """A job run after the urgent frame and before thumbnails/prefetch, never replaced by them."""
        with self._cond:
            self._side.append((gen, tag, i, job))
            self._cond.notify()

    def request_low(self, items: list[tuple]) -> None:
        with self._cond:
            self._low = list(items)
            self._cond.notify()

    def cancel_all(self) -> None:
        with self._cond:
            self._urgent = None
            self._side = []
            self._low = []

    def idle(self) -> bool:
        with self._cond:
            return self._urgent is None and not self._side and not self._low and not self.busy

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._urgent, self._side, self._low = None, [], []
            self._cond.notify()
        self._thread.join(5)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._closed and self._urgent is None and not self._side and not self._low:
                    self._cond.wait()
                if self._closed:
                    return
                if self._urgent is not None:
                    item, self._urgent = self._urgent, None
                elif self._side:
                    item = self._side.pop(0)
                else:
                    item = self._low.pop(0)
                self.busy = True
            gen, tag, i, job = item
            try:
                res, err = job(i), None
            except BaseException as e:  # noqa: BLE001 - shown in the viewer, never kills the thread
                res, err = None, e
            with self._cond:
                self.busy = False
            if not self._closed:
                self.done.emit((gen, tag, i, res, err))


class DisplayCache:
    """Frames converted for the screen (BGRA uint8, what Qt paints fastest), by (clip key, frame, kind), bounded by bytes:
    a cached frame scrubbed again skips the float -> 8-bit conversion. Thread-safe."""

    def __init__(self, max_bytes: int = 256 << 20):
        self.max_bytes = max_bytes
        self._d: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.view = ViewSettings()  # the viewer's display controls (view_controls.py)

    def get(self, clip: CachedClip, i: int, kind: str, raw: np.ndarray) -> np.ndarray:
        view = self.view
        key = (clip.key, i, kind, view.key())
        with self._lock:
            rgb = self._d.get(key)
            if rgb is not None:
                self._d.move_to_end(key)
                return rgb
        shown = apply_view(proxy_frame(raw, view.proxy), view, kind)
        rgb = draw_overlay(to_bgra(display_rgb(shown, kind)), view.overlay)
        with self._lock:
            if key not in self._d:
                self._d[key] = rgb
                self._bytes += rgb.nbytes
                while self._bytes > self.max_bytes and self._d:
                    self._bytes -= self._d.popitem(last=False)[1].nbytes
        return rgb

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._bytes = 0
