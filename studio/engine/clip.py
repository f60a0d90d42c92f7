"""Lazy clips: frames pulled by index or by chunk, never a whole movie in memory.

A frame is a numpy array ``[H, W, C]``: float32 in [0, 1], RGB for video (C=3), pixel
displacements for flow (C=2), [0, 1] for masks (C=1). Frames handed out are read-only, so
they can cross threads and be shared between consumers without copies.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterator

import numpy as np

from studio.core.errors import Cancelled, NodeExecutionError
from studio.core.values import Audio


def _readonly(a: np.ndarray) -> np.ndarray:
    if a.flags.writeable:
        a.flags.writeable = False
    return a


class CostMeter:
    """Time spent pulling frames through each node's clip, its own work only: a pull's time
    minus the time of the pulls nested in it (upstream clips measure themselves), and which
    frames were made. Costs two perf_counter calls and a few dict updates per pull of a measured
    clip; clips nobody tagged (see :meth:`Clip.measure_as`) cost nothing."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._made: dict[str, bytearray] = {}  # node id -> one byte per frame index, 1 once pulled
        self._tls = threading.local()

    def reset(self) -> None:
        self.seconds, self._made = {}, {}

    @property
    def frames(self) -> dict[str, int]:
        """node id -> how many distinct frames were pulled through its clip: a frame pulled by two
        consumers (Save Video and Metrics) counts once, so the count is the frames the node made."""
        return {nid: bits.count(1) for nid, bits in self._made.items()}

    def measure(self, node_id: str, span: tuple[int, int] | None, fn: Callable, *args):
        """Run ``fn(*args)`` as ``node_id``'s work, making frames ``[a, b)`` (``span``; None: none)."""
        stack = getattr(self._tls, "stack", None)
        if stack is None:
            stack = self._tls.stack = []
        stack.append(0.0)
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            dt = time.perf_counter() - t0
            own = dt - stack.pop()
            self.seconds[node_id] = self.seconds.get(node_id, 0.0) + own
            if span is not None:
                a, b = span
                bits = self._made.get(node_id)
                if bits is None:
                    bits = self._made[node_id] = bytearray()
                if b > len(bits):
                    bits.extend(bytes(b - len(bits)))
                bits[a:b] = b"\x01" * (b - a)
            if stack:
                stack[-1] += dt


def pulled_error(clip: "Clip", e: Exception) -> Exception:
    """An error raised while ``clip``'s frames were made, as the exception to raise: it names the
    node that made the clip (``clip.producer``), not the node that happened to pull the frames
    (a truncated file read by Track Keypoints is Load Video's failure). Left as it is when it
    already names a node, when the user stopped, or when nobody is known to have made the clip."""
    if clip.producer is None or isinstance(e, (NodeExecutionError, Cancelled)):
        return e
    return NodeExecutionError(clip.producer[0], clip.producer[1], e)


class Clip:
    """Base lazy clip. Subclasses implement ``_frame(i)`` and may override ``_chunk(a, b)``."""

    _cost: tuple[CostMeter, str] | None = None  # (meter, node id) when its pulls are measured
    preview = ""  # how it is a preview ('preview size': fewer pixels or steps than asked), else ""

    def __init__(self, n_frames: int, fps: float, width: int, height: int, channels: int = 3,
                 audio: Audio | None = None, audio_from: "Clip | None" = None):
        self._audio_from = audio_from  # a wrapping clip shares its source's sound, read lazily
        self.n_frames = int(n_frames)
        self.fps = float(fps)
        self.width = int(width)
        self.height = int(height)
        self.channels = int(channels)
        self.audio = audio
        self.producer: tuple[str, str] | None = None  # (node id, title) of the node that made it

    @property
    def audio(self) -> Audio | None:
        # iterative: a chain of 10,000 wrapping clips must not recurse 10,000 deep
        c = self
        while c._audio is None and c._audio_from is not None:
            c = c._audio_from
            if type(c).audio is not Clip.audio:  # a clip with its own (lazy) sound
                return c.audio
        return c._audio

    @audio.setter
    def audio(self, value: Audio | None) -> None:
        self._audio = value

    # -- public -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n_frames

    @property
    def duration(self) -> float:
        return self.n_frames / self.fps if self.fps > 0 else 0.0

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.height, self.width, self.channels)

    def _check_index(self, i: int) -> int:
        i = int(i)
        if i < 0:
            i += self.n_frames
        if not 0 <= i < self.n_frames:
            raise IndexError(f"frame {i} is outside the clip (0..{self.n_frames - 1})")
        return i

    def measure_as(self, meter: CostMeter, node_id: str) -> None:
        """Count the time spent pulling this clip's frames as ``node_id``'s cost."""
        self._cost = (meter, node_id)

    @property
    def measured(self) -> tuple[CostMeter, str] | None:
        """(meter, node id) when this clip's pulls are measured (``measure_as``), else None."""
        return self._cost

    def frame(self, i: int) -> np.ndarray:
        if type(i) is not int or not 0 <= i < self.n_frames:  # the common case costs one test
            i = self._check_index(i)
        cost = self._cost
        try:
            f = self._frame(i) if cost is None else cost[0].measure(cost[1], (i, i + 1), self._frame, i)
        except Exception as e:  # noqa: BLE001 - named as its maker's failure (pulled_error says which)
            err = pulled_error(self, e)
            if err is e:
                raise
            raise err from e
        if f.flags.writeable:
            f.flags.writeable = False
        return f

    def chunk(self, a: int, b: int) -> np.ndarray:
        """Frames [a, b) stacked: [b-a, H, W, C]."""
        a = max(0, int(a))
        b = min(self.n_frames, int(b))
        if b <= a:
            return np.zeros((0, self.height, self.width, self.channels), np.float32)
        cost = self._cost
        try:
            return _readonly(self._chunk(a, b) if cost is None else cost[0].measure(cost[1], (a, b), self._chunk, a, b))
        except Exception as e:  # noqa: BLE001 - named as its maker's failure (pulled_error says which)
            err = pulled_error(self, e)
            if err is e:
                raise
            raise err from e

    def chunks(self, size: int = 16, start: int = 0, stop: int | None = None,
               check: Callable[[], None] | None = None) -> Iterator[tuple[int, np.ndarray]]:
        stop = self.n_frames if stop is None else min(stop, self.n_frames)
        for a in range(max(0, start), stop, size):
            if check is not None:
                check()
            yield a, self.chunk(a, min(a + size, stop))

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(self.n_frames):
            yield self.frame(i)

    def map(self, fn: Callable[[np.ndarray], np.ndarray], **shape) -> "Clip":
        """A lazy clip of ``fn(frame)``; ``shape`` overrides width/height/channels."""
        return MapClip(self, fn, **shape)

    def describe(self) -> str:
        return (f"{self.n_frames} frames {self.width}x{self.height}x{self.channels} "
                f"@ {self.fps:g} fps" + (", with audio" if self.audio is not None else "")
                + (f" [PREVIEW: {self.preview}]" if self.preview else ""))

    # -- to implement -------------------------------------------------------------------------
    def _frame(self, i: int) -> np.ndarray:
        raise NotImplementedError

    def _chunk(self, a: int, b: int) -> np.ndarray:
        out = np.empty((b - a, self.height, self.width, self.channels), np.float32)
        for k in range(a, b):
            out[k - a] = self._frame(k)
        return out


class ArrayClip(Clip):
    """A clip held in memory, [T, H, W, C] float32. Only for nodes that truly need the whole clip."""

    def __init__(self, frames: np.ndarray, fps: float = 24.0, audio: Audio | None = None):
        frames = np.asarray(frames, dtype=np.float32)
        if frames.ndim == 3:
            frames = frames[..., None]
        if frames.ndim != 4:
            raise ValueError(f"frames must be [T, H, W, C], got shape {frames.shape}")
        super().__init__(frames.shape[0], fps, frames.shape[2], frames.shape[1], frames.shape[3], audio)
        self.frames = _readonly(frames)

    def _frame(self, i: int) -> np.ndarray:
        return self.frames[i]

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return self.frames[a:b]


SPILL_BYTES = 1024 ** 3  # a clip made whole past this size is kept in a file, not in memory


def frames_buffer(shape: tuple[int, ...], spill_bytes: int | None = None) -> tuple[np.ndarray, str | None]:
    """An empty float32 array of ``shape`` ([T, H, W, C]) for a node that must make a clip whole (a
    video model's overlapping windows blend into it), and where it lives: None for memory; past
    ``spill_bytes`` (default :data:`SPILL_BYTES`) a memory-mapped temporary file in Studio's cache
    folder, already unlinked (it goes when the last view of the clip does, a crash leaves nothing),
    so host memory holds only the pages in use: 1,000 frames at 832x480 are 4.8 GB that the system
    writes back to disk instead of keeping. The file's space is reserved up front (a disk filling
    up later would kill the process on a write to the map); where that cannot be done or fails,
    the buffer is in memory and the reason is returned (the caller says it)."""
    nbytes = int(np.prod(shape, dtype=np.int64)) * 4
    limit = SPILL_BYTES if spill_bytes is None else spill_bytes
    if nbytes <= limit:
        return np.empty(shape, np.float32), None
    import os
    import tempfile

    from studio.core.manifest import cache_dir
    folder = os.path.join(cache_dir(), "clips")
    if not hasattr(os, "posix_fallocate"):
        return np.empty(shape, np.float32), "in memory (this system cannot reserve a file's space up front)"
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as f:  # unlinked at once; the map keeps the data
            os.posix_fallocate(f.fileno(), 0, max(1, nbytes))
            arr = np.memmap(f, np.float32, "w+", shape=tuple(shape))
    except OSError as e:
        return np.empty(shape, np.float32), f"in memory: no room for it in {folder} ({e.strerror or e})"
    return arr, folder


class StillClip(Clip):
    """One image repeated ``n_frames`` times (an Image on a Video input)."""

    def __init__(self, image: np.ndarray, n_frames: int = 1, fps: float = 24.0):
        image = np.asarray(image, dtype=np.float32)
        if image.ndim == 2:
            image = image[..., None]
        super().__init__(n_frames, fps, image.shape[1], image.shape[0], image.shape[2])
        self.image = _readonly(image)

    def _frame(self, i: int) -> np.ndarray:
        return self.image

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return np.broadcast_to(self.image, (b - a,) + self.image.shape)


class MapClip(Clip):
    def __init__(self, src: Clip, fn: Callable[[np.ndarray], np.ndarray], **shape):
        super().__init__(shape.get("n_frames", src.n_frames), shape.get("fps", src.fps),
                         shape.get("width", src.width), shape.get("height", src.height),
                         shape.get("channels", src.channels), shape.get("audio"), audio_from=src)
        self.src, self.fn = src, fn
        self.preview = src.preview

    def _frame(self, i: int) -> np.ndarray:
        return self.fn(self.src.frame(i))


def as_clip(value: Any, n_frames: int = 1, fps: float = 24.0) -> Clip:
    """Clips pass through; an image (H, W, C array) becomes a still clip."""
    if isinstance(value, Clip):
        return value
    if isinstance(value, np.ndarray) and value.ndim in (2, 3):
        return StillClip(value, n_frames, fps)
    raise TypeError(f"expected a clip or an image, got {type(value).__name__}")
