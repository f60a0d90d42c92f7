"""The factor an LTX latent upsampler's file scales by, read from its released name ('...-spatial-upscaler-x1.5-1.0'
x1.5, '...-x2-1.0' x2): LTX-2 Latent Upscale loads the file's own rational scale, so a sentence saying 'x2' of an
x1.5 file was false (heldout25 02: "upscales it x2 (1716x986) with 'ltx-2.3-spatial-upscaler-x1.5-1.0.safetensors'").
A name saying no factor: LTX-2's x2, the only other released. Plain stdlib."""
from __future__ import annotations

import os
import re

_FACTOR = re.compile(r"(?i)(?:^|[-_ .])x(\d+(?:\.\d+)?)(?=$|[-_ .])")


def factor(name: str | None) -> float:
    """The scale the upsampler file ``name`` makes (2 where its name says none)."""
    base = os.path.splitext(os.path.basename(str(name or "").replace("\\", "/")))[0]
    m = _FACTOR.search(base)
    try:
        f = float(m.group(1)) if m else 2.0
    except ValueError:
        f = 2.0
    return f if 1.0 < f <= 8.0 else 2.0


def words(f: float) -> str:
    """'x2', 'x1.5'."""
    return f"x{f:g}"


def scaled(w: int, h: int, f: float) -> str:
    """The size ``w`` x ``h`` scaled by ``f``, as the sentence shows it."""
    return f"{int(round(w * f))}x{int(round(h * f))}"
