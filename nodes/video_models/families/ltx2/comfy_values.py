"""The values LTX's calculator nodes give, worked out when converting (the ``values`` hook point): ckinpdx's
ComfyUI-LTXDimensionCalculator / LTXAVTools (nodes.py, read for its inputs and outputs only). Its dimension
calculator gives the size its 'resolution' choice names ('2368x1344') and that size halved (the first stage of a
two-stage take; the three-stage one a quarter too) and the choice as text; its frame calculator gives the frames of
'seconds' at 'fps' snapped to the nearest count LTX's VAE takes (8·n + 1, n at least 1), the latent frames (n + 1,
in the newer pack only) and the seconds those frames last. Plain stdlib: nothing of the pack is run."""
from __future__ import annotations

import math
from typing import Any, Callable

TIME = 8  # pixel frames a latent frame holds after the first (LTX's VAE)
DIMENSIONS = {"LTXDimensionCalculator": ("ratio", "orientation", "resolution"),
              "LTXDimensionCalculator3Stage": ("ratio", "orientation", "resolution")}
FRAMES = {"LTXFrameCalculator": ("seconds", "fps")}
WIDGETS = {**DIMENSIONS, **FRAMES}  # their settings in the order a UI file saves them


def _size(text: Any) -> tuple[int, int] | None:
    """'2368x1344' -> (2368, 1344); None for anything else."""
    parts = str(text or "").lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    w, h = (int(p) for p in parts)
    return (w, h) if 0 < w <= 16384 and 0 < h <= 16384 else None


def dimensions(value: Callable[[str], Any], node: Any, slot: int) -> Any:
    """Width, height, their halves (and quarters, the three-stage node's), the choice as text."""
    size = _size(value("resolution"))
    if size is None:
        return None
    w, h = size
    out: tuple = (w, h, w // 2, h // 2)
    if node.cls == "LTXDimensionCalculator3Stage":
        out += (w // 4, h // 4)
    out += (f"{w}x{h}",)
    return out[slot] if 0 <= slot < len(out) else None


def _nearest(x: float) -> int:
    """``x`` rounded to the nearest whole number, a half to the even one (as the pack's Python rounds)."""
    low = math.floor(x)
    d = x - low
    return low + 1 if d > 0.5 or (d == 0.5 and low % 2 == 1) else low


def frames(value: Callable[[str], Any], node: Any, slot: int) -> Any:
    """The frame count of 'seconds' at 'fps', then (the newer pack, three outputs) the latent frames, then the
    seconds those frames last; an API file (no output types saved): the frame count only."""
    s, fps = value("seconds"), value("fps")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0 for v in (s, fps)):
        return None
    n = max(1, _nearest((s * fps - 1) / TIME))
    count = TIME * n + 1
    shape = len(node.out_types)
    out = (count, n + 1, round(count / fps, 4)) if shape == 3 else (count, round(count / fps, 4)) if shape == 2 \
        else (count,)
    return out[slot] if 0 <= slot < len(out) else None


VALUES = {**{k: dimensions for k in DIMENSIONS}, **{k: frames for k in FRAMES}}
