"""The start frames of a continued take's windows (continuation.py), in a module of its own: plain Python, read by
the converter too (a chain of passes folded into one take: families/wan/comfy_pass_prompts.py)."""
from __future__ import annotations


def continued_starts(n: int, window: int, lead: int) -> list[int]:
    """Start frames of continued windows: each starts ``lead`` frames before the one before ends, so it shares
    exactly the frames it is given (the last one is made whole and cut to the clip, not moved back against
    the clip's end as separate shots are: it would share frames it was not given)."""
    starts = [0]
    step = max(1, window - max(1, lead))
    while starts[-1] + window < n:
        starts.append(starts[-1] + step)
    return starts
