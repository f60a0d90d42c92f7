"""Composite a foreground over a background, with a mask or alpha and blend modes."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Float, Int
from studio.core.spec import FRAME, In, Node, Out

from .blend_modes import MODES, blend as _blend


class Composite(Node):
    """Layer a foreground on a background: the blend mode's colour is mixed in where the mask
    (or the foreground's alpha) is 1, times the opacity. The background sets the output size;
    the foreground is placed with its top-left corner at (x, y) and cut at the edges. Alpha is
    taken as straight (not premultiplied)."""
    id = "edit.composite"
    keywords = ("comp", "merge", "over", "layer", "key", "keyer", "alpha")
    title = "Composite"
    category = "Edit"
    timing = FRAME
    inputs = (In("background", "Video"), In("foreground", "Video"),
              In("mask", "Mask", optional=True, help="where the foreground shows (e.g. its alpha); "
                                                     "none = everywhere it covers"))
    outputs = (Out("video", "Video"),)
    params = (Choice("mode", "over", choices=MODES, label="Blend mode", help="how colours combine"),
              Float("opacity", 1.0, min=0.0, max=1.0),
              Int("x", 0, min=-65536, max=65536, help="foreground's left edge on the background"),
              Int("y", 0, min=-65536, max=65536, help="foreground's top edge on the background"),
              Bool("clip", False, help="the result clipped to 0..1 (as ComfyUI's Image Blend clips it; off: add or "
                                       "subtract may leave values over 1 or under 0)"),
              Bool("fit_mask", False, help="a mask of another size than the foreground's scaled to it (bilinear, as "
                                           "ComfyUI's Image Composite Masked scales it); off: refused"))

    def output_shape(self, ctx, background, foreground, mask=None, **_):
        if mask is not None and (mask.width, mask.height) != (foreground.width, foreground.height) and \
                not getattr(ctx.params, "fit_mask", False):
            raise ValueError(f"the mask is {mask.width}x{mask.height}, the foreground "
                             f"{foreground.width}x{foreground.height}: they must match")
        fw, fh, bw, bh = foreground.width, foreground.height, background.width, background.height
        if (fw, fh) != (bw, bh):  # issue 35: say it, not leave a strip of plate to guess from
            p = ctx.params
            cover = max(0, min(bw, p.x + fw) - max(0, p.x)) * max(0, min(bh, p.y + fh) - max(0, p.y))
            ctx.warn(f"the foreground is {fw}x{fh}, the background {bw}x{bh}: the output is {bw}x{bh}, the "
                     f"foreground placed at ({p.x}, {p.y}) covers {100 * cover / (bw * bh):.0f}% of it"
                     + ("" if mask is not None or p.mode != "over" else
                        " and hides the background there (no mask: connect the foreground's 'alpha' to 'mask')")
                     + "; set the foreground's size to match, or Resize it")
        return {"channels": max(background.channels, foreground.channels) if background.channels in (1, 3)
                and foreground.channels in (1, 3) else background.channels}

    def frame(self, ctx, i, background, foreground, mask=None):
        p = ctx.params
        H, W = background.shape[:2]
        h, w = foreground.shape[:2]
        c = max(background.shape[2], foreground.shape[2])
        out = np.array(np.broadcast_to(background, (H, W, c)) if background.shape[2] != c else background,
                       np.float32)
        x0, y0 = max(0, p.x), max(0, p.y)
        x1, y1 = min(W, p.x + w), min(H, p.y + h)
        if x1 <= x0 or y1 <= y0 or p.opacity == 0:
            return np.clip(out, 0.0, 1.0, out=out) if getattr(p, "clip", False) else out  # the foreground lies outside the background
        fg = foreground[y0 - p.y:y1 - p.y, x0 - p.x:x1 - p.x]
        if fg.shape[2] != c:
            fg = np.broadcast_to(fg, fg.shape[:2] + (c,))
        bg = out[y0:y1, x0:x1]
        col = _blend(p.mode, fg, bg)
        k = np.float32(p.opacity)
        if mask is not None:
            if mask.shape[:2] != (h, w):  # (fit_mask: output_shape refuses another size otherwise)
                mask = cv2.resize(np.ascontiguousarray(mask[..., 0]), (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
            k = mask[y0 - p.y:y1 - p.y, x0 - p.x:x1 - p.x, :1] * k
        out[y0:y1, x0:x1] = bg + (col - bg) * k
        return np.clip(out, 0.0, 1.0, out=out) if getattr(p, "clip", False) else out
