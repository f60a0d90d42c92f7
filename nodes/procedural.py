"""Procedural generators whose parameters follow Features over time (loudness, onsets, motion
magnitude...): the building blocks of music visualisers. Frames are drawn on demand."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice, Color, Float, Int, Seed, String
from studio.core.spec import SOURCE, In, Node, Out
from studio.core.values import Features
from studio.engine.clip import Clip

from .synthetic import SHAPES, draw_shape


def drive_signal(features: Features | None, column: str, n_frames: int, fps: float) -> np.ndarray:
    """One column of per-frame Features as a float array of ``n_frames`` values in [0, 1].

    ``column`` is an index ("0") or a column name ("loudness"). Clip-level features give a
    constant; no features give zeros. Resampled by time when the fps differ."""
    if features is None:
        return np.zeros(n_frames, np.float32)
    data = features.data.detach().cpu().numpy() if hasattr(features.data, "detach") else np.asarray(features.data)
    data = np.asarray(data, np.float32)
    if data.ndim == 1:
        data = data[None, :]
    if column.strip().lstrip("-").isdigit():
        k = int(column)
    elif features.names and column in features.names:
        k = features.names.index(column)
    else:
        raise ValueError(f"features have no column '{column}' (columns: "
                         f"{', '.join(features.names or [str(i) for i in range(data.shape[-1])])})")
    if not -data.shape[1] <= k < data.shape[1]:
        raise ValueError(f"column {k} is outside the features' {data.shape[1]} columns")
    sig = data[:, k]
    if not np.isfinite(sig).all():
        raise ValueError("the driving features contain NaN or infinite values")
    if len(sig) == 1:
        sig = np.repeat(sig, n_frames)
    else:
        src_fps = features.fps or fps
        t = np.arange(n_frames) / fps
        sig = np.interp(t, np.arange(len(sig)) / src_fps, sig)
    lo, hi = float(sig.min()), float(sig.max())
    return ((sig - lo) / (hi - lo) if hi > lo else np.zeros_like(sig)).astype(np.float32)


def _driven(features: Features | None, p) -> tuple[int, np.ndarray]:
    """(frame count, drive signal) of a procedural node: as long as its per-frame features,
    else its ``frames`` parameter; the signal is the chosen column in [0, 1]."""
    n = p.frames
    if features is not None and features.per_frame and len(features) > 1:
        n = int(round(len(features) * p.fps / (features.fps or p.fps)))
    return n, drive_signal(features, p.column, n, p.fps)


_COMMON = (
    Int("frames", 96, min=1, max=1_000_000, help="length when no per-frame features drive it"),
    Float("fps", 24.0, min=1.0, max=240.0),
    Int("width", 0, min=0, max=4096, special="auto",
        help="auto: the width of the clip on 'like' (the plate it goes over), else 320"),
    Int("height", 0, min=0, max=4096, special="auto",
        help="auto: the height of the clip on 'like' (the plate it goes over), else 240"),
    String("column", "0", help="which feature drives it: an index or a name such as 'loudness'"),
    Float("amount", 1.0, min=0.0, max=10.0, help="how strongly the feature drives it"),
)


_LIKE = In("like", "Video", optional=True, help="a clip to take the size from (width/height auto): the "
                                               "plate this element is composited over")
_ALPHA = Out("alpha", "Mask", help="where the element is (its coverage): connect it to Composite's 'mask'")


def _size(p, like) -> tuple[int, int]:
    """(width, height): as set, or the ``like`` clip's (issue 35: an element follows the plate it
    goes over), else 320x240."""
    w = p.width or (like.width if like is not None else 320)
    h = p.height or (like.height if like is not None else 240)
    if min(w, h) < 16:
        raise ValueError(f"the frame would be {w}x{h}: 16x16 is the smallest")
    return int(w), int(h)


class _CoverageClip(Clip):
    """The alpha of a generated element: its clip's ``coverage(i)`` ([H, W] in [0, 1])."""

    def __init__(self, element: Clip):
        super().__init__(element.n_frames, element.fps, element.width, element.height, 1)
        self.element = element

    def _frame(self, i):
        return self.element.coverage(i)[..., None]


class _NoiseClip(Clip):
    def __init__(self, n, fps, w, h, drive, scale, speed, octaves, c0, c1, amount, seed):
        super().__init__(n, fps, w, h, 3)
        rng = np.random.default_rng(seed)
        self.layers = []
        for o in range(octaves):
            cells = max(2, int(scale * 2 ** o))
            # a periodic noise volume per octave: (time slices, cells, cells)
            self.layers.append(rng.random((16, cells + 1, int(cells * w / h) + 1), dtype=np.float32))
        self.drive, self.speed, self.amount = drive, speed, amount
        # time advances faster when the drive is high
        self.phase = np.cumsum(speed * (1.0 + amount * 2.0 * drive)) / fps
        self.c0 = np.array(c0, np.float32)
        self.c1 = np.array(c1, np.float32)

    def _frame(self, i):
        acc = np.zeros((self.height, self.width), np.float32)
        norm = 0.0
        for o, vol in enumerate(self.layers):
            t = self.phase[i] * (1.5 ** o) % vol.shape[0]
            a, f = int(t), t - int(t)
            sl = vol[a] * (1 - f) + vol[(a + 1) % vol.shape[0]] * f
            acc += cv2.resize(sl, (self.width, self.height), interpolation=cv2.INTER_CUBIC) * (0.5 ** o)
            norm += 0.5 ** o
        v = np.clip(acc / norm, 0, 1)
        v = np.clip(v * (0.6 + 0.8 * self.amount * self.drive[i]), 0, 1)
        return self.c0 + v[..., None] * (self.c1 - self.c0)


class NoiseField(Node):
    """Animated fractal noise between two colours; a feature speeds it up and brightens it."""
    id = "procedural.noise"
    title = "Noise Field"
    category = "Procedural"
    timing = SOURCE
    inputs = (In("drive", "Features", optional=True, help="per-frame features (e.g. loudness)"), _LIKE)
    outputs = (Out("video", "Video"),)
    params = _COMMON + (
        Float("scale", 4.0, min=1.0, max=64.0, help="noise cells across the height"),
        Float("speed", 1.0, min=0.0, max=20.0, help="how fast the field evolves"),
        Int("octaves", 3, min=1, max=6),
        Color("color_a", "#0b1030"), Color("color_b", "#ff7a30"),
        Seed("seed", 0),
    )

    def run(self, ctx, drive=None, like=None):
        p = ctx.params
        n, sig = _driven(drive, p)
        return _NoiseClip(n, p.fps, *_size(p, like), sig, p.scale, p.speed, p.octaves,
                          Color.rgb(p.color_a), Color.rgb(p.color_b), p.amount, ctx.seed)


class _ParticleClip(Clip):
    def __init__(self, n, fps, w, h, drive, count, spread, size, color, amount, seed):
        super().__init__(n, fps, w, h, 3)
        rng = np.random.default_rng(seed)
        self.angle = rng.uniform(0, 2 * np.pi, count).astype(np.float32)
        self.speed = rng.uniform(0.3, 1.0, count).astype(np.float32)
        self.r0 = rng.uniform(0, 1, count).astype(np.float32)
        # distance travelled: steady drift plus bursts where the drive is high
        self.travel = np.cumsum(0.004 + 0.04 * amount * drive ** 2).astype(np.float32)
        self.drive, self.spread, self.size = drive, spread, size
        self.color = np.array(color, np.float32)

    def coverage(self, i):
        w, h = self.width, self.height
        r = ((self.r0 + self.travel[i] * self.speed) % 1.0) * self.spread * 0.5 * min(w, h)
        x = (w / 2 + r * np.cos(self.angle)).astype(np.int32)
        y = (h / 2 + r * np.sin(self.angle)).astype(np.int32)
        ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        acc = np.zeros((h, w), np.float32)
        np.add.at(acc, (y[ok], x[ok]), 1.0)
        sigma = self.size * (1.0 + 1.5 * self.drive[i])
        glow = cv2.GaussianBlur(acc, (0, 0), sigma) * (2 * np.pi * sigma ** 2) * 0.6
        return np.clip(glow, 0, 1)

    def _frame(self, i):
        return self.coverage(i)[..., None] * self.color


class Particles(Node):
    """Particles streaming out from the centre; bursts and glow follow a feature."""
    id = "procedural.particles"
    title = "Particles"
    category = "Procedural"
    timing = SOURCE
    inputs = (In("drive", "Features", optional=True, help="per-frame features (e.g. onsets)"), _LIKE)
    outputs = (Out("video", "Video"), _ALPHA)
    params = _COMMON + (
        Int("count", 400, min=1, max=100_000),
        Float("spread", 1.2, min=0.1, max=4.0, help="how far they fly, in half-frame units"),
        Float("size", 1.5, min=0.3, max=20.0, help="glow radius in pixels"),
        Color("color", "#9ad8ff"),
        Seed("seed", 0),
    )

    def run(self, ctx, drive=None, like=None):
        p = ctx.params
        n, sig = _driven(drive, p)
        clip = _ParticleClip(n, p.fps, *_size(p, like), sig, p.count, p.spread, p.size,
                             Color.rgb(p.color), p.amount, ctx.seed)
        return {"video": clip, "alpha": _CoverageClip(clip)}


class _PulseClip(Clip):
    def __init__(self, n, fps, w, h, drive, shape, size, color, amount, spin):
        super().__init__(n, fps, w, h, 3)
        self.drive, self.kind, self.size, self.amount, self.spin = drive, shape, size, amount, spin
        self.color = np.array(color, np.float32)

    def _radius(self, i) -> float:
        return self.size * (1.0 + self.amount * float(self.drive[i])) * min(self.width, self.height) / 2

    def _frame(self, i):
        img = np.zeros((self.height, self.width, 3), np.float32)
        d = float(self.drive[i])
        hue_shift = np.roll(self.color, int(self.spin * i) % 3) if self.spin else self.color
        col = np.clip(hue_shift * (0.5 + 0.5 * d) + 0.15 * d, 0, 1)
        draw_shape(img, self.kind, col, self.width / 2, self.height / 2, self._radius(i))
        return img

    def coverage(self, i):
        img = np.zeros((self.height, self.width), np.float32)
        draw_shape(img, self.kind, (1.0,), self.width / 2, self.height / 2, self._radius(i))
        return img


class ShapePulse(Node):
    """A shape in the centre whose size and brightness follow a feature (a beat, loudness)."""
    id = "procedural.pulse"
    title = "Shape Pulse"
    category = "Procedural"
    timing = SOURCE
    inputs = (In("drive", "Features", optional=True), _LIKE)
    outputs = (Out("video", "Video"), _ALPHA)
    params = _COMMON + (
        Choice("shape", "circle", choices=SHAPES),
        Float("size", 0.3, min=0.01, max=2.0, help="radius as a fraction of half the frame"),
        Color("color", "#ff3060"),
        Float("spin", 0.0, min=0.0, max=1.0, help="cycle the colour channels over time"),
    )

    def run(self, ctx, drive=None, like=None):
        p = ctx.params
        n, sig = _driven(drive, p)
        clip = _PulseClip(n, p.fps, *_size(p, like), sig, p.shape, p.size, Color.rgb(p.color), p.amount, p.spin)
        return {"video": clip, "alpha": _CoverageClip(clip)}


class Blend(Node):
    """Combine two clips: add (light), screen, multiply or mix."""
    id = "transform.blend"
    keywords = ("merge", "dissolve", "mix", "plus", "screen", "multiply", "comp")
    title = "Blend"
    category = "Transform"
    timing = "frame"
    inputs = (In("a", "Video"), In("b", "Video"))
    outputs = (Out("video", "Video"),)
    params = (Choice("mode", "screen", choices=("add", "screen", "multiply", "mix")),
              Float("opacity", 1.0, min=0.0, max=1.0, help="how much of b"))

    def frame(self, ctx, i, a, b):
        p = ctx.params
        if b.shape != a.shape:
            b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR).reshape(a.shape)
        if p.mode == "add":
            out = a + b
        elif p.mode == "screen":
            out = 1 - (1 - a) * (1 - b)
        elif p.mode == "multiply":
            out = a * b
        else:
            out = b
        o = np.float32(p.opacity)
        return np.clip(a + (out - a) * o, 0, 1)


class SolidColour(Node):
    """One colour over every frame: a plate, a background, ComfyUI's EmptyImage made a clip; with a clip on
    'like', that clip's size, length and frame rate (a plate to composite over it)."""
    id = "procedural.solid"
    title = "Solid Colour"
    category = "Procedural"
    timing = SOURCE
    inputs = (In("like", "Video", optional=True,
                 help="a clip whose width, height, frames and fps the plate takes (its settings for them unused)"),)
    outputs = (Out("video", "Video"),)
    params = (
        Int("frames", 24, min=1, max=1_000_000),
        Float("fps", 24.0, min=1.0, max=240.0),
        Int("width", 320, min=16, max=4096),
        Int("height", 240, min=16, max=4096),
        Color("color", "#000000"),
    )

    def run(self, ctx, like=None):
        from studio.engine.clip import StillClip
        p = ctx.params
        w, h, n, fps = (like.width, like.height, len(like), like.fps) if like is not None else \
            (p.width, p.height, p.frames, p.fps)
        image = np.empty((h, w, 3), np.float32)
        image[...] = Color.rgb(p.color)
        return StillClip(image, n, fps)
