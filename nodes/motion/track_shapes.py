"""Track Shapes: a shape drawn at each track's point, frame by frame, on a plain background: the control clip a
trajectory-steered generator reads (VideoX-Fun / EasyAnimate's 'control trajectory': a Gaussian blob on black at
each point; KJNodes' CreateShapeImageOnPath: circles, squares or triangles of a size, blurred, with a fading trail).
Each shape is filled on its own box of pixels by numpy comparisons over the box (no loop over pixels); the frames
are made lazily, one at a time."""
from __future__ import annotations

import math

import cv2
import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Color, Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip

from .paths import MAX_FRAMES

SHAPES = ("gaussian", "circle", "square", "triangle", "age trail")
TRAIL = (50, 2.0, 8.0, 1080)  # 'age trail': frames kept, the oldest and newest dot's radius on a frame of this short side
BLOB_SIGMA = 0.2  # the Gaussian's sigma, a fraction of the blob's box (40 px of VideoX-Fun's 200-px heatmap)
BLOB_CUT = 0.495  # its circle's radius, a fraction of the box (99 px of 200): nothing outside it
BLOB_AREA = (1280 * 720, 50)  # the blob's half-size: 50 px at 1280x720, by the square root of the frame's area


def blob_half(width: int, height: int) -> int:
    """The automatic half-size of a Gaussian blob in a frame of ``width`` x ``height`` (VideoX-Fun's rule)."""
    return int(BLOB_AREA[1] * math.sqrt(width * height / BLOB_AREA[0]))


def _blob(bw: int, bh: int) -> np.ndarray:
    """[bh, bw] the Gaussian blob squeezed into a box of bw x bh pixels (1 at its middle)."""
    u = ((np.arange(bw) + 0.5) / bw - 0.5)[None, :]
    v = ((np.arange(bh) + 0.5) / bh - 0.5)[:, None]
    r2 = u * u + v * v
    return np.where(r2 <= BLOB_CUT ** 2, np.exp(-r2 / (2 * BLOB_SIGMA ** 2)), 0.0).astype(np.float32)


def _gaussian(img: np.ndarray, x: int, y: int, half: int) -> None:
    """A blob of half-size ``half`` at (x, y), kept where it is brighter (the box cut by the frame's edges, the blob
    squeezed into what is left, as VideoX-Fun's heatmap is resized into it)."""
    h, w = img.shape[:2]
    y1, y2, x1, x2 = max(y - half, 0), min(y + half, h - 1), max(x - half, 0), min(x + half, w - 1)
    if x2 - x1 > 3 and y2 - y1 > 3:
        np.maximum(img[y1:y2, x1:x2], _blob(x2 - x1, y2 - y1)[..., None], out=img[y1:y2, x1:x2])


def _age_colours(ratio: np.ndarray) -> np.ndarray:
    """[n, 3] RGB by age (ratio 1 the newest): blue, green, yellow, red from the oldest to the newest."""
    r = ratio[:, None]
    return np.where(r <= 1 / 3, np.concatenate([0 * r, 3 * r, 1 - 3 * r], 1),
                    np.where(r <= 2 / 3, np.concatenate([3 * r - 1, 1 + 0 * r, 0 * r], 1),
                             np.concatenate([1 + 0 * r, 1 - (3 * r - 2), 0 * r], 1))).astype(np.float32)


def age_trail(points: np.ndarray, visible: np.ndarray, i: int, width: int, height: int) -> np.ndarray:
    """Frame ``i`` of the 'age trail' (LTX-2's motion-track IC-LoRA's drawing, read for meaning from
    ComfyUI-LTXVideo's LTXVDrawTracks): each track's last 50 points as filled dots drawn on a frame of 1080 px on its
    short side, older ones smaller (2 px) and bluer, the newest 8 px and red, newer over older, then brought down to
    ``width`` x ``height`` (bilinear) with its red and blue swapped, as the LoRA was trained."""
    keep, small, big, short = TRAIL
    rw, rh = (int(width * short / height), short) if height <= width else (short, int(height * short / width))
    canvas = np.zeros((rh, rw, 3), np.float32)
    t0 = max(0, i - keep)
    ages = np.arange(i - t0, -1, -1, dtype=np.float64)  # the window's points from the oldest
    ratio = 1.0 - ages / keep
    radii, colours = small + (big - small) * ratio, _age_colours(ratio)
    pts = points[t0:i + 1] * np.float64([rw / width, rh / height])  # [L, N, 2] on the large frame
    ok = visible[t0:i + 1] & np.isfinite(pts).all(-1)
    half = int(2 * big + 3) // 2
    off = np.arange(-half, half + 1)
    d2 = off[:, None] ** 2 + off[None, :] ** 2
    for a in range(len(ages)):  # oldest first: the newest dot drawn last, on top
        for x, y in np.round(pts[a][ok[a]]).astype(np.int64):
            y0, x0 = y - half, x - half
            ys, xs = slice(max(y0, 0), min(y0 + len(off), rh)), slice(max(x0, 0), min(x0 + len(off), rw))
            if ys.start >= ys.stop or xs.start >= xs.stop:
                continue
            m = d2[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0] <= radii[a] ** 2
            canvas[ys, xs][m] = colours[a]
    return cv2.resize(canvas, (width, height), interpolation=cv2.INTER_LINEAR)[..., ::-1].copy()


def _solid(img: np.ndarray, shape: str, x: float, y: float, sw: int, sh: int, fill, border: int, edge) -> None:
    """A filled circle, square or triangle of sw x sh centred at (x, y) (a box from x - sw//2 to x + sw//2, ends
    included), with a border of ``border`` pixels inside its edge."""
    h, w = img.shape[:2]
    x0, x1, y0, y1 = x - sw // 2, x + sw // 2, y - sh // 2, y + sh // 2
    bx0, bx1 = max(int(math.floor(x0)), 0), min(int(math.ceil(x1)) + 1, w)
    by0, by1 = max(int(math.floor(y0)), 0), min(int(math.ceil(y1)) + 1, h)
    if bx0 >= bx1 or by0 >= by1:
        return
    px = np.arange(bx0, bx1, dtype=np.float64)[None, :]
    py = np.arange(by0, by1, dtype=np.float64)[:, None]

    def inside(grow: float) -> np.ndarray:
        a0, a1, b0, b1 = x0 + grow, x1 - grow, y0 + grow, y1 - grow
        if a1 < a0 or b1 < b0:
            return np.zeros((by1 - by0, bx1 - bx0), bool)
        if shape == "square":
            return (px >= a0) & (px <= a1) & (py >= b0) & (py <= b1)
        if shape == "circle":
            cx, cy, rx, ry = (a0 + a1) / 2, (b0 + b1) / 2, (a1 - a0) / 2 + 0.5, (b1 - b0) / 2 + 0.5
            return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1.0
        top, left, right = (x, b0), (a0, b1), (a1, b1)  # triangle: apex up, base at the bottom

        def side(p, q):
            return (q[0] - p[0]) * (py - p[1]) - (q[1] - p[1]) * (px - p[0])
        s1, s2, s3 = side(top, left), side(left, right), side(right, top)
        return ((s1 <= 0) & (s2 <= 0) & (s3 <= 0)) | ((s1 >= 0) & (s2 >= 0) & (s3 >= 0))
    outer = inside(0.0)
    box = img[by0:by1, bx0:bx1]
    box[outer] = edge if border > 0 else fill
    if border > 0:
        box[inside(float(border))] = fill


class ShapesClip(Clip):
    """The frames of Track Shapes: made in order where a trail carries the last frame on (kept to go on from)."""

    def __init__(self, kp: Keypoints, params, width: int, height: int):
        super().__init__(kp.n_frames, kp.fps, width, height, 3)
        self.kp, self.p = kp, params
        scale = params.scale and (kp.width, kp.height) != (width, height)
        self.factor = np.float64([width / kp.width, height / kp.height]) if scale else np.float64([1.0, 1.0])
        self.fill, self.bg = np.float32(Color.rgb(params.color)), np.float32(Color.rgb(params.background))
        self.edge = np.float32(Color.rgb(params.border_color))
        self._last: tuple[int, np.ndarray] | None = None  # (frame, its picture before 'intensity'), for the trail

    def _drawn(self, i: int) -> np.ndarray:
        p = self.p
        pts, vis = self.kp.points[i].astype(np.float64) * self.factor, self.kp.visible[i]
        ok = vis & np.isfinite(pts).all(-1)
        if p.shape == "age trail":
            return age_trail(self.kp.points.astype(np.float64) * self.factor, self.kp.visible, i, self.width,
                             self.height)
        if p.shape == "gaussian":
            img = np.zeros((self.height, self.width, 3), np.float32)
            half = p.shape_width // 2 if p.shape_width else blob_half(self.width, self.height)
            for x, y in np.round(pts[ok]).astype(np.int64):
                _gaussian(img, int(x), int(y), half)
            return img * self.fill + (1 - img) * self.bg
        img = np.empty((self.height, self.width, 3), np.float32)
        img[:] = self.bg
        by_frame = 2 * blob_half(self.width, self.height)  # 0: sized by the frame, as the blob (100 px at 1280x720)
        sw = p.shape_width or by_frame
        sh = p.shape_height or sw
        for x, y in pts[ok]:
            _solid(img, p.shape, float(x), float(y), sw, sh, self.fill, p.border, self.edge)
        if p.blur > 0:
            img = cv2.GaussianBlur(img, (0, 0), p.blur)
        return img

    def _frame(self, i: int) -> np.ndarray:
        p = self.p
        if p.trailing == 1.0:
            return self._drawn(i) * np.float32(p.intensity)
        start, prev = (self._last[0] + 1, self._last[1]) if self._last and self._last[0] < i else (0, None)
        for t in range(start, i + 1):
            img = self._drawn(t)
            if prev is not None:
                img = img + np.float32(p.trailing) * prev
                peak = float(img.max())
                img = img / peak if peak > 0 else img
            prev = img
        self._last = (i, prev)
        return prev * np.float32(p.intensity)


class TrackShapes(Node):
    """A shape at each track's point on every frame, on a plain background: a Gaussian blob (VideoX-Fun's and
    EasyAnimate's trajectory control clip: 'shape_width' 0 sizes it by the frame, 50 px across the half at 1280x720), or a
    circle, square or triangle of 'shape_width' x 'shape_height' (0: twice the blob's half-size; the height 0: the width), blurred, with a trail of the earlier frames fading by
    'trailing' (each frame's picture plus 'trailing' times the last, brought back to 1 at its brightest; 1: no
    trail), times 'intensity'; or an 'age trail' (LTX-2's motion-track IC-LoRA: each track's last 50 points as dots
    growing and turning from blue to red with their age, its own colours and sizes). The control clip of a trajectory-steered generator (Wan Fun Control's 'control')."""
    id = "motion.track_shapes"
    keywords = ("trajectory", "control trajectory", "shape on path", "spline", "track heatmap", "motion path")
    title = "Track Shapes"
    category = "Motion"
    timing = CLIP
    inputs = (In("keypoints", "Keypoints"),)
    outputs = (Out("video", "Video"),)
    params = (Choice("shape", "gaussian", choices=SHAPES),
              Int("width", 0, min=0, max=16384, help="the frame drawn (pixels); 0: the tracks' frame"),
              Int("height", 0, min=0, max=16384),
              Bool("scale", True, help="the tracks' frame stretched to this one; off: their pixels placed as they are "
                                       "(ComfyUI's shape nodes)"),
              Int("shape_width", 0, min=0, max=4096, help="the shape's width (gaussian: its box); 0: by the frame's size"),
              Int("shape_height", 0, min=0, max=4096, help="the shape's height (circle, square, triangle); 0: its width"),
              Color("color", "#ffffff"),
              Color("background", "#000000"),
              Float("blur", 0.0, min=0.0, max=100.0, help="Gaussian blur (sigma, pixels) of each frame's shapes"),
              Float("intensity", 1.0, min=0.01, max=100.0, help="the frame's values multiplied by this"),
              Float("trailing", 1.0, min=0.0, max=10.0, help="the last frame's share carried on (1: none)"),
              Int("border", 0, min=0, max=100, help="a border of this many pixels inside each shape's edge"),
              Color("border_color", "#000000"))

    def run(self, ctx, keypoints):
        if not isinstance(keypoints, Keypoints):
            raise StudioError(f"the keypoints input must be Keypoints, got {type(keypoints).__name__}")
        p = ctx.params
        w, h = p.width or keypoints.width, p.height or keypoints.height
        if w * h > 64_000_000:
            raise StudioError(f"{w}x{h} is more than 64 Mpx a frame: lower 'width' or 'height'")
        if keypoints.n_frames > MAX_FRAMES:
            raise StudioError(f"{keypoints.n_frames:,} frames: at most {MAX_FRAMES:,}")
        return ShapesClip(keypoints, p, w, h)
