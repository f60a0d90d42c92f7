"""A video model run over a clip in spatial tiles that overlap, the overlaps cross-faded: how the
SeedVR2 VAE encodes or decodes frames too large for the device at once.

The reference has no spatial tiling (attn_video_vae.py's tiled_encode / tiled_decode raise
NotImplementedError; its memory limit splits single convolutions exactly, which bounds a
convolution's workspace but not the activations). Its per-frame group norm and mid-block attention
see the whole frame, so a tile is not exactly the whole frame's crop: tiles with overlap whose
overlaps are cross-faded linearly (the way diffusers' AutoencoderKL.tiled_decode blends; read for
the idea) keep the seams from showing. A tile that covers the frame gives the untiled result."""
from __future__ import annotations

import torch


def tile_spans(n: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """[a, b) tiles of ``tile`` covering [0, n), each starting ``tile - overlap`` after the last,
    the last one ending at ``n``; one span when ``tile`` is 0 or covers ``n``."""
    if tile <= 0 or n <= tile:
        return [(0, n)]
    step = max(1, tile - overlap)
    starts = list(range(0, n - tile, step)) + [n - tile]
    return [(a, a + tile) for a in starts]


def ramps(spans: list[tuple[int, int]], scale_num: int, scale_den: int) -> list[torch.Tensor]:
    """Each span's weights in output units: 1 inside, rising linearly over the part it shares with
    the span before and falling over the part it shares with the span after (never 0)."""
    out = []
    for i, (a, b) in enumerate(spans):
        a, b = a * scale_num // scale_den, b * scale_num // scale_den
        w = torch.ones(b - a)
        if i > 0:
            left = spans[i - 1][1] * scale_num // scale_den - a
            if left > 0:
                w[:left] = torch.arange(1, left + 1) / (left + 1)
        if i + 1 < len(spans):
            right = b - spans[i + 1][0] * scale_num // scale_den
            if right > 0:
                w[b - a - right:] = torch.minimum(w[b - a - right:], torch.arange(right, 0, -1) / (right + 1))
        out.append(w)
    return out


def blended(fn, x: torch.Tensor, tile: int, overlap: int, scale_num: int = 1, scale_den: int = 1) -> torch.Tensor:
    """``fn`` ([B, C, T, h, w] -> [B, C', T', h * num / den, w * num / den]) over ``x`` in tiles of
    ``tile`` x ``tile`` input pixels overlapping by ``overlap``, cross-faded; the result is float32
    on ``x``'s device (one tile's output on the device at a time)."""
    h, w = x.shape[-2:]
    ys, xs = tile_spans(h, tile, overlap), tile_spans(w, tile, overlap)
    if len(ys) == 1 and len(xs) == 1:
        return fn(x)
    wy, wx = ramps(ys, scale_num, scale_den), ramps(xs, scale_num, scale_den)
    out = total = None
    for (y0, y1), ry in zip(ys, wy):
        for (x0, x1), rx in zip(xs, wx):
            r = fn(x[..., y0:y1, x0:x1]).to(x.device, torch.float32)
            if out is None:
                out = r.new_zeros(*r.shape[:-2], h * scale_num // scale_den, w * scale_num // scale_den)
                total = r.new_zeros(out.shape[-2:])
            weight = (ry[:, None] * rx[None, :]).to(r.device)
            oy, ox = y0 * scale_num // scale_den, x0 * scale_num // scale_den
            out[..., oy:oy + r.shape[-2], ox:ox + r.shape[-1]] += r * weight
            total[oy:oy + r.shape[-2], ox:ox + r.shape[-1]] += weight
    return out / total
