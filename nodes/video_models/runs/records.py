"""Which of this machine's earlier runs a prediction scales from: the one nearest in size and one
far enough away to fit an exponent. Both the time (times.py) and the peak memory (peaks.py) are
predicted from the same choice."""
from __future__ import annotations

import math


def nearest_and_far(recs: list[dict], pixels: int) -> tuple[dict, dict | None]:
    """(the record nearest ``pixels`` in size, the newest on a tie; the record farthest from it
    when its size differs by 1.2x or more, else None): what a prediction scales from."""
    near = min(reversed(recs), key=lambda r: abs(math.log(pixels / r["pixels"])))
    far = max(recs, key=lambda r: abs(math.log(r["pixels"] / near["pixels"])))
    return near, (far if abs(math.log(far["pixels"] / near["pixels"])) >= math.log(1.2) else None)
