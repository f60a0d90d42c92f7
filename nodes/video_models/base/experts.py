"""Two-expert models (Wan 2.2 A14B): which expert a file is for, from its name. Stdlib only."""
from __future__ import annotations

import os
import re


def role(path: str) -> str:
    """'high' or 'low' when the file's name says which expert it is (ComfyUI's
    ``wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors``), else ''."""
    name = re.sub(r"[_\-\s]+", ".", os.path.basename(path).lower())
    high, low = "high.noise" in name, "low.noise" in name
    return "high" if high and not low else "low" if low and not high else ""
