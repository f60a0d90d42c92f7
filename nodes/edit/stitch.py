"""ComfyUI's Stitch Images (ImageStitch) as a Studio operation: 'image2' joined to 'image1' to its right, below,
left of or above it, 'image2' scaled to 'image1''s height (side by side) or width (stacked) with its aspect kept
(match_image_size), or, not matched, the narrower one padded evenly about its middle; an optional strip of a
colour between them (its width made even). Its inputs, choices and ranges are ComfyUI's declared ones
(comfy_extras/nodes_images.py, read for facts); the code is Studio's own. A clip shorter than the other holds its
last frame; the frame rate and sound are image1's."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip

DIRECTIONS = ("right", "down", "left", "up")
COLOURS = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0), "red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0),
           "blue": (0.0, 0.0, 1.0)}


def _across(direction: str) -> bool:
    return direction in ("right", "left")


def matched_size(direction: str, w1: int, h1: int, w2: int, h2: int) -> tuple[int, int]:
    """image2's (width, height) scaled to image1's height (right/left) or width (down/up), its aspect kept, the
    other side's fraction dropped as ComfyUI's int() drops it (at least 1)."""
    if _across(direction):
        return max(1, int(h1 * (w2 / h2))), h1
    return w1, max(1, int(w1 / (w2 / h2)))


def _pad(frame: np.ndarray, across: bool, size: int, value: float) -> np.ndarray:
    """``frame`` padded to ``size`` rows (across) or columns (stacked), the extra split evenly (the odd pixel
    after), filled with ``value``."""
    have = frame.shape[0] if across else frame.shape[1]
    extra = size - have
    if extra <= 0:
        return frame
    before = extra // 2
    pads = ((before, extra - before), (0, 0), (0, 0)) if across else ((0, 0), (before, extra - before), (0, 0))
    return np.pad(frame, pads, constant_values=value)


def _channels(frame: np.ndarray, c: int) -> np.ndarray:
    """``frame`` with ``c`` channels: a one-channel frame made grey RGB; missing channels (an alpha) set to 1."""
    if frame.shape[2] == 1 and c >= 3:
        frame = np.repeat(frame, 3, axis=2)
    if frame.shape[2] < c:
        frame = np.concatenate([frame, np.ones(frame.shape[:2] + (c - frame.shape[2],), np.float32)], axis=2)
    return frame


class _StitchClip(Clip):
    def __init__(self, a: Clip, b: Clip, p):
        self.a, self.b, self.p = a, b, p
        across = _across(p.direction)
        self.b_size = matched_size(p.direction, a.width, a.height, b.width, b.height) if p.match_image_size \
            else (b.width, b.height)
        bw, bh = self.b_size
        self.gap = p.spacing_width + p.spacing_width % 2
        self.channels = c = max(a.channels, b.channels, 3) if min(a.channels, b.channels) == 1 \
            else max(a.channels, b.channels)
        w, h = (a.width + bw + self.gap, max(a.height, bh)) if across else (max(a.width, bw), a.height + bh + self.gap)
        super().__init__(max(a.n_frames, b.n_frames), a.fps, w, h, c, audio_from=a)

    def _frame(self, i):
        p, across = self.p, _across(self.p.direction)
        fa = np.asarray(self.a.frame(min(i, self.a.n_frames - 1)), np.float32)
        fb = np.asarray(self.b.frame(min(i, self.b.n_frames - 1)), np.float32)
        if fb.shape[1::-1] != self.b_size:
            fb = cv2.resize(fb, self.b_size, interpolation=cv2.INTER_LANCZOS4).reshape(
                self.b_size[1], self.b_size[0], -1)
        colour = COLOURS[p.spacing_color]
        fill = colour[0] if p.spacing_color in ("white", "black") else 0.0  # ComfyUI pads with a grey level only
        size = self.height if across else self.width
        fa, fb = (_channels(_pad(f, across, size, fill), self.channels) for f in (fa, fb))
        parts = [fb, fa] if p.direction in ("left", "up") else [fa, fb]
        if self.gap:
            shape = (self.height, self.gap) if across else (self.gap, self.width)
            strip = np.ones(shape + (self.channels,), np.float32)
            strip[..., :min(3, self.channels)] = colour[:min(3, self.channels)]
            parts.insert(1, strip)
        return np.ascontiguousarray(np.concatenate(parts, axis=1 if across else 0), np.float32)


class Stitch(Node):
    """Join 'image2' to 'image1': to its right, below, left of or above it (ComfyUI's Stitch Images). With
    'match_image_size' on, 'image2' is scaled (Lanczos) to 'image1''s height (right/left) or width (down/up), its
    aspect kept; off, the smaller of the two is padded evenly across (white or black as the spacing colour is,
    else black). A strip of 'spacing_width' pixels (made even) of 'spacing_color' goes between them. No 'image2':
    'image1' as it is. The longer clip sets the length (the shorter holds its last frame); image1's rate and
    sound."""
    id = "edit.stitch"
    keywords = ("image stitch", "concatenate", "side by side", "compare", "hstack", "vstack", "join images")
    title = "Stitch"
    category = "Edit"
    timing = CLIP
    inputs = (In("image1", "Video"), In("image2", "Video", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Choice("direction", "right", choices=DIRECTIONS, help="where image2 goes beside image1"),
              Bool("match_image_size", True, help="image2 scaled to image1's height (right/left) or width (down/up)"),
              Int("spacing_width", 0, min=0, max=1024, help="pixels between the two (an odd number made even)"),
              Choice("spacing_color", "white", choices=tuple(COLOURS), help="the colour between them"))

    def run(self, ctx, image1, image2=None):
        return image1 if image2 is None else _StitchClip(image1, image2, ctx.params)
