"""Control video makers: Keypoints to Skeleton, Flow to Control, Edges, Control Mask.

Every output is a lazy clip (a frame is drawn when it is pulled), in the conventions VACE-style
models are trained on: white-on-black lines and points, a flow colour wheel with one scale for
the whole clip (no per-frame flicker), white = generate in a mask.

Human pose: no estimator qualifies as a package with its weights inside (mediapipe 1.x ships
no model files, it downloads a .task file; mediapipe 0.10.14 ships pose_landmark_full.tflite but
pins protobuf<5 and opencv-contrib-python, which clash with this environment), so pose comes
from tracked keypoints with a body preset (see docs/control-and-sound.md)."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core import frame_keys
from studio.core.errors import StudioError
from studio.core.limits import MAX_FRAME_PIXELS
from studio.core.params import Bool, Choice, Float, Int, Text
from studio.core.spec import CLIP, FRAME, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip, as_clip

from nodes.edit.mask import LUMA, grow_and_feather
from nodes.motion import flowlib

CATEGORY = "Control"

# Connections between point indices. COCO-17 (nose, eyes, ears, shoulders, elbows, wrists, hips,
# knees, ankles) is the layout OpenPose-style pose controls are drawn in.
PRESETS: dict[str, tuple[tuple[int, int], ...]] = {
    "none": (),
    "chain": (),  # filled in from the point count: 0-1, 1-2, ...
    "loop": (),  # a chain closed back to the first point
    "body (COCO 17)": ((0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11),
                       (6, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16)),
    "hand (21)": ((0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10), (10, 11),
                  (11, 12), (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20)),
}


def parse_connections(text: str, n_points: int) -> list[tuple[int, int]]:
    """'0-1, 1-2 5-6' -> [(0, 1), (1, 2), (5, 6)]; an index beyond the points is an error."""
    out = []
    for tok in text.replace(",", " ").replace(";", " ").split():
        a, sep, b = tok.partition("-")
        if not sep or not a.strip().isdigit() or not b.strip().isdigit():
            raise StudioError(f"connection '{tok}' is not 'a-b' (two point numbers, e.g. 0-1)")
        a, b = int(a), int(b)
        if max(a, b) >= n_points:
            raise StudioError(f"connection '{tok}' names point {max(a, b)} but the keypoints have {n_points} "
                              f"points (0..{n_points - 1})")
        out.append((a, b))
    return out


def connections(preset: str, text: str, n_points: int) -> list[tuple[int, int]]:
    if preset == "chain":
        pairs = [(i, i + 1) for i in range(n_points - 1)]
    elif preset == "loop":
        pairs = [(i, (i + 1) % n_points) for i in range(n_points)] if n_points > 2 else \
            [(i, i + 1) for i in range(n_points - 1)]
    else:
        pairs = [p for p in PRESETS[preset] if max(p) < n_points]
        if PRESETS[preset] and len(pairs) < len(PRESETS[preset]):
            need = max(max(p) for p in PRESETS[preset]) + 1
            raise StudioError(f"the '{preset}' preset needs {need} points, the keypoints have {n_points}")
    return pairs + parse_connections(text, n_points)


def size_problem(width: int, height: int) -> str | None:
    """Why a control frame of ``width`` x ``height`` (the node's 'width' and 'height') is refused:
    past MAX_FRAME_PIXELS, the largest frame Studio reads (8192x8192 is 67 Mpx: 805 MB a frame as
    float RGB, and gigabytes downstream), or None."""
    if width * height > MAX_FRAME_PIXELS:
        return (f"'width' x 'height' is {width}x{height} = {width * height / 1e6:.0f} Mpx, more than the "
                f"{MAX_FRAME_PIXELS / 1e6:.0f} Mpx of the largest frame Studio reads (MAX_FRAME_PIXELS): lower them")
    return None


def limb_colors(n: int, mode: str) -> np.ndarray:
    if mode == "white" or n == 0:
        return np.ones((max(n, 1), 3), np.float32)
    hsv = np.stack([np.arange(n) * (180.0 / max(n, 1)), np.full(n, 255.0), np.full(n, 255.0)], -1)
    rgb = cv2.cvtColor(hsv.astype(np.uint8)[None], cv2.COLOR_HSV2RGB)[0]
    return rgb.astype(np.float32) / 255.0


class SkeletonClip(Clip):
    """Keypoints drawn as a skeleton on black, frame by frame."""

    def __init__(self, kp: Keypoints, pairs, width: int, height: int, fps: float, radius: float,
                 thickness: int, colors: str):
        super().__init__(kp.n_frames, fps, width, height, 3)
        self.kp, self.pairs, self.radius, self.thickness = kp, pairs, radius, thickness
        self.scale = np.float32([width / kp.width, height / kp.height])
        self.line_colors = limb_colors(len(pairs), colors)
        self.point_colors = limb_colors(kp.n_points, colors)

    def _frame(self, i: int) -> np.ndarray:
        img = np.zeros((self.height, self.width, 3), np.float32)
        sh = 4
        k = float(1 << sh)
        pts = np.round(self.kp.points[i] * self.scale * k).astype(np.int32)
        vis = self.kp.visible[i] & np.isfinite(self.kp.points[i]).all(-1)
        for (a, b), c in zip(self.pairs, self.line_colors):
            if vis[a] and vis[b]:
                cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]),
                         tuple(float(v) for v in c), self.thickness, cv2.LINE_AA, sh)
        if self.radius > 0:
            for n in np.nonzero(vis)[0]:
                cv2.circle(img, tuple(int(v) for v in pts[n]), int(self.radius * k),
                           tuple(float(v) for v in self.point_colors[n]), -1, cv2.LINE_AA, sh)
        return img


class KeypointsToSkeleton(Node):
    """Draw tracked keypoints as a control video: points and the connections you choose (typed as
    '0-1, 1-2', or a preset: chain, loop, body COCO-17, hand 21), white or one colour per limb
    on black. Feed it to a VACE node's control input (pose to video)."""
    id = "control.keypoints_to_skeleton"
    title = "Keypoints to Skeleton"
    category = CATEGORY
    timing = CLIP
    inputs = (In("keypoints", "Keypoints"),
              In("like", "Video", optional=True, help="take size and frame rate from this clip"))
    outputs = (Out("video", "Video"),)
    params = (Choice("skeleton", "chain", choices=tuple(PRESETS), help="which points are joined"),
              Text("connections", "", help="more connections, 'a-b' pairs of point numbers: 0-1, 1-2, 5-6"),
              Choice("colors", "per limb", choices=("per limb", "white")),
              Float("radius", 3.0, min=0.0, max=100.0, help="point radius in pixels (0: no points)"),
              Int("thickness", 3, min=1, max=50, help="line width in pixels"),
              Int("width", 0, min=0, max=8192, help="0: the keypoints' (or 'like' clip's) width"),
              Int("height", 0, min=0, max=8192, help="0: the keypoints' (or 'like' clip's) height"))

    @classmethod
    def preflight(cls, params, base_dir):
        """A size set too large is refused at validate (an unset side is the input's: checked at run)."""
        why = size_problem(params.get("width") or 1, params.get("height") or 1)
        return [why] if why else []

    def run(self, ctx, keypoints, like=None):
        if not isinstance(keypoints, Keypoints):
            raise StudioError(f"the keypoints input must be Keypoints, got {type(keypoints).__name__}")
        p = ctx.params
        pairs = connections(p.skeleton, p.connections, keypoints.n_points)
        like = as_clip(like) if like is not None else None
        w = p.width or (like.width if like else keypoints.width)
        h = p.height or (like.height if like else keypoints.height)
        why = size_problem(w, h)
        if why:
            raise StudioError(why)
        fps = like.fps if like else keypoints.fps
        return SkeletonClip(keypoints, pairs, w, h, fps, p.radius, p.thickness, p.colors)


class FlowToControl(Node):
    """A flow as a control video: the colour wheel (hue = direction, saturation = speed) with one
    scale for the whole clip, or the speed as grey. Steady colours from frame to frame."""
    id = "control.flow_to_control"
    title = "Flow to Control"
    category = CATEGORY
    timing = FRAME
    inputs = (In("flow", "Flow"),)
    outputs = (Out("video", "Video"),)
    params = (Choice("mode", "colour", choices=("colour", "speed")),
              Float("max_magnitude", 8.0, min=1e-3, max=10000.0,
                    help="pixels per frame shown at full saturation (speed: as white), the same for every frame"))

    def output_shape(self, ctx, flow, **_):
        return {"channels": 3}

    def frame(self, ctx, i, flow):
        p = ctx.params
        if p.mode == "colour":
            return flowlib.flow_to_color(flow, p.max_magnitude)
        m = np.clip(flowlib.flow_magnitude(flow) / np.float32(p.max_magnitude), 0.0, 1.0)
        return np.repeat(m[..., None], 3, -1)


class Edges(Node):
    """Edges of every frame (OpenCV Canny) as white lines on black: a control video that keeps
    the layout and lets the model repaint the rest."""
    id = "control.edges"
    title = "Edges"
    category = CATEGORY
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Int("low", 100, min=0, max=1000, help="Canny's lower threshold (0..255 grey levels)"),
              Int("high", 200, min=0, max=1000, help="Canny's upper threshold"),
              Float("blur", 1.0, min=0.0, max=20.0, help="Gaussian sigma before the edges (0: none)"),
              Int("thickness", 1, min=1, max=15, help="line width in pixels"))

    def output_shape(self, ctx, video, **_):
        if ctx.params.low > ctx.params.high:
            raise StudioError(f"low ({ctx.params.low}) is above high ({ctx.params.high})")
        return {"channels": 3}

    def frame(self, ctx, i, video):
        p = ctx.params
        g = flowlib.to_gray8(video)
        if p.blur > 0:
            g = cv2.GaussianBlur(g, (0, 0), p.blur)
        e = cv2.Canny(g, p.low, p.high)
        if p.thickness > 1:
            e = cv2.dilate(e, np.ones((p.thickness, p.thickness), np.uint8))
        return np.repeat((e.astype(np.float32) / 255.0)[..., None], 3, -1)


def parse_shape_keys(text: str) -> list[tuple[int, np.ndarray]]:
    """'0: 0.5 0.5 0.3 0.3; 24: 0.7 0.5 0.3 0.3' -> [(frame, [cx, cy, w, h])], sorted by frame: the
    format the viewer edits too (studio.core.frame_keys, which refuses frames below 0, nan, inf and
    shapes past SHAPE_RANGE frames), as float32 arrays."""
    return [(f, np.array(v, np.float32)) for f, v in frame_keys.parse_shape_keys(text)]


def shape_at(keys: list[tuple[int, np.ndarray]], i: int) -> np.ndarray:
    """The shape at frame ``i``: linear between keys, held before the first and after the last."""
    if i <= keys[0][0]:
        return keys[0][1]
    for (fa, a), (fb, b) in zip(keys, keys[1:]):
        if i <= fb:
            t = (i - fa) / max(1, fb - fa)
            return a + (b - a) * np.float32(t)
    return keys[-1][1]


class MaskClip(Clip):
    def __init__(self, n: int, fps: float, width: int, height: int, make):
        super().__init__(n, fps, width, height, 1)
        self._make = make

    def _frame(self, i: int) -> np.ndarray:
        return self._make(i)


def parse_polygon_keys(text: str) -> list[tuple[int, np.ndarray]]:
    """'0: 0.2 0.2, 0.8 0.2, 0.5 0.8; 24: ...' -> [(frame, points (n, 2))], sorted by frame: the
    format the viewer edits (studio.core.frame_keys: at least 3 points, the same number in every
    key), as float32 arrays that :func:`shape_at` moves point by point between keys."""
    return [(f, np.array(pts, np.float32)) for f, pts in frame_keys.parse_polygon_keys(text)]


SHIFT = 4  # fillPoly's fractional bits: vertices placed to 1/16 pixel


def fill_polygon(points: np.ndarray, w: int, h: int) -> np.ndarray:
    """A (h, w) float32 mask, 1 inside the polygon whose ``points`` (n, 2) are fractions of the frame
    (0 and 1 the frame's edges: a polygon over 0..1 covers every pixel)."""
    m = np.zeros((h, w), np.float32)
    px = np.round((points * np.float32([w, h]) - 0.5) * (1 << SHIFT)).astype(np.int32)
    cv2.fillPoly(m, [px], 1.0, cv2.LINE_8, SHIFT)
    return m


SHAPES = ("rectangle", "ellipse", "polygon")


def read_keys(source: str, params) -> list[tuple[int, np.ndarray]] | None:
    """The keys ``source`` reads (None for alpha and luma), an error naming the parameter."""
    name = "polygon_keys" if source == "polygon" else "shape_keys"
    if source not in SHAPES:
        return None
    try:
        return (parse_polygon_keys if source == "polygon" else parse_shape_keys)(params.get(name) or "")
    except StudioError as e:
        raise StudioError(f"'{name}': {e}") from None


class ControlMask(Node):
    """A mask for inpainting (white: the model makes these pixels, black: kept): a rectangle,
    ellipse or polygon moved by keyframes (drawn on the frame in the viewer), or a clip's alpha or
    luma. Grown and feathered."""
    id = "control.mask"
    keywords = ("roto", "rotoscope", "matte", "garbage matte", "polygon", "spline", "shape", "inpaint mask")
    title = "Control Mask"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video", optional=True, help="the clip the mask is for (size, length); alpha and luma "
                                                      "read it"),)
    outputs = (Out("mask", "Mask"),)
    params = (Choice("source", "rectangle", choices=(*SHAPES, "alpha", "luma")),
              Text("shape_keys", "0: 0.5 0.5 0.4 0.4", help="rectangle/ellipse: 'frame: cx cy w h' keys (fractions of "
                                                    "the frame), ';' between keys, linear in between"),
              Text("polygon_keys", "", help="polygon: 'frame: x y, x y, x y' keys (points as fractions of the "
                                            "frame, the same number in every key), ';' between keys, each point "
                                            "linear in between; drawn and edited in the viewer"),
              Float("threshold", 0.5, min=0.0, max=1.0, help="alpha/luma: white above it"),
              Int("grow", 0, min=-256, max=256, help="pixels to grow (negative: shrink)"),
              Float("feather", 0.0, min=0.0, max=100.0, help="edge blur (Gaussian sigma in pixels)"),
              Bool("invert", False, help="white outside the shape instead"),
              Int("frames", 0, min=0, max=100000, help="without a video: the mask's length"),
              Int("width", 512, min=8, max=8192, help="without a video"),
              Int("height", 512, min=8, max=8192, help="without a video"),
              Float("fps", 24.0, min=1.0, max=240.0, help="without a video"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The keys the source reads are checked at validate (shape_keys: rectangle, ellipse;
        polygon_keys: polygon)."""
        try:
            read_keys(params.get("source", "rectangle"), params)
        except StudioError as e:
            return [str(e)]
        return []

    def run(self, ctx, video=None):
        p = ctx.params
        clip = as_clip(video) if video is not None else None
        if clip is None:
            if p.source in ("alpha", "luma"):
                raise StudioError(f"source '{p.source}' reads a clip: connect a video")
            if not p.frames:
                raise StudioError("without a video, set 'frames' (the mask's length)")
        n, w, h, fps = ((len(clip), clip.width, clip.height, clip.fps) if clip is not None
                        else (p.frames, p.width, p.height, p.fps))
        if w * h > MAX_FRAME_PIXELS:  # a float mask frame, its feathering and the encoder's copies: GBs a frame
            raise StudioError(f"Control Mask: a {w}x{h} mask is {w * h:,} pixels a frame, over Studio's limit of "
                              f"{MAX_FRAME_PIXELS:,} (set a smaller 'width' and 'height')")
        if clip is not None and p.source == "alpha" and clip.channels != 4:
            raise StudioError(f"source 'alpha': the video has {clip.channels} channels, no alpha (4 needed)")
        keys = read_keys(p.source, {"shape_keys": p.shape_keys, "polygon_keys": p.polygon_keys})

        def make(i):
            if p.source == "polygon":
                m = fill_polygon(shape_at(keys, i), w, h)
            elif keys is not None:
                m = np.zeros((h, w), np.float32)
                cx, cy, bw, bh = shape_at(keys, i) * np.float32([w, h, w, h])
                if p.source == "rectangle":
                    x0, y0 = int(round(cx - bw / 2)), int(round(cy - bh / 2))
                    m[max(0, y0):max(0, y0 + int(round(bh))), max(0, x0):max(0, x0 + int(round(bw)))] = 1.0
                else:
                    cv2.ellipse(m, (int(round(cx)), int(round(cy))), (int(round(bw / 2)), int(round(bh / 2))),
                                0, 0, 360, 1.0, -1, cv2.LINE_8)
            else:
                f = clip.frame(i)
                v = f[..., 3] if p.source == "alpha" else (f[..., :3] @ LUMA if f.shape[2] >= 3 else f[..., 0])
                m = (v > p.threshold).astype(np.float32)
            m = grow_and_feather(m, p.grow, p.feather)
            if p.invert:
                m = 1.0 - m
            return np.clip(m, 0.0, 1.0)[..., None].astype(np.float32)
        return MaskClip(n, fps, w, h, make)
