"""FlashVSR over a clip in steps (the release's streaming loop, ``flashvsr_tiny.py`` / the v1.1
tiny-long script, OpenImagingLab/FlashVSR@ccac0ac, Apache-2.0), each step's frames decoded at once
(the release's Tiny-Long order): memory holds the models, the DiT's cached windows (``kv_ratio``) and
one step's frames, however long the clip.

Frames: the clip padded with its last frame to the release's 8n + 1 frames with 4 more than shown
(at least 25: 21 frames out), so every input frame comes out (the release cuts the padding's 8n + 1
down instead, dropping up to 7 tail frames); the output is cut back to the clip's length. Sizes: each
frame bicubic-resized to the output size, then its right and bottom edges replicated to multiples of 128
(the DiT's 2x8x8 windows of 16-pixel tokens), the output cropped back (the release centre-crops the
resized frame to multiples of 128 instead, losing its edges). Step 0: the low-resolution projection reads
frames 0..24 in chunks (1, then 4 at a time) and 6 latent frames are denoised, then decoded with frames
0..20 as the decoder's condition (21 frames out); step k: frames 8k+17..8k+24 projected, 2 latent frames,
frames 8k+13..8k+20 decoded."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from ..seedvr2 import color_fix
from .dit_stream import Stream

GRID = 128
MIN_FRAMES = 21
COLOR_FIXES = ("adain", "wavelet", "none")


def plan(n: int) -> tuple[int, int]:
    """(padded frames F = 8m + 1, steps) for an n-frame clip: F - 4 >= max(n, 21)."""
    need = max(n, MIN_FRAMES) + 4
    padded = math.ceil((need - 1) / 8) * 8 + 1
    return padded, (padded - 1) // 8 - 2


def work_size(out_w: int, out_h: int) -> tuple[int, int]:
    return math.ceil(out_w / GRID) * GRID, math.ceil(out_h / GRID) * GRID


def adain(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """The release's AdaIN (``_adain``: biased variance + 1e-5), per frame and channel."""
    fo, fr = out.flatten(2), ref.flatten(2)
    mo, so = fo.mean(-1), (fo.var(-1, unbiased=False) + 1e-5).sqrt()
    mr, sr = fr.mean(-1), (fr.var(-1, unbiased=False) + 1e-5).sqrt()
    return (out - mo[..., None, None]) / so[..., None, None] * sr[..., None, None] + mr[..., None, None]


class Frames:
    """The low-resolution frames at the work size in [-1, 1], [1, 3, k, H, W], read from the clip once
    each (the padding past its end: its last frame), the frames no longer needed dropped."""

    def __init__(self, read: Callable[[int, int], np.ndarray], n: int, out_w: int, out_h: int, device, dtype):
        self.read, self.n, self.out_w, self.out_h = read, n, out_w, out_h
        self.work = work_size(out_w, out_h)
        self.device, self.dtype = device, dtype
        self.kept: dict[int, torch.Tensor] = {}

    def _load(self, idx: list[int]) -> None:
        src = [min(i, self.n - 1) for i in idx]
        a, b = min(src), max(src) + 1
        raw = torch.from_numpy(np.array(self.read(a, b), dtype=np.float32))
        x = raw.permute(0, 3, 1, 2).float()
        x = F.interpolate(x, size=(self.out_h, self.out_w), mode="bicubic", align_corners=False).clamp(0, 1)
        ww, wh = self.work
        x = F.pad(x, (0, ww - self.out_w, 0, wh - self.out_h), mode="replicate") * 2 - 1
        for i, s in zip(idx, src):
            self.kept[i] = x[s - a].to(self.device, self.dtype)

    def get(self, a: int, b: int) -> torch.Tensor:
        want = [i for i in range(a, b) if i not in self.kept]
        if want:
            self._load(want)
        out = torch.stack([self.kept[i] for i in range(a, b)], 1)[None]
        return out

    def forget_before(self, i: int) -> None:
        self.kept = {k: v for k, v in self.kept.items() if k >= i}


def stream(dit, lq_proj, decoder, context: torch.Tensor, frames: Frames, *, generator: torch.Generator,
           kv_ratio: float, local_range: int, sparse_ratio: float, fix: str,
           cancelled: Callable[[], None] = lambda: None) -> Iterator[np.ndarray]:
    """The upscaled clip in chunks ([k, out_h, out_w, 3] float32 in [0, 1]), in order."""
    n = frames.n
    _, steps = plan(n)
    ww, wh = frames.work
    st = Stream(dit, context, kv_ratio=kv_ratio, local_range=local_range, sparse_ratio=sparse_ratio,
                out_pixels=ww * wh)
    lq_proj.reset()
    decoder.reset()
    ch = dit.config.in_channels
    made = 0

    @torch.no_grad()
    def one(k: int) -> np.ndarray:
        if k == 0:
            ranges, t_lat, dec = [(0, 1)] + [(4 * i - 3, 4 * i + 1) for i in range(1, 7)], 6, (0, 21)
        else:
            ranges, t_lat, dec = [(8 * k + 17, 8 * k + 21), (8 * k + 21, 8 * k + 25)], 2, (8 * k + 13, 8 * k + 21)
        tokens = None
        for a, b in ranges:
            got = lq_proj.step(frames.get(a, b).to(next(lq_proj.parameters()).dtype))
            if got is not None:
                tokens = got if tokens is None else [torch.cat([t, g], 1) for t, g in zip(tokens, got)]
        noise = torch.randn((1, ch, t_lat, wh // 8, ww // 8), generator=generator).to(frames.device, frames.dtype)
        latents = st.step(noise, tokens)
        lq = frames.get(*dec)
        out = decoder.decode(latents.transpose(1, 2).to(next(decoder.parameters()).dtype), lq) * 2 - 1
        out = out[0].float()  # [T, 3, H, W]
        ref = lq[0].transpose(0, 1).float()
        if fix == "adain":
            out = adain(out, ref)
        elif fix == "wavelet":
            out = color_fix.wavelet(out, ref)
        out = ((out.clamp(-1, 1) + 1) / 2)[:, :, :frames.out_h, :frames.out_w]
        frames.forget_before(dec[1])
        return out.permute(0, 2, 3, 1).cpu().numpy().astype(np.float32)

    for k in range(steps):
        cancelled()
        out = one(k)
        keep = min(len(out), n - made)
        if keep > 0:
            yield out[:keep]
            made += keep
