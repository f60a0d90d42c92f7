"""ComfyUI's core mask nodes that Mask Tools does not cover, as Studio operations on one-channel clips (Studio's
Mask): a solid mask (SolidMask), a mask as a grey video (MaskToImage), two masks combined (MaskComposite), edges
faded to 0 (FeatherMask) and a rectangle of a mask kept (CropMask). Their settings are ComfyUI's declared ones
(names, ranges, defaults: comfy_extras/nodes_mask.py, read for facts). Frame by frame, vectorised (numpy)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Choice, Float, Int
from studio.core.spec import FRAME, SOURCE, In, Node, Out

MAX_SIDE = 16384  # ComfyUI's MAX_RESOLUTION
OPERATIONS = ("multiply", "add", "subtract", "and", "or", "xor")


def _mask(frame: np.ndarray) -> np.ndarray:
    """The 2-D values of a mask frame (H x W x 1, or a picture's first channel)."""
    return frame[..., 0] if frame.ndim == 3 else frame


class SolidMask(Node):
    """A mask of one value everywhere (ComfyUI's SolidMask): 'frames' frames of 'width' x 'height'."""
    id = "edit.solid_mask"
    keywords = ("constant mask", "fill mask", "empty mask")
    title = "Solid Mask"
    category = "Edit"
    timing = SOURCE
    inputs = ()
    outputs = (Out("mask", "Mask"),)
    params = (Float("value", 1.0, min=0.0, max=1.0, help="the mask's value everywhere"),
              Int("width", 512, min=1, max=MAX_SIDE), Int("height", 512, min=1, max=MAX_SIDE),
              Int("frames", 1, min=1, max=1_000_000), Float("fps", 24.0, min=1.0, max=240.0))

    def run(self, ctx):
        from studio.engine.clip import StillClip
        p = ctx.params
        return StillClip(np.full((p.height, p.width, 1), p.value, np.float32), p.frames, p.fps)


class MaskToVideo(Node):
    """A mask as a grey video: its value in each of red, green and blue (ComfyUI's MaskToImage)."""
    id = "edit.mask_to_video"
    keywords = ("mask to image", "show mask", "matte to video")
    title = "Mask to Video"
    category = "Edit"
    timing = FRAME
    inputs = (In("mask", "Mask"),)
    outputs = (Out("video", "Video"),)
    params = ()

    def output_shape(self, ctx, mask, **_):
        return {"channels": 3}

    def frame(self, ctx, i, mask):
        m = _mask(mask)
        return np.ascontiguousarray(np.broadcast_to(m[..., None], m.shape + (3,)), np.float32)


class CombineMasks(Node):
    """'source' combined into 'destination' with its top-left corner at (x, y) (ComfyUI's MaskComposite):
    multiply, add, subtract, or the logical and / or / xor of the two rounded to 0 or 1; the result clipped to
    0..1. Outside the source the destination is kept; the output has the destination's size."""
    id = "edit.combine_masks"
    keywords = ("mask composite", "union", "intersect", "subtract mask", "boolean")
    title = "Combine Masks"
    category = "Edit"
    timing = FRAME
    inputs = (In("destination", "Mask"), In("source", "Mask"))
    outputs = (Out("mask", "Mask"),)
    params = (Int("x", 0, min=0, max=MAX_SIDE, help="the source's left edge on the destination"),
              Int("y", 0, min=0, max=MAX_SIDE, help="the source's top edge on the destination"),
              Choice("operation", "multiply", choices=OPERATIONS))

    def output_shape(self, ctx, destination, source, **_):
        return {"channels": 1}

    def frame(self, ctx, i, destination, source):
        p = ctx.params
        out = np.array(_mask(destination), np.float32)
        src = _mask(source)
        H, W = out.shape
        x1, y1 = min(p.x + src.shape[1], W), min(p.y + src.shape[0], H)
        if x1 > p.x and y1 > p.y:
            d, s = out[p.y:y1, p.x:x1], src[:y1 - p.y, :x1 - p.x]
            if p.operation == "multiply":
                d *= s
            elif p.operation == "add":
                d += s
            elif p.operation == "subtract":
                d -= s
            else:
                a, b = np.rint(d) != 0, np.rint(s) != 0
                d[...] = (a & b) if p.operation == "and" else (a | b) if p.operation == "or" else (a ^ b)
        return np.clip(out, 0.0, 1.0, out=out)[..., None]


def edge_ramp(n: int, size: int) -> np.ndarray:
    """Factors over ``size`` pixels fading the first ``n`` (at most ``size``) in: (k + 1) / n for pixel k < n,
    1 past them."""
    n = min(n, size)
    ramp = np.ones(size, np.float32)
    if n > 0:
        ramp[:n] = (np.arange(n, dtype=np.float32) + 1) / n
    return ramp


class FeatherEdges(Node):
    """A mask faded towards its edges (ComfyUI's FeatherMask): over 'left' pixels from the left edge the value
    is multiplied by (k + 1) / left for the k-th column, likewise from the right, top and bottom edges (where
    two ramps meet, both apply)."""
    id = "edit.feather_edges"
    keywords = ("feather mask", "fade edges", "vignette mask", "soft border")
    title = "Feather Edges"
    category = "Edit"
    timing = FRAME
    inputs = (In("mask", "Mask"),)
    outputs = (Out("mask", "Mask"),)
    params = tuple(Int(side, 0, min=0, max=MAX_SIDE, help=f"pixels faded from the {side} edge")
                   for side in ("left", "top", "right", "bottom"))

    def output_shape(self, ctx, mask, **_):
        return {"channels": 1}

    def frame(self, ctx, i, mask):
        p = ctx.params
        m = _mask(mask)
        H, W = m.shape
        across = edge_ramp(p.left, W) * edge_ramp(p.right, W)[::-1]
        down = edge_ramp(p.top, H) * edge_ramp(p.bottom, H)[::-1]
        return (m * down[:, None] * across[None, :])[..., None].astype(np.float32)


class CropMask(Node):
    """A rectangle of a mask kept (ComfyUI's CropMask): 'width' x 'height' from (x, y), cut at the mask's right
    and bottom edges (as ComfyUI slices it); a corner outside the mask is refused."""
    id = "edit.crop_mask"
    keywords = ("cut mask", "mask region")
    title = "Crop Mask"
    category = "Edit"
    timing = FRAME
    inputs = (In("mask", "Mask"),)
    outputs = (Out("mask", "Mask"),)
    params = (Int("x", 0, min=0, max=MAX_SIDE), Int("y", 0, min=0, max=MAX_SIDE),
              Int("width", 512, min=1, max=MAX_SIDE), Int("height", 512, min=1, max=MAX_SIDE))

    @staticmethod
    def _box(p, w: int, h: int) -> tuple[int, int]:
        if p.x >= w or p.y >= h:
            raise ValueError(f"the crop's corner ({p.x}, {p.y}) lies outside the {w}x{h} mask")
        return min(p.width, w - p.x), min(p.height, h - p.y)

    def output_shape(self, ctx, mask, **_):
        cw, ch = self._box(ctx.params, mask.width, mask.height)
        return {"width": cw, "height": ch, "channels": 1}

    def frame(self, ctx, i, mask):
        p = ctx.params
        m = _mask(mask)
        cw, ch = self._box(p, m.shape[1], m.shape[0])
        return np.ascontiguousarray(m[p.y:p.y + ch, p.x:p.x + cw])[..., None]
