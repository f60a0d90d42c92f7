"""Scores for generated clips: PSNR and SSIM against a reference, temporal warping error
(flow-based), and for the synthetic set an analyser that reads colour, shape and direction back
from a clip."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Int
from studio.core.spec import CLIP, In, Node, Out

from nodes.synthetic import COLORS, DIRECTIONS, SHAPES

from .flow import compute_flow, warp_backward
from .scene_metrics import analyse_objects, interior_blobs, match_objects, parse_objects


def _as_array(video, max_frames: int | None = None) -> np.ndarray:
    if isinstance(video, np.ndarray):
        a = video
    else:
        n = len(video) if max_frames is None else min(len(video), max_frames)
        a = video.chunk(0, n)
    a = np.asarray(a, np.float32)
    if a.ndim == 3:
        a = a[None]
    if not np.isfinite(a).all():
        raise StudioError("the clip has NaN or infinite pixels")
    return a


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over whole clips in [0, 1] (inf when identical)."""
    if a.shape != b.shape:
        raise StudioError(f"cannot compare clips of shapes {a.shape} and {b.shape}")
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(1.0 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM (Wang et al. 2004: Gaussian window sigma 1.5, K1 0.01, K2 0.03) over frames and
    channels of clips [T, H, W, C] (or images) in [0, 1]."""
    if a.shape != b.shape:
        raise StudioError(f"cannot compare clips of shapes {a.shape} and {b.shape}")
    a = np.asarray(a, np.float32).reshape(-1, *a.shape[-3:])
    b = np.asarray(b, np.float32).reshape(-1, *b.shape[-3:])
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    vals = []
    for x, y in zip(a, b):
        blur = lambda z: cv2.GaussianBlur(z, (7, 7), 1.5, borderType=cv2.BORDER_REFLECT)  # noqa: E731
        mx, my = blur(x), blur(y)
        sxx = blur(x * x) - mx * mx
        syy = blur(y * y) - my * my
        sxy = blur(x * y) - mx * my
        m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        vals.append(float(m.mean()))
    return float(np.mean(vals))


def warping_error(video) -> float:
    """Temporal warping error (Lai et al. 2018): frame t+1 warped back to frame t by the optical
    flow t -> t+1; the squared RGB difference averaged over the pixels that are not occluded
    (forward-backward check of Ruder et al. 2016), then over frame pairs. Flicker and incoherent
    motion score high; a temporally coherent clip scores low."""
    v = _as_array(video)
    if len(v) < 2:
        return 0.0
    errs = []
    for t in range(len(v) - 1):
        fwd = compute_flow(v[t], v[t + 1])
        bwd = compute_flow(v[t + 1], v[t])
        back = warp_backward(bwd, fwd)
        occl = np.sum((fwd + back) ** 2, axis=2) > 0.01 * (np.sum(fwd ** 2, 2) + np.sum(back ** 2, 2)) + 0.5
        w = warp_backward(v[t + 1], fwd)
        d = np.sum((w - v[t]) ** 2, axis=2)
        keep = ~occl
        errs.append(float(d[keep].mean()) if keep.any() else float(d.mean()))
    return float(np.mean(errs))


# -- the synthetic-set analyser -------------------------------------------------------------------
_COLOR_NAMES = list(COLORS)
_COLOR_RGB = np.array([COLORS[c] for c in _COLOR_NAMES], np.float32)


def _foreground(frame: np.ndarray, bg: np.ndarray, thr: float = 0.25) -> np.ndarray:
    return np.abs(frame - bg).max(axis=2) > thr


def analyse_shapes(video) -> dict:
    """Read colour, shape and direction back from a clip of one shape moving on a plain ground.

    Background: the per-pixel median over time where the shape moves, else the frame's median
    colour. Colour: the nearest named colour to the mean foreground colour. Shape: fill ratio of
    the largest blob in its bounding box (square ~1, circle ~0.79, triangle ~0.5), from frames
    where the blob does not touch the edge. Direction: the mean translation between frames by
    phase correlation of the foreground (circular, so shapes wrapping round the edge still count).
    """
    v = _as_array(video)
    t, h, w, _ = v.shape
    bg = np.median(v.reshape(-1, 3), axis=0)[None, None, :]
    masks = np.stack([_foreground(f, bg) for f in v])
    fg = masks.sum()
    out: dict = {"color": None, "shape": None, "direction": None, "velocity": [0.0, 0.0],
                 "coverage": float(masks.mean())}
    if fg < 3:
        return out
    mean_rgb = v[masks].mean(axis=0)
    out["color"] = _COLOR_NAMES[int(np.argmin(((_COLOR_RGB - mean_rgb) ** 2).sum(1)))]
    ratios = [area / float(bw * bh) for _, _, (_, _, bw, bh, area) in interior_blobs(masks, 4)]
    if ratios:
        r = float(np.median(ratios))
        out["fill"] = r
        out["shape"] = "square" if r > 0.86 else ("circle" if r > 0.64 else "triangle")
    # direction: phase correlation between consecutive foreground images
    g = (np.abs(v - bg).max(axis=3) * masks).astype(np.float64)
    shifts = []
    win = None
    for a, b in zip(g[:-1], g[1:]):
        if a.sum() < 1 or b.sum() < 1:
            continue
        (dx, dy), resp = cv2.phaseCorrelate(a, b, win)
        shifts.append((dx, dy))
    if shifts:
        vel = np.median(np.array(shifts), axis=0)
        out["velocity"] = [float(vel[0]), float(vel[1])]
        if np.hypot(*vel) >= 0.2:
            out["direction"] = max(DIRECTIONS, key=lambda d: DIRECTIONS[d][0] * vel[0] + DIRECTIONS[d][1] * vel[1])
    return out


def parse_labels(caption: str) -> dict:
    words = caption.lower().replace(",", " ").split()
    return {"color": next((x for x in words if x in COLORS), None),
            "shape": next((x for x in words if x in SHAPES), None),
            "direction": next((x for x in words if x in DIRECTIONS), None)}


class Metrics(Node):
    """Score a clip: PSNR and SSIM against a reference, temporal warping error, and (for the
    synthetic shapes and scenes) the colour, shape and direction of each object read back from
    it, matched to the prompt's objects when one is connected (any of the captions' phrasings)."""
    id = "gen.metrics"
    is_output = True  # a sink: its report is what the graph is run for
    title = "Generator Metrics"
    category = "Generate"
    timing = CLIP
    inputs = (In("video", "Video"), In("reference", "Video", optional=True),
              In("prompt", "Text", optional=True, help="what the clip should show (synthetic analyser)"))
    outputs = (Out("report", "Text"), Out("psnr", "Number"), Out("ssim", "Number"),
               Out("warp_error", "Number"), Out("prompt_match", "Number"))
    params = (Int("max_frames", 64, min=2, max=10_000, help="frames scored"),
              Bool("analyse", True, help="read colour, shape and direction of each object (synthetic shapes)"))

    def run(self, ctx, video, reference=None, prompt=None):
        p = ctx.params
        v = _as_array(video, p.max_frames)
        lines = []
        out = {"psnr": float("nan"), "ssim": float("nan"), "prompt_match": float("nan")}
        if reference is not None:
            r = _as_array(reference, p.max_frames)
            n = min(len(v), len(r))
            if r.shape[1:] != v.shape[1:]:
                raise StudioError(f"the reference is {r.shape[2]}x{r.shape[1]}x{r.shape[3]}, the clip "
                                  f"{v.shape[2]}x{v.shape[1]}x{v.shape[3]}: resize one of them")
            out["psnr"], out["ssim"] = psnr(v[:n], r[:n]), ssim(v[:n], r[:n])
            lines.append(f"PSNR {out['psnr']:.2f} dB, SSIM {out['ssim']:.4f} over {n} frames")
        ctx.check_cancelled()
        out["warp_error"] = warping_error(v)
        lines.append(f"temporal warping error {out['warp_error']:.4f}")
        if p.analyse:
            found = analyse_objects(v)
            if found:
                lines.append("reads as: " + "; ".join(
                    f"{o['color']} {o['shape']} moving {o['direction']} (velocity {o['velocity'][0]:+.2f}, "
                    f"{o['velocity'][1]:+.2f} px/frame)" for o in found))
            else:
                lines.append("reads as: no object of a known colour")
            wanted = parse_objects(prompt) if prompt else []
            if wanted:
                hits = match_objects(found, wanted)
                checks = [h[k] for h, w in zip(hits, wanted) for k in ("color", "shape", "direction") if w[k]]
                if checks:
                    out["prompt_match"] = float(np.mean(checks))
                    per = ", ".join(f"{w['color']} {w['shape']} {w['direction']}: "
                                    f"{sum(h[k] for k in h if w[k])}/{sum(1 for k in h if w[k])}"
                                    for h, w in zip(hits, wanted))
                    lines.append(f"matches the prompt on {sum(checks)} of {len(checks)} ({per})")
        out["report"] = "\n".join(lines)
        ctx.info(out["report"])
        return out
