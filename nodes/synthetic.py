"""Synthetic sources: moving coloured shapes with a caption and a sound track, so demos,
tests and training need no outside media."""
from __future__ import annotations

import math

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Float, Int, Seed
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Audio, LazyAudio
from studio.engine.clip import Clip

COLORS: dict[str, tuple[float, float, float]] = {
    "red": (0.9, 0.1, 0.1), "green": (0.1, 0.8, 0.2), "blue": (0.15, 0.3, 0.95),
    "yellow": (0.95, 0.9, 0.1), "magenta": (0.9, 0.1, 0.85), "cyan": (0.1, 0.85, 0.9),
    "white": (0.95, 0.95, 0.95), "orange": (1.0, 0.55, 0.05),
}
SHAPES = ("circle", "square", "triangle")
DIRECTIONS: dict[str, tuple[float, float]] = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
BACKGROUNDS = ("black", "grey", "gradient", "texture")


def article(word: str) -> str:
    """'a' or 'an' before ``word`` (by its first letter: enough for the colour and shape words)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def caption(shapes: list[dict]) -> str:
    parts = [f"{article(s['color'])} {s['color']} {s['shape']} moving {s['direction']}" for s in shapes]
    return " and ".join(parts)


def background(kind: str, h: int, w: int, seed: int = 0) -> np.ndarray:
    if kind == "black":
        return np.zeros((h, w, 3), np.float32)
    if kind == "grey":
        return np.full((h, w, 3), 0.35, np.float32)
    if kind == "gradient":
        y = np.linspace(0.1, 0.4, h, dtype=np.float32)[:, None, None]
        x = np.linspace(0.0, 0.2, w, dtype=np.float32)[None, :, None]
        return np.broadcast_to(y + x * np.array([0.3, 0.2, 1.0], np.float32), (h, w, 3)).copy()
    # a calm two-scale texture (cool grey-blue): enough detail for optical flow, easy on the eye
    rng = np.random.default_rng(seed)
    coarse = cv2.resize(rng.random((max(2, h // 24), max(2, w // 24)), dtype=np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    fine = cv2.resize(rng.random((max(2, h // 6), max(2, w // 6)), dtype=np.float32), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    v = np.clip(0.65 * coarse + 0.35 * fine, 0, 1)[..., None]
    return np.clip(np.array([0.10, 0.13, 0.20], np.float32) + v * np.array([0.22, 0.26, 0.32], np.float32),
                   0, 1).astype(np.float32)


def draw_shape(img: np.ndarray, shape: str, color, cx: float, cy: float, r: float) -> None:
    """Anti-aliased shape drawn in place on a float32 RGB image (sub-pixel centre)."""
    sh = 4  # fixed-point bits: sub-pixel positions move smoothly
    k = 1 << sh
    c = tuple(float(v) for v in color)
    if shape == "circle":
        cv2.circle(img, (int(round(cx * k)), int(round(cy * k))), int(round(r * k)), c, -1, cv2.LINE_AA, sh)
    elif shape == "square":
        pts = np.array([[cx - r, cy - r], [cx + r, cy - r], [cx + r, cy + r], [cx - r, cy + r]])
        cv2.fillPoly(img, [np.round(pts * k).astype(np.int32)], c, cv2.LINE_AA, sh)
    else:
        pts = np.array([[cx, cy - r * 1.1], [cx + r * 1.05, cy + r * 0.8], [cx - r * 1.05, cy + r * 0.8]])
        cv2.fillPoly(img, [np.round(pts * k).astype(np.int32)], c, cv2.LINE_AA, sh)


class ShapesClip(Clip):
    """Frame i drawn on demand: each shape at start + velocity * i (wrapping around the frame)."""

    def __init__(self, shapes: list[dict], n_frames: int, fps: float, width: int, height: int,
                 bg: str = "black", seed: int = 0, audio: Audio | None = None):
        super().__init__(n_frames, fps, width, height, 3, audio)
        self.shapes = shapes
        self.bg = background(bg, height, width, seed)

    def position(self, s: dict, i: int) -> tuple[float, float]:
        dx, dy = DIRECTIONS[s["direction"]]
        x = (s["x0"] + dx * s["speed"] * i) % self.width
        y = (s["y0"] + dy * s["speed"] * i) % self.height
        return x, y

    def _frame(self, i: int) -> np.ndarray:
        img = self.bg.copy()
        for s in self.shapes:
            x, y = self.position(s, i)
            # draw wrapped copies so a shape crossing an edge shows on both sides
            for ox in (-self.width, 0, self.width):
                for oy in (-self.height, 0, self.height):
                    if -s["size"] * 1.2 <= x + ox <= self.width + s["size"] * 1.2 and \
                            -s["size"] * 1.2 <= y + oy <= self.height + s["size"] * 1.2:
                        draw_shape(img, s["shape"], COLORS[s["color"]], x + ox, y + oy, s["size"])
        return img


def shapes_audio(shapes: list[dict], n_frames: int, fps: float, width: int, rate: int = 22050) -> Audio:
    """A tone per shape whose pitch rises with its x position, panned left/right, with a click
    on every beat (two per second). Lazy: any slice is computed on demand from a closed form
    (the phase is the exact integral of the frequency), so a million-frame clip costs nothing
    until a render asks for the few seconds it writes, and any slice equals the same samples
    of the whole track."""
    n = int(round(n_frames / fps * rate))
    nc = int(0.03 * rate)
    click = ((np.exp(-np.arange(nc) / (0.004 * rate)) * np.sin(2 * np.pi * 1500 * np.arange(nc) / rate))
             * 0.5).astype(np.float32)
    ln2 = math.log(2.0)
    voices = []
    for k, s in enumerate(shapes):
        dx, _ = DIRECTIONS[s["direction"]]
        # x(t) = frac(u0 + v t): u in "frame widths", v in widths per second
        voices.append((220.0 * 2.0 ** (k * 0.5), s["x0"] / width, dx * s["speed"] * fps / width))

    def g(w: np.ndarray) -> np.ndarray:
        """Integral of 2 ** frac(y) dy from 0 to w."""
        fl = np.floor(w)
        return (fl + (np.exp2(w - fl) - 1.0)) / ln2

    def render(a: int, b: int) -> np.ndarray:
        out = np.zeros((b - a, 2), np.float32)
        t = np.arange(a, b, dtype=np.float64) / rate
        for base, u0, v in voices:
            u = u0 + v * t
            x = u - np.floor(u)
            if v == 0.0:
                ph = 2 * np.pi * base * np.exp2(x) * t
            else:
                ph = 2 * np.pi * base * (g(u) - g(np.float64(u0))) / v
            tone = 0.15 * np.sin(ph)
            out[:, 0] += (tone * (1 - x)).astype(np.float32)
            out[:, 1] += (tone * x).astype(np.float32)
        half = rate // 2
        for s0 in range((a // half) * half, b, half):  # the beats that reach into [a, b)
            lo, hi = max(a, s0), min(b, s0 + nc, n)
            if hi > lo:
                out[lo - a:hi - a] += click[lo - s0:hi - s0, None]
        return out

    return LazyAudio(render, n, 2, rate)


def make_shapes(count: int, seed: int, width: int, height: int, n_frames: int, size: float,
                speed: float, shape: str = "random", color: str = "random", direction: str = "random") -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        d = direction if (k == 0 and direction != "random") else str(rng.choice(list(DIRECTIONS)))
        s = {"shape": shape if (k == 0 and shape != "random") else str(rng.choice(SHAPES)),
             "color": color if (k == 0 and color != "random") else str(rng.choice(list(COLORS))),
             "direction": d, "size": float(size), "speed": float(speed)}
        dx, dy = DIRECTIONS[d]
        # centre the path so a short clip keeps the shape in view
        cx = width / 2 + (rng.random() - 0.5) * width * (0.5 if dx == 0 else 0.15)
        cy = height / 2 + (rng.random() - 0.5) * height * (0.5 if dy == 0 else 0.15)
        s["x0"] = cx - dx * speed * (n_frames - 1) / 2
        s["y0"] = cy - dy * speed * (n_frames - 1) / 2
        out.append(s)
    return out


class SyntheticShapes(Node):
    """Moving coloured shapes with a caption ("a red circle moving left") and a sound track.
    Frames are drawn on demand, so a clip of any length costs no memory."""
    id = "source.shapes"
    title = "Synthetic Shapes"
    category = "Input"
    timing = SOURCE
    outputs = (Out("video", "Video"), Out("caption", "Text"), Out("audio", "Audio"))
    params = (
        Int("frames", 48, min=1, max=1_000_000, help="number of frames"),
        Float("fps", 24.0, min=1.0, max=240.0, help="frames per second"),
        Int("width", 320, min=16, max=4096, help="frame width in pixels"),
        Int("height", 240, min=16, max=4096, help="frame height in pixels"),
        Int("count", 1, min=1, max=16, help="number of shapes"),
        Choice("shape", "circle", choices=("random",) + SHAPES, help="the first shape's kind"),
        Choice("color", "red", choices=("random",) + tuple(COLORS), help="the first shape's colour"),
        Choice("direction", "left", choices=("random",) + tuple(DIRECTIONS), help="the first shape's motion"),
        Float("size", 24.0, min=2.0, max=1000.0, help="shape radius in pixels"),
        Float("speed", 2.0, min=0.0, max=100.0, help="pixels per frame"),
        Choice("background", "gradient", choices=BACKGROUNDS, help="what lies behind the shapes"),
        Bool("sound", True, help="make a sound track (tones that follow the shapes, a beat)"),
        Seed("seed", 0, help="places the shapes and picks the random choices"),
    )

    def run(self, ctx, **_):
        p = ctx.params
        shapes = make_shapes(p.count, p.seed, p.width, p.height, p.frames, p.size, p.speed,
                             p.shape, p.color, p.direction)
        audio = shapes_audio(shapes, p.frames, p.fps, p.width) if p.sound else None
        clip = ShapesClip(shapes, p.frames, p.fps, p.width, p.height, p.background, p.seed, audio)
        return {"video": clip, "caption": caption(shapes), "audio": audio}
