"""Match a clip's colours to a reference picture's, as the packs' colour match nodes do where the maths is simple:
'reinhard' (each channel's mean and standard deviation in Lab made the reference's: Reinhard et al. 2001),
'mean' (only the means in Lab), 'mkl' (the RGB mean and covariance made the reference's by the Monge-Kantorovich
linear map: Pitie and Kokaram 2007). Each frame matched to the reference's frame of the same index (its last one
held past its end; a still: its one picture), by 'strength' mixed with the frame as it was. Lazy, one frame a pull."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice, Float
from studio.core.spec import FRAME, In, Node, Out

METHODS = ("reinhard", "mean", "mkl")


def _lab(x: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(np.clip(x[..., :3], 0, 1), np.float32), cv2.COLOR_RGB2LAB)


def _rgb(x: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(x, np.float32), cv2.COLOR_LAB2RGB)


def _sqrtm(c: np.ndarray) -> np.ndarray:
    """The symmetric square root of a covariance (its eigenvalues floored at 0)."""
    w, v = np.linalg.eigh(c)
    return (v * np.sqrt(np.maximum(w, 0))) @ v.T


def mkl_map(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """The 3x3 T taking a covariance ``src`` to ``ref`` (T src T = ref, T symmetric): the MKL solution."""
    eps = np.eye(3) * 1e-8
    a = _sqrtm(src + eps)
    a_inv = np.linalg.pinv(a)
    return a_inv @ _sqrtm(a @ ref @ a) @ a_inv


def matched(frame: np.ndarray, ref: np.ndarray, method: str) -> np.ndarray:
    """``frame``'s colours made ``ref``'s by ``method`` (3 channels of 0..1; the result clipped to 0..1)."""
    if method == "mkl":
        x = frame[..., :3].reshape(-1, 3).astype(np.float64)
        r = ref[..., :3].reshape(-1, 3).astype(np.float64)
        mx, mr = x.mean(0), r.mean(0)
        t = mkl_map(np.cov(x, rowvar=False), np.cov(r, rowvar=False))
        out = (x - mx) @ t + mr
        return np.clip(out, 0, 1).reshape(frame.shape[:2] + (3,)).astype(np.float32)
    a, b = _lab(frame), _lab(ref)
    ma, mb = a.reshape(-1, 3).mean(0), b.reshape(-1, 3).mean(0)
    if method == "mean":
        out = a - ma + mb
    else:
        sa, sb = a.reshape(-1, 3).std(0), b.reshape(-1, 3).std(0)
        out = (a - ma) * np.where(sa > 1e-6, sb / np.maximum(sa, 1e-6), 1.0) + mb
    return np.clip(_rgb(out.astype(np.float32)), 0, 1)


class ColourMatch(Node):
    """Make each frame's colours the reference's: 'reinhard' matches each Lab channel's mean and spread,
    'mean' only its mean, 'mkl' the RGB mean and covariance (colours moved together). Frame i is matched to
    the reference's frame i (its last held past its end: a still matches every frame to it); 'strength'
    mixes the matched colours with the frame's own."""
    id = "edit.colour_match"
    keywords = ("color match", "colour match", "match colors", "color transfer", "grade to reference")
    title = "Colour Match"
    category = "Edit"
    timing = FRAME
    inputs = (In("video", "Video"), In("reference", "Video", help="a picture or clip whose colours are taken"))
    outputs = (Out("video", "Video"),)
    params = (Choice("method", "reinhard", choices=METHODS,
                     help="reinhard: Lab mean and spread; mean: Lab mean only; mkl: RGB mean and covariance"),
              Float("strength", 1.0, min=0.0, max=10.0, help="0: the frame as it is, 1: matched; over 1: further"))

    def output_shape(self, ctx, video, reference, **_):
        return {"channels": 3, "n_frames": video.n_frames}  # a still reference held for every frame

    def frame(self, ctx, i, video, reference):
        p = ctx.params
        src = video[..., :3] if video.shape[2] >= 3 else np.repeat(video[..., :1], 3, axis=2)
        ref = reference[..., :3] if reference.shape[2] >= 3 else np.repeat(reference[..., :1], 3, axis=2)
        out = matched(src, ref, p.method)
        if p.strength != 1.0:
            out = np.clip(src + (out - src) * np.float32(p.strength), 0, 1)
        return out.astype(np.float32)
