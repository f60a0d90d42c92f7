"""Finishing looks applied frame by frame, as the effect packs apply them: film grain (seeded noise, the same
for a seed and a frame whatever is rendered around it), a vignette (the picture darkened towards its corners),
a Gaussian blur and sharpening by an unsharp mask. Vectorised over each frame; lazy (a frame is made as it is pulled)."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Float, Int, Seed
from studio.core.spec import FRAME, In, Node, Out


def grain(frame: np.ndarray, amount: float, size: float, colour: bool, seed: int, i: int) -> np.ndarray:
    """``frame`` + amount x noise (zero mean, standard deviation 1 after a blur of ``size`` pixels makes it
    coarser), one noise for every channel unless ``colour``; clipped to 0..1."""
    h, w, c = frame.shape
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(i)])
    n = rng.standard_normal((h, w, c if colour else 1), dtype=np.float32)
    if size > 0:
        n = cv2.GaussianBlur(n, (0, 0), size).reshape(h, w, -1)
        sd = float(n.std())
        n = n / sd if sd > 0 else n
    return np.clip(frame + np.float32(amount) * n, 0.0, 1.0)


def vignette_gain(h: int, w: int, strength: float, radius: float, softness: float) -> np.ndarray:
    """[h, w, 1]: 1 inside ``radius`` (the distance from the centre, 1 at a corner), falling smoothly to
    1 - strength at ``radius + softness`` and beyond."""
    y = (np.arange(h, dtype=np.float32) + 0.5 - h / 2) / (h / 2)
    x = (np.arange(w, dtype=np.float32) + 0.5 - w / 2) / (w / 2)
    d = np.sqrt((x[None, :] ** 2 + y[:, None] ** 2) / 2.0)
    t = np.clip((d - radius) / max(softness, 1e-6), 0.0, 1.0)
    return (1.0 - strength * t * t * (3 - 2 * t))[..., None].astype(np.float32)


def blurred(frame: np.ndarray, sigma: float, reach: int = 0) -> np.ndarray:
    """``frame`` blurred by a Gaussian of ``sigma`` pixels, its kernel cut at ``reach`` pixels from its centre
    (and normalised; the edges reflected), 0: as far as the sigma asks."""
    h, w, _ = frame.shape
    k = (2 * reach + 1,) * 2 if reach > 0 else (0, 0)
    return cv2.GaussianBlur(frame, k, max(sigma, 1e-3)).reshape(h, w, -1)


def unsharp(frame: np.ndarray, amount: float, radius: float, threshold: float, reach: int = 0) -> np.ndarray:
    """frame + amount x (frame - its Gaussian blur of sigma ``radius``), where that difference is over
    ``threshold``; clipped to 0..1. ``reach``: the blur's kernel cut at that many pixels from its centre (and
    normalised; the edges reflected), 0: as far as the sigma asks."""
    detail = frame - blurred(frame, radius, reach)
    if threshold > 0:
        detail = np.where(np.abs(detail) > threshold, detail, 0.0)
    return np.clip(frame + np.float32(amount) * detail, 0.0, 1.0).astype(np.float32)


class Grain(Node):
    """Film grain: seeded noise added to every frame (its own noise each frame, the same for a seed and a frame
    whatever else is rendered), 'amount' its standard deviation, 'size' how coarse (a blur of the noise, in
    pixels), one noise for all channels (monochrome) or one per channel (colour)."""
    id = "edit.grain"
    keywords = ("film grain", "noise", "grain", "texture")
    title = "Grain"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("amount", 0.05, min=0.0, max=1.0, help="the noise's standard deviation (of 0..1 values)"),
              Float("size", 0.0, min=0.0, max=16.0, help="how coarse the grain is: the noise blurred by this many "
                                                         "pixels (0: one grain a pixel)"),
              Bool("colour", False, help="a noise of its own in each channel (off: the same in all: monochrome)"),
              Seed("seed", 0))

    def frame(self, ctx, i, video):
        p = ctx.params
        return grain(video, p.amount, p.size, p.colour, p.seed, i) if p.amount else video.copy()


class Vignette(Node):
    """Darken the picture towards its corners: full brightness within 'radius' of the centre (1 reaches a
    corner), falling smoothly over 'softness' to 1 - 'strength'."""
    id = "edit.vignette"
    keywords = ("vignette", "vignetting", "dark corners", "lens")
    title = "Vignette"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("strength", 0.5, min=0.0, max=1.0, help="how dark the corners get (1: black)"),
              Float("radius", 0.5, min=0.0, max=1.5, help="where the darkening starts: 0 the centre, 1 a corner"),
              Float("softness", 0.5, min=0.0, max=2.0, help="over how far it falls to its darkest"))

    def frame(self, ctx, i, video):
        p = ctx.params
        h, w = video.shape[:2]
        return (video * vignette_gain(h, w, p.strength, p.radius, p.softness)).astype(np.float32)


class Sharpen(Node):
    """Unsharp mask: each frame plus 'amount' times its detail (the frame less its Gaussian blur of 'radius'
    pixels, its kernel cut at 'reach' pixels where set, as ComfyUI's Image Sharpen cuts it), only where that
    detail is over 'threshold'."""
    id = "edit.sharpen"
    keywords = ("sharpen", "unsharp mask", "crisp", "detail")
    title = "Sharpen"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("amount", 0.5, min=0.0, max=50.0, help="how much detail is added"),
              Float("radius", 1.0, min=0.01, max=1024.0, help="the blur's sigma in pixels (the size of detail)"),
              Float("threshold", 0.0, min=0.0, max=1.0, help="detail smaller than this is left as it is"),
              Int("reach", 0, min=0, max=64, help="the blur's kernel cut at this many pixels from its centre "
                                                 "(0: as far as the sigma asks)"))

    def frame(self, ctx, i, video):
        p = ctx.params
        return unsharp(video, p.amount, p.radius, p.threshold, p.reach) if p.amount else video.copy()


class Blur(Node):
    """Gaussian blur of every frame: 'radius' its sigma in pixels, its kernel cut at 'reach' pixels where set (as
    ComfyUI's Image Blur cuts it)."""
    id = "edit.blur"
    keywords = ("blur", "gaussian blur", "soften", "defocus")
    title = "Blur"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("radius", 1.0, min=0.01, max=1024.0, help="the Gaussian's sigma in pixels"),
              Int("reach", 0, min=0, max=256, help="the kernel cut at this many pixels from its centre (0: as far "
                                                  "as the sigma asks)"))

    def frame(self, ctx, i, video):
        return blurred(video, ctx.params.radius, ctx.params.reach)
