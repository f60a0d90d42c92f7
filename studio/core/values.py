"""Values that travel on the wires, other than lazy clips (see studio.engine.clip)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass
class Audio:
    """Sampled sound: float32 ``samples`` of shape [n, channels] in [-1, 1] at ``rate`` Hz."""
    samples: np.ndarray
    rate: int

    def __post_init__(self):
        s = np.asarray(self.samples, dtype=np.float32)
        if s.ndim == 1:
            s = s[:, None]
        if s.ndim != 2:
            raise ValueError(f"audio samples must be [n, channels], got shape {s.shape}")
        self.samples = s
        self.rate = int(self.rate)
        if self.rate <= 0:
            raise ValueError(f"audio sample rate must be positive, got {self.rate}")

    @property
    def channels(self) -> int:
        return self.samples.shape[1]

    @property
    def n_samples(self) -> int:
        return self.samples.shape[0]

    @property
    def duration(self) -> float:
        return self.n_samples / self.rate

    def slice_samples(self, a: int, b: int) -> np.ndarray:
        """Samples [a, b) (clamped to the sound's length)."""
        return self.samples[max(0, a):max(0, b)]

    def slice_seconds(self, t0: float, t1: float) -> np.ndarray:
        a = max(0, int(round(t0 * self.rate)))
        b = max(a, int(round(t1 * self.rate)))
        return self.slice_samples(a, b)

    def for_frames(self, fps: float, a: int, b: int) -> np.ndarray:
        """The samples that play under video frames [a, b) at ``fps``."""
        return self.slice_seconds(a / fps, b / fps)

    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=1)


@dataclass
class Features:
    """A feature tensor: per clip ``[D]`` or per frame ``[T, D]`` (torch.Tensor).

    ``extras`` carries what a viewer can show (gate values, attention weights, column names).
    """
    data: Any
    per_frame: bool = False
    fps: float | None = None
    names: list[str] | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.data.shape[-1])

    def __len__(self) -> int:
        return int(self.data.shape[0]) if self.per_frame else 1


@dataclass
class Keypoints:
    """Point tracks: ``points`` [T, N, 2] float32 (x, y in pixels), ``visible`` [T, N] bool.

    People (Detect People, Pose Estimate) are groups of points: ``person_ids`` [P] (the id of each
    person kept across frames) with N = P x K, person p's points at ``p*K .. p*K+K-1`` in the order
    ``layout`` names ('coco17', 'wholebody133', 'box': the top-left and bottom-right corners);
    ``scores`` [T, N] are the model's confidences. Plain point tracks leave them unset."""
    points: np.ndarray
    visible: np.ndarray
    width: int
    height: int
    fps: float = 24.0
    scores: np.ndarray | None = None
    person_ids: np.ndarray | None = None
    layout: str = ""

    @property
    def n_persons(self) -> int:
        return 0 if self.person_ids is None else len(self.person_ids)

    @property
    def per_person(self) -> int:
        """Points of one person (K); 0 when the points are not people."""
        return self.n_points // self.n_persons if self.n_persons else 0

    def person_points(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Frame ``t``'s people: points [P, K, 2], visible [P, K], scores [P, K]."""
        p, k = self.n_persons, self.per_person
        sc = self.scores[t] if self.scores is not None else self.visible[t].astype(np.float32)
        return (self.points[t].reshape(p, k, 2), self.visible[t].reshape(p, k), sc.reshape(p, k))

    @property
    def n_frames(self) -> int:
        return self.points.shape[0]

    @property
    def n_points(self) -> int:
        return self.points.shape[1]


@dataclass
class CameraPath:
    """A camera's poses over a clip: ``c2w`` [T, 4, 4] float64 camera-to-world matrices relative to
    the first frame's camera (OpenCV axes: x right, y down, z forward; the first is the identity), and
    the lens as fractions of the frame (``fx`` of its width, ``fy`` of its height; ``cx``, ``cy`` the
    principal point). ``label`` says what made it ('Zoom In, speed 1', 'custom, 3 keys')."""
    c2w: np.ndarray
    fx: float = 0.5
    fy: float = 0.5
    cx: float = 0.5
    cy: float = 0.5
    label: str = ""

    @property
    def n_frames(self) -> int:
        return int(self.c2w.shape[0])


@dataclass
class Latent:
    data: Any  # torch.Tensor
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModelRef:
    """A trained network with the config that rebuilds it."""
    module: Any  # torch.nn.Module
    config: dict[str, Any]
    kind: str = ""
    # held by the engine's model cache (studio.engine.model_cache): its weights are not counted
    # against the output cache, and it must never be left modified by a node that uses it
    model_cached: bool = field(default=False, repr=False, compare=False)

    def summary(self) -> str:
        n = sum(p.numel() for p in self.module.parameters()) if hasattr(self.module, "parameters") else 0
        return f"{self.kind or type(self.module).__name__}: {n:,} parameters"

    def setup(self) -> str:
        """What loading did on this device, in plain words ("CPU: weights in RAM, fp32..."): shown
        under the loader with its model's status; '' says nothing."""
        return ""


class LazyAudio(Audio):
    """Sound computed on demand: ``render(a, b)`` gives samples [a, b) as float32 [b-a, channels].

    A synthetic sound track of a million frames is 11 hours of sound (7 GB as floats): slices
    (what a render writes, chunk by chunk) are computed when asked; only ``samples`` (the whole
    track, for nodes that need all of it) materialises it, and refuses past MAX_AUDIO_SAMPLES."""

    def __init__(self, render: Callable[[int, int], np.ndarray], n_samples: int, channels: int, rate: int):
        self._render = render
        self._n = int(n_samples)
        self._channels = int(channels)
        self.rate = int(rate)
        self._samples: np.ndarray | None = None
        if self.rate <= 0:
            raise ValueError(f"audio sample rate must be positive, got {self.rate}")

    @property
    def samples(self) -> np.ndarray:  # type: ignore[override]
        if self._samples is None:
            from .limits import MAX_AUDIO_SAMPLES
            if self._n > MAX_AUDIO_SAMPLES:
                raise ValueError(f"the sound is {self._n / self.rate / 3600:.1f} hours long; at most "
                                 f"{MAX_AUDIO_SAMPLES / 48000 / 3600:.0f} hours at 48 kHz are held at once "
                                 "(MAX_AUDIO_SAMPLES): shorten the clip")
            self._samples = np.asarray(self._render(0, self._n), np.float32).reshape(self._n, self._channels)
        return self._samples

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def n_samples(self) -> int:
        return self._n

    def slice_samples(self, a: int, b: int) -> np.ndarray:
        a, b = max(0, min(a, self._n)), max(0, min(b, self._n))
        if self._samples is not None:
            return self._samples[a:b]
        if b <= a:
            return np.zeros((0, self._channels), np.float32)
        return np.asarray(self._render(a, b), np.float32).reshape(b - a, self._channels)

    def __repr__(self) -> str:
        return f"LazyAudio({self._n} samples x {self._channels} @ {self.rate} Hz)"

    __eq__ = object.__eq__
    __hash__ = object.__hash__
