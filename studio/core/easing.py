"""The easing curves of the editing packs' transitions (KJNodes' eight, by their formulas): how a transition's
progress t (0..1) moves, some overshooting 0..1 ('elastic', 'glitchy'). Shared by Studio's Transition node and the
converter reading the packs' transitions into it (which imports neither numpy nor torch). Floats, as Python computes
them. Stdlib only."""
from __future__ import annotations

import math


def _bounce(t: float) -> float:
    return (1 - (1 - 2 * t) ** 2) * 0.5 if t < 0.5 else ((2 * t - 1) ** 2) * 0.5 + 0.5


EASINGS = {
    "linear": lambda t: t,
    "ease_in": lambda t: t * t,
    "ease_out": lambda t: 1 - (1 - t) * (1 - t),
    "ease_in_out": lambda t: 3 * t * t - 2 * t * t * t,
    "bounce": _bounce,
    "elastic": lambda t: math.sin(13 * math.pi / 2 * t) * math.pow(2, 10 * (t - 1)),
    "glitchy": lambda t: t + 0.1 * math.sin(40 * t),
    "exponential_ease_out": lambda t: 1 - (1 - t) ** 4,
}


def eased(easing: str, ts) -> list[float]:
    """Each progress of ``ts`` through the easing named ``easing``."""
    f = EASINGS[easing]
    return [float(f(float(t))) for t in ts]
