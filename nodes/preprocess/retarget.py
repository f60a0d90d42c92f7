"""Retarget a pose to a reference character's proportions, as Wan Animate's preprocessing does:
every limb of the COCO-17 body is scaled to the reference's length for it (the ratio of the
reference's length to the driving person's typical length), its angle kept; the skeleton is
rebuilt from the neck (the shoulders' midpoint, which stays where it was) outwards. Whole-body
feet, face and hands follow their joint (ankle, nose, wrist), scaled by that limb's ratio.
Plain numpy, vectorised over frames and people."""
from __future__ import annotations

import numpy as np

NECK = -1
# (parent, child) in the order a child's parent is placed before it; NECK is the shoulders' midpoint
EDGES = ((NECK, 0), (0, 1), (0, 2), (1, 3), (2, 4), (NECK, 5), (NECK, 6), (5, 7), (7, 9), (6, 8), (8, 10),
         (NECK, 11), (NECK, 12), (11, 13), (13, 15), (12, 14), (14, 16))
# whole-body groups: (points, the body joint they hang from, the edge whose ratio scales them)
GROUPS = ((range(17, 20), 15, (13, 15)), (range(20, 23), 16, (14, 16)), (range(23, 91), 0, (NECK, 0)),
          (range(91, 112), 9, (7, 9)), (range(112, 133), 10, (8, 10)))


def _with_neck(xy: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points [..., K, 2] with the neck appended as point K (validity likewise)."""
    neck = (xy[..., 5, :] + xy[..., 6, :]) / 2
    return (np.concatenate([xy, neck[..., None, :]], -2),
            np.concatenate([ok, (ok[..., 5] & ok[..., 6])[..., None]], -1))


def limb_lengths(xy: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Median length of each EDGES limb over every frame and person where both ends are valid
    (NaN where never): xy [..., K, 2], ok [..., K]."""
    xy, ok = _with_neck(xy.reshape(-1, *xy.shape[-2:]), ok.reshape(-1, ok.shape[-1]))
    out = np.full(len(EDGES), np.nan)
    for e, (a, b) in enumerate(EDGES):
        both = ok[:, a] & ok[:, b]
        if both.any():
            out[e] = np.median(np.linalg.norm(xy[both, b] - xy[both, a], axis=-1))
    return out


def limb_ratios(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Reference over source length per limb; a limb not measured on either side takes the median
    of the others (1 when none is)."""
    r = np.where((src > 0) & np.isfinite(src) & np.isfinite(ref), ref / np.where(src > 0, src, 1), np.nan)
    fill = np.nanmedian(r) if np.isfinite(r).any() else 1.0
    return np.where(np.isfinite(r), r, fill)


def retarget(xy: np.ndarray, ok: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    """Points [..., K, 2] (K 17 or 133, COCO order) with limbs scaled by ``ratios`` [17]."""
    full, _ = _with_neck(xy, ok)
    new = full.copy()
    for e, (a, b) in enumerate(EDGES):
        new[..., b, :] = new[..., a, :] + (full[..., b, :] - full[..., a, :]) * ratios[e]
    if xy.shape[-2] >= 133:
        for pts, joint, edge in GROUPS:
            idx = np.array(pts)
            r = ratios[EDGES.index(edge)]
            new[..., idx, :] = new[..., joint, None, :] + (full[..., idx, :] - full[..., joint, None, :]) * r
    return new[..., :-1, :]
