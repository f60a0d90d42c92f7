"""Crop, Pad and Transform (translate, rotate, scale; keyframed or driven by Features)."""
from __future__ import annotations

import re
from types import SimpleNamespace

import cv2
import numpy as np

from studio.core.params import Choice, Color, Float, Int, String
from studio.core.spec import FRAME, In, Node, Out
from nodes.procedural import drive_signal

_INTERP = {"linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC, "nearest": cv2.INTER_NEAREST}
_TARGET_INTERP = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC,
                  "nearest": cv2.INTER_NEAREST, "lanczos": cv2.INTER_LANCZOS4,
                  "nearest-exact": cv2.INTER_NEAREST_EXACT}  # (Scale's names: transform.INTERP)


def fill_value(color: str, channels: int) -> np.ndarray:
    rgb = np.array(Color.rgb(color), np.float32)
    return rgb if channels == 3 else np.full(channels, rgb.mean(), np.float32)


class Crop(Node):
    """Keep a rectangle of every frame."""
    id = "edit.crop"
    keywords = ("reformat", "cut out", "region")
    title = "Crop"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Int("x", 0, min=0, max=65536, help="left edge in pixels"),
              Int("y", 0, min=0, max=65536, help="top edge in pixels"),
              Int("width", 0, min=0, max=65536, help="width; 0 = to the right edge"),
              Int("height", 0, min=0, max=65536, help="height; 0 = to the bottom edge"))

    @staticmethod
    def _box(p, w, h):
        cw = p.width or (w - p.x)
        ch = p.height or (h - p.y)
        if p.x >= w or p.y >= h or cw <= 0 or ch <= 0 or p.x + cw > w or p.y + ch > h:
            raise ValueError(f"the crop {cw}x{ch} at ({p.x}, {p.y}) does not fit in the {w}x{h} frame")
        return p.x, p.y, cw, ch

    def output_shape(self, ctx, video, **_):
        _, _, cw, ch = self._box(ctx.params, video.width, video.height)
        return {"width": cw, "height": ch}

    def frame(self, ctx, i, video):
        x, y, cw, ch = self._box(ctx.params, video.shape[1], video.shape[0])
        return np.ascontiguousarray(video[y:y + ch, x:x + cw])


class Pad(Node):
    """Add borders of a colour around every frame. Its mask is white on the borders and black over the frame (what
    an outpaint makes: ComfyUI's ImagePadForOutpaint gives the same), 'feather' pixels of the frame along each padded
    side shading from white at the border to black. With a target width and height the borders are worked out of the
    frame's size instead: the frame centred in that size (a frame larger in either side first scaled down to fit
    inside it, its sides truncated: KJNodes' ImagePadForOutpaintTargetSize)."""
    id = "edit.pad"
    keywords = ("reformat", "border", "letterbox", "canvas size", "outpaint")
    title = "Pad"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"), Out("mask", "Mask", help="white on the borders, black over the frame"))
    params = (Int("left", 0, min=0, max=16384), Int("top", 0, min=0, max=16384),
              Int("right", 0, min=0, max=16384), Int("bottom", 0, min=0, max=16384),
              Color("color", "#000000", help="border colour (its grey level on a mask)"),
              Int("feather", 0, min=0, max=16384, help="the mask: pixels of the frame along each padded side "
                                                       "shaded towards the border"),
              Int("target_width", 0, min=0, max=16384, help="with target_height: the size to pad to, the frame "
                                                            "centred (left/top/right/bottom unused); 0 = off"),
              Int("target_height", 0, min=0, max=16384, help="with target_width: the size to pad to; 0 = off"),
              Choice("interpolation", "area", choices=tuple(_TARGET_INTERP),
                     help="the filter scaling a frame larger than the target down to fit"))

    def run(self, ctx, video):
        from studio.engine.clip import StillClip
        from studio.engine.frame_clip import frame_node_clip
        clip = frame_node_clip(self, ctx, {"video": video})
        sides = padded(ctx.params, video.width, video.height)
        return {"video": clip, "mask": StillClip(pad_mask(sides, sides.width, sides.height), len(clip), clip.fps)}

    def output_shape(self, ctx, video, **_):
        s = padded(ctx.params, video.width, video.height)
        return {"width": s.width + s.left + s.right, "height": s.height + s.top + s.bottom}

    def frame(self, ctx, i, video):
        p = ctx.params
        h, w, c = video.shape
        s = padded(p, w, h)
        if (s.width, s.height) != (w, h):
            video = cv2.resize(video, (s.width, s.height), interpolation=_TARGET_INTERP[p.interpolation])
            video = video.reshape(s.height, s.width, c)
            h, w = s.height, s.width
        out = np.empty((h + s.top + s.bottom, w + s.left + s.right, c), np.float32)
        out[...] = fill_value(p.color, c)
        out[s.top:s.top + h, s.left:s.left + w] = video
        return out


def padded(p, w: int, h: int) -> SimpleNamespace:
    """The frame's size once scaled (width, height) and the borders (left, top, right, bottom; feather) Pad adds to
    a ``w`` x ``h`` frame: its own sides; or, with a target size, the frame centred in it (each border the floor of
    half the room on the left and top), a frame larger than the target first scaled by min(tw / w, th / h), each
    side truncated."""
    tw, th = getattr(p, "target_width", 0), getattr(p, "target_height", 0)
    if not (tw and th):
        return SimpleNamespace(width=w, height=h, left=p.left, top=p.top, right=p.right, bottom=p.bottom,
                               feather=p.feather)
    r = min(tw / w, th / h)
    nw, nh = (max(1, int(w * r)), max(1, int(h * r))) if r < 1 else (w, h)
    top, left = max(0, (th - nh) // 2), max(0, (tw - nw) // 2)
    return SimpleNamespace(width=nw, height=nh, left=left, top=top, right=max(0, tw - nw - left),
                           bottom=max(0, th - nh - top), feather=p.feather)


def pad_mask(p, w: int, h: int) -> np.ndarray:
    """The mask of a ``w`` x ``h`` frame padded by ``p`` (left, top, right, bottom, feather): 1 on the borders, 0
    over the frame; within 'feather' pixels of a padded side the frame's pixels shade as ((f - d) / f) squared, d
    counted from 0 at the left and top edges and from 1 at the right and bottom ones (ComfyUI's ImagePadForOutpaint
    counts so), where the frame is more than twice 'feather' in both directions."""
    out = np.ones((h + p.top + p.bottom, w + p.left + p.right, 1), np.float32)
    inner = np.zeros((h, w), np.float32)
    f = int(p.feather)
    if 0 < f and 2 * f < h and 2 * f < w:
        ys, xs = np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :]
        d = np.full((h, w), np.float32(max(w, h)), np.float32)
        for pad, dist in ((p.left, xs), (p.right, w - xs), (p.top, ys), (p.bottom, h - ys)):
            if pad > 0:
                d = np.minimum(d, np.broadcast_to(dist, (h, w)))
        inner = np.where(d < f, ((f - d) / f) ** 2, 0.0).astype(np.float32)
    out[p.top:p.top + h, p.left:p.left + w, 0] = inner
    return out


_KEY = re.compile(r"^\s*(-?\d+)\s*:\s*(.*)$")


def parse_keys(text: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """'0: 0 0 0 1; 48: 120 -20 90 1.5' -> [(frame, (tx, ty, rotate, scale)), ...] sorted.
    Missing trailing values keep the defaults 0 0 0 1."""
    keys = []
    for part in filter(None, (s.strip() for s in re.split(r"[;\n]", text or ""))):
        m = _KEY.match(part)
        if m is None:
            raise ValueError(f"keyframe '{part}' is not 'frame: tx ty rotate scale'")
        vals = [0.0, 0.0, 0.0, 1.0]
        nums = m.group(2).replace(",", " ").split()
        if len(nums) > 4:
            raise ValueError(f"keyframe '{part}' has more than 4 values (tx ty rotate scale)")
        try:
            for k, v in enumerate(nums):
                vals[k] = float(v)
        except ValueError:
            raise ValueError(f"keyframe '{part}' holds a value that is not a number") from None
        keys.append((int(m.group(1)), tuple(vals)))
    return sorted(keys)


def key_values(keys, n: int) -> np.ndarray:
    """[n, 4] per-frame (tx, ty, rotate, scale), linear between keys, held outside them."""
    if not keys:
        return np.tile(np.array([0, 0, 0, 1], np.float64), (n, 1))
    f = np.array([k for k, _ in keys], np.float64)
    v = np.array([vals for _, vals in keys], np.float64)
    t = np.arange(n, dtype=np.float64)
    return np.stack([np.interp(t, f, v[:, j]) for j in range(4)], axis=1)


class Transform(Node):
    """Move, rotate (degrees, counter-clockwise) and scale every frame about its centre.
    The base values can be keyframed ('frame: tx ty rotate scale; ...', linear between keys) and
    one of them driven by a column of per-frame Features (e.g. loudness)."""
    id = "edit.transform"
    keywords = ("2d transform", "move", "position", "rotate", "scale", "reposition", "dynamic zoom")
    title = "Transform"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),
              In("drive", "Features", optional=True, help="per-frame features that drive one value"))
    outputs = (Out("video", "Video"),)
    params = (Float("translate_x", 0.0, min=-16384, max=16384, help="pixels to the right"),
              Float("translate_y", 0.0, min=-16384, max=16384, help="pixels down"),
              Float("rotate", 0.0, min=-3600, max=3600, help="degrees, counter-clockwise"),
              Float("scale", 1.0, min=0.01, max=100.0),
              String("keyframes", "", help="'frame: tx ty rotate scale; ...' added to the values above "
                                           "(scale multiplies); empty = none"),
              String("column", "0", help="features column that drives (index or name)"),
              Choice("drive_target", "scale", choices=("translate_x", "translate_y", "rotate", "scale"),
                     help="the value the features drive"),
              Float("drive_amount", 0.0, min=-16384, max=16384,
                    help="added at the loudest frame (the column is normalised to [0, 1]); scale: +amount"),
              Choice("interpolation", "linear", choices=tuple(_INTERP)),
              Color("background", "#000000", help="colour shown where the frame moved away"))

    def run(self, ctx, video, drive=None):
        from studio.engine.clip import as_clip
        from studio.engine.frame_clip import frame_node_clip
        clip = as_clip(video)
        p = ctx.params
        vals = key_values(parse_keys(p.keyframes), clip.n_frames)
        vals[:, :3] += [p.translate_x, p.translate_y, p.rotate]
        vals[:, 3] *= p.scale
        if drive is not None and p.drive_amount:
            sig = drive_signal(drive, p.column, clip.n_frames, clip.fps)
            j = ("translate_x", "translate_y", "rotate", "scale").index(p.drive_target)
            vals[:, j] += p.drive_amount * sig
        if (vals[:, 3] <= 0).any():
            raise ValueError("the scale reaches zero or below on some frames")
        self._vals = vals
        return frame_node_clip(self, ctx, {"video": clip})

    def frame(self, ctx, i, video, drive=None):
        tx, ty, rot, sc = self._vals[min(i, len(self._vals) - 1)]
        h, w, c = video.shape
        if tx == 0 and ty == 0 and rot == 0 and sc == 1:
            return video
        m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), rot, sc)
        m[:, 2] += (tx, ty)
        bg = fill_value(ctx.params.background, c)
        out = cv2.warpAffine(video, m, (w, h), flags=_INTERP[ctx.params.interpolation],
                             borderMode=cv2.BORDER_CONSTANT, borderValue=tuple(float(v) for v in bg[:4]))
        return out.reshape(h, w, c)
