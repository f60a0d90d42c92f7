"""The jobs of one frame of a tiled diffusion upscale: for each, the mask of the pixels it changes, the crop the image
model sees, the size it is worked at, its denoise and its mask's blur. Plain numpy, no torch.

What is followed (facts, read; the packs are GPL-3.0, nothing copied): Coyote-A/ultimate-upscale-for-automatic1111
@2322caa scripts/ultimate-upscale.py (USDURedraw, USDUSeamsFix) and ssitu/ComfyUI_UltimateSDUpscale@34a3c2c
(usdu_nodes.py's settings, usdu_patch.py's sizes, modules/processing.py's crop and composite, usdu_utils.py's crop
expansion):
- the upscaled size is the input's times the factor, each side rounded to a multiple of 8 (usdu_patch);
- the grid is ceil(height / tile_height) rows by ceil(width / tile_width) columns;
- a redraw tile's mask is its rectangle; the model sees that rectangle with 'padding' pixels around it (cut at the
  image's edges), worked at round((tile + padding) / 8) * 8 pixels a side where tiles are uniform (the crop first
  widened to that aspect, then resized), else at the crop's size rounded up to a multiple of 8 (the crop widened);
- 'Linear' redraws the tiles row by row; 'Chess' the tiles whose column + row is even first, then the others; 'None'
  redraws none. As each tile is composited before the next is cropped, the order changes what a tile's padding sees;
- the seam fixes: 'Band Pass' redraws a band 'seam_fix_width' wide across each inner seam (a mirrored ramp, no blur),
  the model seeing it with 'seam_fix_padding' around it; 'Half Tile' redraws a tile-sized ramp centred on each inner
  seam (rows' seams, then columns'), worked at the tile's size; '+ Intersections' then an inverted radial ramp on each
  inner corner, with no padding. Each at 'seam_fix_denoise', blurred by 'seam_fix_mask_blur' (not Band Pass).
Studio's own: masks are half-open rectangles (A1111's drawn rectangles are one pixel wider and taller), ramps are
linear in numpy (PIL's are 256-level pictures resized bicubic), blur is OpenCV's Gaussian with sigma = the blur."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

REDRAW_MODES = ("Linear", "Chess", "None")
SEAM_FIXES = ("None", "Band Pass", "Half Tile", "Half Tile + Intersections")


@dataclass(frozen=True)
class Settings:
    tile_width: int = 512
    tile_height: int = 512
    padding: int = 32
    mask_blur: int = 8
    mode: str = "Linear"
    denoise: float = 0.2
    seam_fix: str = "None"
    seam_fix_denoise: float = 1.0
    seam_fix_width: int = 64
    seam_fix_mask_blur: int = 8
    seam_fix_padding: int = 16
    uniform: bool = True


@dataclass
class Job:
    """One img2img pass: ``mask`` (float32 [H, W] in 0..1, before its blur) of the pixels it changes, ``crop``
    (x0, y0, x1, y1) the model sees, ``size`` (w, h) it is worked at, its ``denoise`` and its mask's ``blur``."""
    kind: str  # 'tile', 'band', 'half tile', 'intersection'
    mask: np.ndarray
    crop: tuple[int, int, int, int]
    size: tuple[int, int]
    denoise: float
    blur: int


def upscaled_size(width: int, height: int, factor: float) -> tuple[int, int]:
    """The upscaled frame's size: each side times ``factor``, rounded to a multiple of 8 (at least 8)."""
    return max(8, round(width * factor / 8) * 8), max(8, round(height * factor / 8) * 8)


def grid(width: int, height: int, s: Settings) -> tuple[int, int]:
    """(rows, columns) of tiles covering a ``width`` x ``height`` frame."""
    return math.ceil(height / s.tile_height), math.ceil(width / s.tile_width)


def round8(n: float) -> int:
    return max(8, round(n / 8) * 8)


def order(rows: int, cols: int, mode: str) -> list[tuple[int, int]]:
    """The (row, column) of each redrawn tile in the order they are redrawn."""
    cells = [(y, x) for y in range(rows) for x in range(cols)]
    if mode == "None":
        return []
    if mode == "Chess":
        return [c for c in cells if sum(c) % 2 == 0] + [c for c in cells if sum(c) % 2 == 1]
    return cells


def _expand(box, width: int, height: int, tw: int, th: int) -> tuple[int, int, int, int]:
    """``box`` widened towards ``tw`` x ``th``: half the difference to the right (bottom), the rest to the left (top),
    what the edge stops given to the other side (usdu_utils.expand_crop's rule)."""
    x0, y0, x1, y1 = box

    def grow(a, b, want, limit):
        b = min(b + (want - (b - a)) // 2, limit)
        a = max(a - (want - (b - a)), 0)
        b = min(b + (want - (b - a)), limit)
        return a, b
    x0, x1 = grow(x0, x1, tw, width)
    y0, y1 = grow(y0, y1, th, height)
    return x0, y0, x1, y1


def crop_for(rect, pad: int, width: int, height: int, work: tuple[int, int], uniform: bool):
    """(crop, worked size) of the mask's rectangle ``rect`` with ``pad`` around it: uniform, the crop widened to
    ``work``'s aspect and worked at ``work``; else the crop widened to multiples of 8 and worked at its own size."""
    x0, y0, x1, y1 = rect
    box = (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad))
    cw, ch = box[2] - box[0], box[3] - box[1]
    if uniform:
        ratio = work[0] / work[1]
        tw, th = (cw, round(cw / ratio)) if cw / ch > ratio else (round(ch * ratio), ch)
        return _expand(box, width, height, tw, th), work
    tw, th = math.ceil(cw / 8) * 8, math.ceil(ch / 8) * 8
    return _expand(box, width, height, tw, th), (tw, th)


def _rect_mask(width: int, height: int, rect) -> np.ndarray:
    m = np.zeros((height, width), np.float32)
    x0, y0, x1, y1 = rect
    m[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = 1.0
    return m


def _pasted(width: int, height: int, patch: np.ndarray, x: int, y: int) -> np.ndarray:
    """A ``width`` x ``height`` mask, 0 but ``patch`` put with its top left at (x, y) (cut at the edges)."""
    m = np.zeros((height, width), np.float32)
    ph, pw = patch.shape
    a0, b0 = max(0, y), max(0, x)
    a1, b1 = min(height, y + ph), min(width, x + pw)
    if a1 > a0 and b1 > b0:
        m[a0:a1, b0:b1] = patch[a0 - y:a1 - y, b0 - x:b1 - x]
    return m


def _bbox(m: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(m > 0)
    if len(ys) == 0:
        return 0, 0, 0, 0
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _ramp(n: int) -> np.ndarray:
    """0 -> 1 over ``n`` values."""
    return np.linspace(0.0, 1.0, max(1, n), dtype=np.float32)


def _mirror(n: int) -> np.ndarray:
    """A ramp up over the first half of ``n`` values and down over the second (1 at the middle)."""
    half = n // 2
    return np.concatenate([_ramp(half), _ramp(n - half)[::-1]]).astype(np.float32)


def redraw_jobs(width: int, height: int, s: Settings) -> Iterator[Job]:
    """The redraw's tiles in their order, made one at a time (a frame-sized mask each)."""
    rows, cols = grid(width, height, s)
    work = (round8(s.tile_width + s.padding), round8(s.tile_height + s.padding))
    for y, x in order(rows, cols, s.mode):
        rect = (x * s.tile_width, y * s.tile_height, min(width, (x + 1) * s.tile_width),
                min(height, (y + 1) * s.tile_height))
        crop, size = crop_for(rect, s.padding, width, height, work, s.uniform)
        yield Job("tile", _rect_mask(width, height, rect), crop, size, s.denoise, s.mask_blur)


def seam_jobs(width: int, height: int, s: Settings) -> Iterator[Job]:
    """The seam fix's passes in their order, made one at a time."""
    for kind, mask, pad_, work, blur in _seam_masks(width, height, s):
        rect = _bbox(mask)
        if rect[2] > rect[0] and rect[3] > rect[1]:
            crop, size = crop_for(rect, pad_, width, height, work, s.uniform)
            yield Job(kind, mask, crop, size, s.seam_fix_denoise, blur)


def _seam_masks(width: int, height: int, s: Settings):
    rows, cols = grid(width, height, s)
    tw, th, pad = s.tile_width, s.tile_height, s.seam_fix_padding

    def add(*job):
        return job
    if s.seam_fix == "Band Pass":
        w = max(1, s.seam_fix_width)
        band = _mirror(w)
        for x in range(1, cols):  # a vertical band on each inner column seam
            yield add("band", _pasted(width, height, np.tile(band, (height, 1)), x * tw - w // 2, 0), pad,
                (round8(w + 2 * pad), round8(height)), 0)
        for y in range(1, rows):  # a horizontal band on each inner row seam
            yield add("band", _pasted(width, height, np.tile(band[:, None], (1, width)), 0, y * th - w // 2), pad,
                (round8(width), round8(w + 2 * pad)), 0)
    elif s.seam_fix in ("Half Tile", "Half Tile + Intersections"):
        across_rows = np.tile(_mirror(th)[:, None], (1, tw))  # 1 on the row seam, 0 at the tiles' middles
        across_cols = np.tile(_mirror(tw), (th, 1))
        work = (round8(tw), round8(th))
        for y in range(rows - 1):
            for x in range(cols):
                yield add("half tile", _pasted(width, height, across_rows, x * tw, y * th + th // 2), pad, work,
                    s.seam_fix_mask_blur)
        for y in range(rows):
            for x in range(cols - 1):
                yield add("half tile", _pasted(width, height, across_cols, x * tw + tw // 2, y * th), pad, work,
                    s.seam_fix_mask_blur)
        if s.seam_fix == "Half Tile + Intersections":
            yy, xx = np.mgrid[0:th, 0:tw].astype(np.float32)
            r = np.sqrt(((xx + 0.5) / tw - 0.5) ** 2 + ((yy + 0.5) / th - 0.5) ** 2) * 2
            corner = np.clip(1.0 - r, 0.0, 1.0).astype(np.float32)  # 1 at the corner, 0 half a tile away
            for y in range(rows - 1):
                for x in range(cols - 1):
                    at = (x * tw + tw // 2, y * th + th // 2)
                    yield add("intersection", _pasted(width, height, corner, *at), 0, work, s.seam_fix_mask_blur)


def jobs(width: int, height: int, s: Settings) -> Iterator[Job]:
    """Every job of a ``width`` x ``height`` (upscaled) frame, one at a time: the redraw's tiles in their order, then
    the seam fix's."""
    yield from redraw_jobs(width, height, s)
    yield from seam_jobs(width, height, s)


def count(width: int, height: int, s: Settings) -> tuple[int, int]:
    """(tiles redrawn, seam fix passes) of a frame, as jobs makes them (without their masks)."""
    rows, cols = grid(width, height, s)
    seams = {"None": 0, "Band Pass": rows + cols - 2, "Half Tile": rows * (cols - 1) + (rows - 1) * cols,
             "Half Tile + Intersections": rows * (cols - 1) + (rows - 1) * cols + (rows - 1) * (cols - 1)}
    return len(order(rows, cols, s.mode)), seams.get(s.seam_fix, 0)
