"""A model run over an image in tiles with overlap, and the memory that takes, estimated first.

Each tile's core (``tile`` x ``tile`` input pixels) is run with up to ``overlap`` pixels of its
neighbours around it as context, and only the core's output is kept: no blend. Where the image
ends the context stops at the image's edge, so the model sees the same border as on the whole
frame. A convolutional upscaler whose receptive field is within ``overlap`` therefore gives the
untiled result to rounding; a deeper one differs only near the seams. This is the way spandrel's
own users tile (chaiNNer's ``auto_split`` splits with overlap and crops the overlap away); read for
the idea, not copied."""
from __future__ import annotations

import math

ACTIVATION_FEATURES = 64  # an upscaler's working features per output pixel, for the estimate
ACTIVATION_COPIES = 4  # live activations at once (input, output, residuals) in that estimate


def spans(n: int, tile: int) -> list[tuple[int, int]]:
    """[a, b) cores of at most ``tile`` covering [0, n), the last one as large as the others."""
    if tile <= 0 or n <= tile:
        return [(0, n)]
    k = math.ceil(n / tile)
    step = math.ceil(n / k)
    return [(a, min(n, a + step)) for a in range(0, n, step)]


def tiled(fn, x, scale: int, tile: int, overlap: int, check=None):
    """``fn`` (an image model: [B, C, h, w] -> [B, C', h*scale, w*scale]) run over ``x`` in tiles
    of ``tile`` pixels with ``overlap`` pixels of context; ``tile`` 0 (or an image that fits one
    tile) runs it once. ``check``: called before each tile (cancel)."""
    _, _, h, w = x.shape
    ys, xs = spans(h, tile), spans(w, tile)
    if len(ys) == 1 and len(xs) == 1:
        return fn(x)
    out = None
    for y0, y1 in ys:
        for x0, x1 in xs:
            if check is not None:
                check()
            cy0, cy1, cx0, cx1 = max(0, y0 - overlap), min(h, y1 + overlap), max(0, x0 - overlap), min(w, x1 + overlap)
            r = fn(x[:, :, cy0:cy1, cx0:cx1])
            if out is None:
                out = r.new_empty((r.shape[0], r.shape[1], h * scale, w * scale))
            oy, ox = (y0 - cy0) * scale, (x0 - cx0) * scale
            out[:, :, y0 * scale:y1 * scale, x0 * scale:x1 * scale] = \
                r[:, :, oy:oy + (y1 - y0) * scale, ox:ox + (x1 - x0) * scale]
    return out


def estimate(width: int, height: int, scale: int, tile: int, overlap: int, batch: int, dtype_bytes: int) -> dict:
    """Bytes an upscale of ``batch`` frames of ``width`` x ``height`` by ``scale`` takes: on the
    device (the output frames in the model's precision and as float32, one tile's activations at
    the output's size) and on the host (the output frames as float32, twice: made and handed on)."""
    th = min(height, tile + 2 * overlap) if tile > 0 else height
    tw = min(width, tile + 2 * overlap) if tile > 0 else width
    out_px = width * scale * height * scale
    tile_px = th * scale * tw * scale
    # the output in the model's precision, its float32 copy made before it leaves the device, one tile's work
    device = batch * (out_px * 3 * (dtype_bytes + 4) + tile_px * ACTIVATION_FEATURES * ACTIVATION_COPIES * dtype_bytes)
    host = batch * out_px * 3 * 4 * 2
    return {"device": int(device), "host": int(host), "out_size": (width * scale, height * scale)}
