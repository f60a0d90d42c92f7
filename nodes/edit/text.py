"""Burn text and timecode into the picture."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice, Color, Float, Int, String
from studio.core.timecode import timecode
from studio.core.spec import FRAME, In, Node, Out

_POS = ("bottom left", "bottom centre", "bottom right", "top left", "top centre", "top right", "centre")


class BurnIn(Node):
    """Write text on every frame, e.g. a shot name and timecode for a review copy.
    Tokens: {frame} (frame number), {timecode} (HH:MM:SS:FF), {seconds}, {fps}."""
    id = "edit.burn_in"
    keywords = ("slate", "overlay", "timecode", "title", "text")
    title = "Text / Timecode Burn-in"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (String("text", "{timecode}", help="the text; {frame}, {timecode}, {seconds}, {fps} are filled in"),
              Choice("position", "bottom left", choices=_POS),
              Float("size", 0.04, min=0.005, max=0.5, help="text height as a fraction of the frame height"),
              Color("color", "#ffffff"),
              Float("box_opacity", 0.5, min=0.0, max=1.0, help="dark box behind the text; 0 = none"),
              Int("start_frame", 0, min=0, max=100_000_000, help="frame number shown for the first frame"))

    def frame(self, ctx, i, video):
        p = ctx.params
        fps = getattr(self, "_fps", 24.0)
        n = i + p.start_frame
        try:
            text = p.text.format(frame=n, timecode=timecode(i, fps, p.start_frame), seconds=f"{n / fps:.2f}",
                                 fps=f"{fps:g}")
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"the text has an unknown token {e} (known: {{frame}}, {{timecode}}, "
                             f"{{seconds}}, {{fps}})") from None
        h, w, c = video.shape
        out = np.array(video, np.float32)
        font = cv2.FONT_HERSHEY_SIMPLEX
        px = max(6.0, p.size * h)
        scale = px / 22.0  # Hershey simplex capitals are ~22 px tall at scale 1
        thick = max(1, int(round(scale * 1.5)))
        (tw, th), base = cv2.getTextSize(text, font, scale, thick)
        m = int(round(px * 0.5))
        x = {"left": m, "right": w - tw - m}.get(p.position.split()[-1], (w - tw) // 2)
        y = m + th if p.position.startswith("top") else (h + th) // 2 if p.position == "centre" else h - m - base
        if p.box_opacity > 0:
            x0, y0 = max(0, x - m // 2), max(0, y - th - m // 2)
            x1, y1 = min(w, x + tw + m // 2), min(h, y + base + m // 2)
            out[y0:y1, x0:x1] *= np.float32(1 - p.box_opacity)
        # OpenCV draws text on 8-bit images only: draw the coverage into an 8-bit mask, then mix
        # the colour into the float frame through it (so the antialiased edge stays smooth)
        cov = np.zeros((h, w), np.uint8)
        cv2.putText(cov, text, (int(x), int(y)), font, scale, 255, thick, cv2.LINE_AA)
        ys, xs = np.nonzero(cov)
        if len(ys):
            y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
            a = cov[y0:y1, x0:x1, None].astype(np.float32) * np.float32(1 / 255)
            rgb = np.array(Color.rgb(p.color), np.float32)
            col = rgb if c == 3 else np.full(c, rgb.mean(), np.float32)
            region = out[y0:y1, x0:x1]
            region += (col - region) * a
        return out

    def run(self, ctx, video):
        from studio.engine.clip import as_clip
        from studio.engine.frame_clip import frame_node_clip
        clip = as_clip(video)
        self._fps = clip.fps
        return frame_node_clip(self, ctx, {"video": clip})
