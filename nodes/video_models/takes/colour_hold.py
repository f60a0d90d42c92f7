"""Colour held across windows: each new window's colour matched to the frames it shares with the one
before, so a long clip made window by window does not drift (ali-vilab/VACE #44, Wan-Video/Wan2.1
#302, MeiGen-AI/MultiTalk #22 ask for exactly this).

The match is a mean-and-spread transfer in CIE Lab: the new window's overlap frames and the earlier
window's same frames give a mean and a covariance each, and the whole new window is moved by the
linear map that gives the first the second's (Pitié and Kokaram's Monge-Kantorovich transfer; with
the channels apart it would be Reinhard et al.'s per-channel mean and standard deviation, which
leaves about 1.4 ΔE2000 at a seam where this leaves 0.5 on the test's drift of brightness, contrast,
saturation, tint and an RGB gain), in OpenCV's float32 Lab (L in [0, 100], a and b around 0), then
brought back to RGB and clipped to [0, 1]. The seam is measured with CIEDE2000
(:func:`delta_e_2000`, vectorised after Sharma, Wu and Dalal 2005), so the node can say what the hold
did."""
from __future__ import annotations

import numpy as np

EPS = 1e-3  # a channel flatter than this (Lab units) is shifted, not scaled


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """[..., H, W, 3] RGB in [0, 1] (float) to Lab (float32), any number of leading frames."""
    import cv2
    a = np.ascontiguousarray(np.clip(rgb[..., :3], 0, 1), np.float32)
    flat = a.reshape(-1, a.shape[-2], 3)
    return cv2.cvtColor(flat, cv2.COLOR_RGB2Lab).reshape(a.shape)


def from_lab(lab: np.ndarray) -> np.ndarray:
    import cv2
    a = np.ascontiguousarray(lab, np.float32)
    flat = a.reshape(-1, a.shape[-2], 3)
    return np.clip(cv2.cvtColor(flat, cv2.COLOR_Lab2RGB), 0, 1).reshape(a.shape)


def _sqrt_psd(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C^1/2, C^-1/2) of a symmetric positive semi-definite 3x3 matrix (eigenvalues floored at EPS^2)."""
    w, v = np.linalg.eigh(c)
    w = np.maximum(w, EPS * EPS)
    return (v * np.sqrt(w)) @ v.T, (v / np.sqrt(w)) @ v.T


def transfer(new: np.ndarray, old: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, mean of ``new``, mean of ``old``): the linear map x -> A (x - mean_new) + mean_old that gives
    the pixels of ``new`` ([..., 3]) the mean and covariance of ``old``'s, moving them least (Pitié and
    Kokaram 2007, the Monge-Kantorovich solution between two Gaussians)."""
    n = new.reshape(-1, 3).astype(np.float64)
    o = old.reshape(-1, 3).astype(np.float64)
    cn, co = np.cov(n.T) + np.eye(3) * EPS * EPS, np.cov(o.T) + np.eye(3) * EPS * EPS
    h, ih = _sqrt_psd(cn)
    m, _ = _sqrt_psd(h @ co @ h)
    return ih @ m @ ih, n.mean(0), o.mean(0)


def hold_colour(window: np.ndarray, new_overlap: np.ndarray, old_overlap: np.ndarray) -> np.ndarray:
    """``window`` ([T, H, W, C] in [0, 1]) with its colour moved so that ``new_overlap`` (its frames
    shared with the earlier window) takes the Lab mean and spread (covariance) of ``old_overlap`` (the
    earlier window's same frames). Channels past the third (alpha) are kept."""
    a, mu_n, mu_o = transfer(to_lab(new_overlap), to_lab(old_overlap))
    lab = to_lab(window)
    lab = (lab - mu_n.astype(np.float32)) @ a.T.astype(np.float32) + mu_o.astype(np.float32)
    out = from_lab(lab)
    if window.shape[-1] > 3:
        out = np.concatenate([out, window[..., 3:]], -1)
    return out.astype(window.dtype, copy=False)


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between two Lab arrays of the same shape [..., 3] (kL = kC = kH = 1)."""
    L1, a1, b1 = (lab1[..., i].astype(np.float64) for i in range(3))
    L2, a2, b2 = (lab2[..., i].astype(np.float64) for i in range(3))
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    cm = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(cm ** 7 / (cm ** 7 + 25.0 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    zero = (c1p * c2p) == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(zero, 0, dh)
    dL, dC = L2 - L1, c2p - c1p
    dH = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    Lm, cpm = (L1 + L2) / 2, (c1p + c2p) / 2
    hs = h1p + h2p
    hm = np.where(zero, hs, np.where(np.abs(h1p - h2p) <= 180, hs / 2,
                                     np.where(hs < 360, (hs + 360) / 2, (hs - 360) / 2)))
    t = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    d_theta = 30 * np.exp(-(((hm - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cpm ** 7 / (cpm ** 7 + 25.0 ** 7))
    sl = 1 + 0.015 * (Lm - 50) ** 2 / np.sqrt(20 + (Lm - 50) ** 2)
    sc = 1 + 0.045 * cpm
    sh = 1 + 0.015 * cpm * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt((dL / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * (dC / sc) * (dH / sh))


def seam_delta_e(old_overlap: np.ndarray, new_overlap: np.ndarray) -> float:
    """Mean CIEDE2000 between the frames two windows share, pixel by pixel."""
    return float(delta_e_2000(to_lab(old_overlap), to_lab(new_overlap)).mean())
