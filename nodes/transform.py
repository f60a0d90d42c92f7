"""Frame-wise transforms: each returns a lazy clip that wraps its input."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice, Float, Int
from studio.core.spec import CLIP, FRAME, In, Node, Out
from studio.engine.clip import Clip

INTERP = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC,
          "nearest": cv2.INTER_NEAREST, "lanczos": cv2.INTER_LANCZOS4,
          "nearest-exact": cv2.INTER_NEAREST_EXACT}  # (pixel centres: torch's and ComfyUI's 'nearest-exact')


class Resize(Node):
    """Scale every frame to a size, or to the size of the clip on 'like' (e.g. back to the plate's
    size after a node made it smaller): stretch, fit inside (letterbox) or fill (crop)."""
    id = "transform.resize"
    keywords = ("upres", "upscale", "downscale", "rescale", "reformat", "resolution")
    title = "Resize"
    category = "Transform"
    timing = FRAME
    inputs = (In("video", "Video"),
              In("like", "Video", optional=True, help="take the size from this clip ('width' and 'height' unused)"))
    outputs = (Out("video", "Video"),)
    params = (Int("width", 640, min=8, max=8192, help="output width in pixels"),
              Int("height", 360, min=8, max=8192, help="output height in pixels"),
              Choice("fit", "stretch", choices=("stretch", "fit", "fill"),
                     help="stretch to the size, fit inside it (bars), or fill it (crop)"),
              Choice("interpolation", "area", choices=tuple(INTERP), help="resampling filter"))

    def output_shape(self, ctx, video, like=None, **_):
        if like is not None:
            return {"width": like.width, "height": like.height}
        return {"width": ctx.params.width, "height": ctx.params.height}

    def frame(self, ctx, i, video, like=None):
        p = ctx.params
        tw, th = (like.shape[1], like.shape[0]) if like is not None else (p.width, p.height)
        h, w = video.shape[:2]
        interp = INTERP[p.interpolation]
        if p.fit == "stretch" or (w * th == h * tw):
            return cv2.resize(video, (tw, th), interpolation=interp).reshape(th, tw, -1)
        s = min(tw / w, th / h) if p.fit == "fit" else max(tw / w, th / h)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        scaled = cv2.resize(video, (nw, nh), interpolation=interp).reshape(nh, nw, -1)
        out = np.zeros((th, tw, video.shape[2]), np.float32)
        ox, oy = (tw - nw) // 2, (th - nh) // 2
        sx0, sy0 = max(0, -ox), max(0, -oy)
        dx0, dy0 = max(0, ox), max(0, oy)
        cw, ch = min(nw - sx0, tw - dx0), min(nh - sy0, th - dy0)
        out[dy0:dy0 + ch, dx0:dx0 + cw] = scaled[sy0:sy0 + ch, sx0:sx0 + cw]
        return out


class ColorAdjust(Node):
    """Exposure, contrast, saturation and gamma, like a grade's primaries."""
    id = "transform.color"
    keywords = ("grade", "colour correct", "color correct", "primaries", "exposure")
    title = "Colour Adjust"
    category = "Transform"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Float("exposure", 0.0, min=-5.0, max=5.0, help="stops: +1 doubles the light"),
              Float("contrast", 1.0, min=0.0, max=4.0, help="around mid grey"),
              Float("saturation", 1.0, min=0.0, max=4.0, help="0 is black and white"),
              Float("gamma", 1.0, min=0.1, max=5.0, help="mid-tones: above 1 brightens"))

    def frame(self, ctx, i, video):
        p = ctx.params
        x = video * np.float32(2.0 ** p.exposure) if p.exposure else video
        if p.contrast != 1.0:
            x = (x - np.float32(0.5)) * np.float32(p.contrast) + np.float32(0.5)
        if p.saturation != 1.0 and x.shape[2] == 3:
            luma = x @ np.array([0.2126, 0.7152, 0.0722], np.float32)
            x = luma[..., None] + (x - luma[..., None]) * np.float32(p.saturation)
        x = np.clip(x, 0.0, 1.0)
        if p.gamma != 1.0:
            x = np.power(x, np.float32(1.0 / p.gamma))
        return x if x is not video else video.copy()


class _TrimClip(Clip):
    def __init__(self, src: Clip, start: int, stop: int, step: int):
        self.src, self.start, self.step = src, start, step
        n = len(range(start, stop, step))
        audio = src.audio
        super().__init__(n, src.fps / step, src.width, src.height, src.channels, None)
        if audio is not None and step == 1:
            from studio.core.values import Audio
            self.audio = Audio(audio.for_frames(src.fps, start, stop), audio.rate)

    def _frame(self, i):
        return self.src.frame(self.start + i * self.step)


class Trim(Node):
    """Keep frames [start, end) (every n-th); the sound is trimmed with them."""
    id = "transform.trim"
    keywords = ("cut", "in out", "range", "frame range", "trim")
    title = "Trim"
    category = "Transform"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Int("start", 0, min=0, max=10_000_000, help="first frame kept"),
              Int("end", 0, min=0, max=10_000_000, help="frame after the last kept; 0 = to the end"),
              Int("step", 1, min=1, max=1000, help="keep every n-th frame"))

    def run(self, ctx, video):
        p = ctx.params
        end = video.n_frames if p.end == 0 else min(p.end, video.n_frames)
        if p.start >= end:
            raise ValueError(f"start {p.start} is not before end {end} (the clip has {video.n_frames} frames)")
        return _TrimClip(video, p.start, end, p.step)
