"""One upscaled frame refined by its jobs (plan.py) in order: each job's crop cut from the frame as it stands (the
tiles before it already composited), resized to its worked size (Lanczos), passed through the image model's img2img,
resized back and composited where its mask (blurred) says, as the USDU script composites a tile (the tile's pixels
over the frame by the blurred mask, inside the crop; modules/processing.py of ssitu/ComfyUI_UltimateSDUpscale@34a3c2c,
read for the facts). Plain numpy and OpenCV: the image model is ``run`` (a callable)."""
from __future__ import annotations

from typing import Callable, Iterable

import cv2
import numpy as np

from .plan import Job


def blurred(mask: np.ndarray, blur: int) -> np.ndarray:
    """``mask`` blurred by a Gaussian of sigma ``blur`` (0: as it is)."""
    return cv2.GaussianBlur(mask, (0, 0), sigmaX=float(blur)) if blur > 0 else mask


def resized(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``img`` [h, w, 3] resized to ``size`` (w, h) by Lanczos, clipped to 0..1 (as it is where it fits)."""
    if (img.shape[1], img.shape[0]) == tuple(size):
        return img
    return np.clip(cv2.resize(img, tuple(size), interpolation=cv2.INTER_LANCZOS4), 0.0, 1.0)


def refine(frame: np.ndarray, jobs: Iterable[Job], run: Callable[[np.ndarray, float], np.ndarray],
           check: Callable[[], None] | None = None) -> np.ndarray:
    """``frame`` [H, W, 3] float32 in 0..1 after every job; ``run(tile, denoise)`` -> the tile redrawn (same size);
    a job at denoise 0 changes nothing (not run). ``check``: called before each job (a Stop)."""
    out = np.array(frame, np.float32)
    for job in jobs:
        if check is not None:
            check()
        if job.denoise <= 0:
            continue
        x0, y0, x1, y1 = job.crop
        if x1 <= x0 or y1 <= y0:
            continue
        tile = out[y0:y1, x0:x1]
        made = resized(np.asarray(run(resized(tile, job.size), job.denoise), np.float32), (x1 - x0, y1 - y0))
        m = blurred(job.mask, job.blur)[y0:y1, x0:x1, None]
        out[y0:y1, x0:x1] = tile * (1.0 - m) + made * m
    return out
