"""Reading several objects back from a clip, matching them to a caption's objects, and the
"one slid picture" test.

* :func:`analyse_objects`: the pixels close to a named colour (the objects are saturated, bright
  colours; the grounds are darker and greyer) are split by colour; each colour present in enough
  frames is an object. Shape: the largest blob's area over its minimum-area rotated rectangle
  (square ~1, circle ~0.79, triangle ~0.5; rotation-invariant, so spinning shapes still read),
  from frames where it does not touch the edge. Direction: a straight-line fit of its centroid
  over time.
* :func:`match_objects`: the caption's objects against the found ones (best assignment by colour,
  then shape and direction); per-object hits.
* :func:`shift_residual`: the mean error left after moving the key frame by the best single
  global shift for each frame. A clip whose objects move differently cannot be explained by one
  shift: real two-object clips score high, a slid key frame scores ~0.
"""
from __future__ import annotations

import itertools
import re

import cv2
import numpy as np

from nodes.synthetic import COLORS, DIRECTIONS, SHAPES

from .phrasing import COLOR_WORDS, MOTION_WORDS, SHAPE_WORDS

_NAMES = list(COLORS)
_RGB = np.array([COLORS[c] for c in _NAMES], np.float32)
KEYS = ("color", "shape", "direction")


def interior_blobs(masks: np.ndarray, min_area: int):
    """Per frame of ``masks`` [T, H, W]: the largest connected blob, when it has ``min_area``
    pixels and does not touch the frame's edge (a shape cut by the edge misreads), as
    (labels, its label, (x, y, w, h, area))."""
    h, w = masks.shape[1:]
    for m in masks:
        n, lab, stats, _ = cv2.connectedComponentsWithStats(m.astype(np.uint8), connectivity=8)
        if n < 2:
            continue
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, bw, bh, area = (int(v) for v in stats[k][:5])
        if area < min_area or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        yield lab, k, (x, y, bw, bh, area)


def label_pixels(v: np.ndarray, thr: float = 0.3) -> np.ndarray:
    """[T, H, W] index of the nearest named colour, -1 where none is within ``thr`` (RGB distance)."""
    d = ((v[..., None, :] - _RGB) ** 2).sum(-1)
    idx = d.argmin(-1)
    return np.where(np.take_along_axis(d, idx[..., None], -1)[..., 0] < thr * thr, idx, -1)


def _shape_of(masks: np.ndarray) -> tuple[str | None, float | None]:
    ratios = []
    for lab, k, (_, _, _, _, area) in interior_blobs(masks, 6):
        pts = np.argwhere(lab == k)[:, ::-1].astype(np.float32)
        (_, _), (rw, rh), _ = cv2.minAreaRect(pts)
        # pixel centres: the rectangle around them is one pixel short of the shape's extent
        ratios.append(area / float((rw + 1) * (rh + 1)))
    if not ratios:
        return None, None
    r = float(np.median(ratios))
    return ("square" if r > 0.825 else "circle" if r > 0.65 else "triangle"), r


def analyse_objects(video, min_pixels: int = 4, min_frames: float = 0.5) -> list[dict]:
    """The objects of a clip [T, H, W, 3] in [0, 1]: colour, shape, direction, velocity (px/frame)."""
    v = np.asarray(video, np.float32)
    t = v.shape[0]
    lab = label_pixels(v)
    out = []
    for ci, name in enumerate(_NAMES):
        m = lab == ci
        counts = m.reshape(t, -1).sum(1)
        present = counts >= min_pixels
        if present.sum() < max(1, min_frames * t):
            continue
        # the largest blob of the colour in each frame: its centroid
        cent = []
        for k in np.flatnonzero(present):
            n, cc, stats, cen = cv2.connectedComponentsWithStats(m[k].astype(np.uint8), connectivity=8)
            j = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            cent.append((k, cen[j][0], cen[j][1]))
        c = np.array(cent, np.float64)
        vel = [0.0, 0.0]
        if len(c) >= 2:
            vel = [float(np.polyfit(c[:, 0], c[:, 1], 1)[0]), float(np.polyfit(c[:, 0], c[:, 2], 1)[0])]
        d = None
        if np.hypot(*vel) >= 0.2:
            d = max(DIRECTIONS, key=lambda q: DIRECTIONS[q][0] * vel[0] + DIRECTIONS[q][1] * vel[1])
        shape, fill = _shape_of(m[present])
        out.append({"color": name, "shape": shape, "direction": d, "velocity": vel, "fill": fill,
                    "pixels": float(counts.mean())})
    out.sort(key=lambda o: -o["pixels"])
    return out


def match_objects(found: list[dict], wanted: list[dict]) -> list[dict]:
    """For each wanted object (dict of color/shape/direction), the hits of the found object the best
    assignment gives it: {color, shape, direction: bool}. A wanted object left without a found one
    scores no hits."""
    best, best_score = None, -1
    n = len(found)
    slots = list(range(n)) + [None] * len(wanted)
    for perm in itertools.permutations(slots, len(wanted)):
        if len({p for p in perm if p is not None}) != sum(p is not None for p in perm):
            continue
        score = sum((4 * (found[p]["color"] == w["color"]) + (found[p]["shape"] == w["shape"])
                     + (found[p]["direction"] == w["direction"])) for p, w in zip(perm, wanted) if p is not None)
        if score > best_score:
            best, best_score = perm, score
    return [{k: (p is not None and found[p][k] == w[k]) for k in KEYS} for p, w in zip(best, wanted)]


_SYN = {}
for _table in (COLOR_WORDS, SHAPE_WORDS, MOTION_WORDS):
    for _canon, (_a, _b) in _table.items():
        for _w in _a + _b + (_canon,):
            _SYN[_w] = _canon


def parse_objects(caption: str) -> list[dict]:
    """A caption's objects in order, each {color, shape, direction} (None where a word is missing),
    read with every phrasing's synonyms: 'a scarlet disc drifting leftwards and ...'."""
    text = " " + re.sub(r"[^a-z ]", " ", caption.lower()) + " "
    hits = []
    for w in sorted(_SYN, key=len, reverse=True):  # longest first: 'moving left' before 'left'
        for m in re.finditer(r"(?<= )" + re.escape(w) + r"(?= )", text):
            if not any(a <= m.start() < b for a, b, _ in hits):
                hits.append((m.start(), m.end(), w))
    hits.sort()
    objs: list[dict] = []
    cur: dict = {}
    for _, _, w in hits:
        canon = _SYN[w]
        kind = "color" if canon in COLORS else "shape" if canon in SHAPES else "direction"
        if kind in cur:
            objs.append(cur)
            cur = {}
        cur[kind] = canon
    if cur:
        objs.append(cur)
    return [{k: o.get(k) for k in KEYS} for o in objs]


def shift_residual(video, key: int | None = None, max_shift: int | None = None) -> float:
    """Mean absolute error left after explaining each frame by the key frame moved by one global
    integer shift (the best of all shifts within ``max_shift``, with the uncovered border ignored),
    averaged over frames. ~0 for a slid picture; high when parts move differently."""
    v = np.asarray(video, np.float32)
    t, h, w, _ = v.shape
    key = t // 2 if key is None else key
    max_shift = max_shift or max(2, min(h, w) // 3)
    ref = v[key]
    errs = []
    for k in range(t):
        if k == key:
            continue
        best = np.inf
        for dy in range(-max_shift, max_shift + 1):
            for dx in range(-max_shift, max_shift + 1):
                a = ref[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
                b = v[k][max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)]
                best = min(best, float(np.abs(a - b).mean()))
        errs.append(best)
    return float(np.mean(errs)) if errs else 0.0
