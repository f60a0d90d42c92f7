"""People's ids across frames: boxes matched to the tracks of the frames before by IoU (the
assignment that maximises the total overlap, scipy's linear_sum_assignment), a track kept a few
frames after it is last seen. Plain numpy."""
from __future__ import annotations

import numpy as np


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of ``a`` [N, 4] with every box of ``b`` [M, 4] (x0, y0, x1, y1): [N, M]."""
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(hi - lo, 0, None).prod(-1)
    area = lambda x: np.clip(x[:, 2:] - x[:, :2], 0, None).prod(-1)  # noqa: E731
    union = area(a)[:, None] + area(b)[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def assign_ids(frames: list[np.ndarray], min_iou: float = 0.3, patience: int = 5) -> list[np.ndarray]:
    """For each frame's boxes [M_t, 4], the id [M_t] of the track each belongs to (0, 1, 2 ... in
    the order tracks start)."""
    from scipy.optimize import linear_sum_assignment  # scipy only when people are tracked (startup stays light)
    last = np.zeros((0, 4))        # each live track's last box
    ids = np.zeros(0, int)         # their ids
    unseen = np.zeros(0, int)      # frames since each was last seen
    out, next_id = [], 0
    for boxes in frames:
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        got = np.full(len(boxes), -1)
        if len(last) and len(boxes):
            m = iou(last, boxes)
            r, c = linear_sum_assignment(-m)
            ok = m[r, c] >= min_iou
            got[c[ok]] = ids[r[ok]]
            unseen[r[ok]] = -1
            last[r[ok]] = boxes[c[ok]]
        new = got < 0
        got[new] = np.arange(next_id, next_id + new.sum())
        next_id += int(new.sum())
        last = np.concatenate([last, boxes[new]])
        ids = np.concatenate([ids, got[new]])
        unseen = np.concatenate([unseen, np.full(int(new.sum()), -1)]) + 1
        keep = unseen <= patience
        last, ids, unseen = last[keep], ids[keep], unseen[keep]
        out.append(got)
    return out
