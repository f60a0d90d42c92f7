"""Lazy clips: frames pulled by index or by chunk, never a whole movie in memory.

A frame is a numpy array ``[H, W, C]``: float32 in [0, 1], RGB for video (C=3), pixel
displacements for flow (C=2), [0, 1] for masks (C=1). Frames handed out are read-only, so
they can cross threads and be shared between consumers without copies.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Iterator

import numpy as np

from studio.core.errors import Cancelled, NodeExecutionError, StudioError
from studio.core.values import Audio


def _readonly(a: np.ndarray) -> np.ndarray:
    if a.flags.writeable:
        a.flags.writeable = False
    return a


class CostMeter:
    """Time spent pulling frames through each node's clip, its own work only: a pull's time
    minus the time of the pulls nested in it (upstream clips measure themselves). Costs two
    perf_counter calls and a few dict updates per pull of a measured clip; clips nobody tagged
    (see :meth:`Clip.measure_as`) cost nothing."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.frames: dict[str, int] = {}
        self._tls = threading.local()

    def reset(self) -> None:
        self.seconds, self.frames = {}, {}

    def measure(self, node_id: str, n_frames: int, fn: Callable, *args):
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
            if n_frames:
                self.frames[node_id] = self.frames.get(node_id, 0) + n_frames
            if stack:
                stack[-1] += dt


class Clip:
    """Base lazy clip. Subclasses implement ``_frame(i)`` and may override ``_chunk(a, b)``."""

    _cost: tuple[CostMeter, str] | None = None  # (meter, node id) when its pulls are measured

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

    def frame(self, i: int) -> np.ndarray:
        if type(i) is not int or not 0 <= i < self.n_frames:  # the common case costs one test
            i = self._check_index(i)
        cost = self._cost
        f = self._frame(i) if cost is None else cost[0].measure(cost[1], 1, self._frame, i)
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
        return _readonly(self._chunk(a, b) if cost is None else cost[0].measure(cost[1], b - a, self._chunk, a, b))

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
                f"@ {self.fps:g} fps" + (", with audio" if self.audio is not None else ""))

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

    def _frame(self, i: int) -> np.ndarray:
        return self.fn(self.src.frame(i))


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


def as_clip(value: Any, n_frames: int = 1, fps: float = 24.0) -> Clip:
    """Clips pass through; an image (H, W, C array) becomes a still clip."""
    if isinstance(value, Clip):
        return value
    if isinstance(value, np.ndarray) and value.ndim in (2, 3):
        return StillClip(value, n_frames, fps)
    raise TypeError(f"expected a clip or an image, got {type(value).__name__}")


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
        return _pull.pull_chain(self, i) if self._single is not None else _pull.pull_graph(self, i)

    # -- what studio.engine.pull needs ----------------------------------------------------------
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
        if type(out) is not np.ndarray or out.dtype != np.float32:
            out = np.asarray(out, dtype=np.float32)
        if out.ndim == 2:
            out = out[..., None]
        return out

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
        if type(out) is not np.ndarray or out.dtype != np.float32:
            out = np.asarray(out, dtype=np.float32)
        if out.ndim == 2:
            out = out[..., None]
        return out


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


from . import pull as _pull  # noqa: E402 - the loops that replace recursion (see pull.py); it needs FrameNodeClip

_pull.NODE_CLIP = FrameNodeClip
