"""'preview size': what a generator samples at to make a run take minutes, not hours (the longest side and the
steps; never the frames), shared by the run (generators.py) and the time said before it (time_before.py)."""
from __future__ import annotations

PREVIEW_SIDE = 256  # 'preview size': the longest side, in pixels
PREVIEW_STEPS = 8  # 'preview size' shrinks the pixels and the steps, never the clip's length or timing
PREVIEW_CHOICES = ("on CPU", "always", "off")


def shrunk(w: int, h: int, multiple: int, side: int = PREVIEW_SIDE) -> tuple[int, int]:
    """``w`` x ``h`` scaled down to ``side`` on the longest side, rounded down to the family's multiple
    (at least one multiple)."""
    k = side / max(w, h)
    return max(multiple, int(w * k) // multiple * multiple), max(multiple, int(h * k) // multiple * multiple)
