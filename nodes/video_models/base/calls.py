"""Small helpers every caller of a pipeline shares: a frame as a PIL image, a pipeline's call defaults."""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np


def to_pil(img: np.ndarray):
    from PIL import Image
    a = np.asarray(img, np.float32)
    if a.ndim == 2:
        a = a[..., None]
    if a.shape[-1] == 1:
        a = np.repeat(a, 3, -1)
    return Image.fromarray((np.clip(a[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8))


def call_defaults(pipe) -> dict[str, Any]:
    return {n: p.default for n, p in inspect.signature(pipe.__call__).parameters.items()}
