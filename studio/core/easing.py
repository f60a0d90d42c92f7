"""The easing curves of the editing packs' transitions (KJNodes' eight, by their formulas): how a transition's
progress t (0..1) moves, some overshooting 0..1 ('elastic', 'glitchy'). Shared by Studio's Transition node and the
converter reading the packs' transitions into it. Vectorised over numpy arrays, in float64. Plain numpy."""
from __future__ import annotations

import numpy as np


def _bounce(t: np.ndarray) -> np.ndarray:
    return np.where(t < 0.5, (1 - (1 - 2 * t) ** 2) * 0.5, ((2 * t - 1) ** 2) * 0.5 + 0.5)


EASINGS = {
    "linear": lambda t: t,
    "ease_in": lambda t: t * t,
    "ease_out": lambda t: 1 - (1 - t) ** 2,
    "ease_in_out": lambda t: 3 * t * t - 2 * t ** 3,
    "bounce": _bounce,
    "elastic": lambda t: np.sin(13 * np.pi / 2 * t) * 2.0 ** (10 * (t - 1)),
    "glitchy": lambda t: t + 0.1 * np.sin(40 * t),
    "exponential_ease_out": lambda t: 1 - (1 - t) ** 4,
}


def eased(easing: str, t) -> np.ndarray:
    """``t`` (an array of progress) through the easing named ``easing``, in float64."""
    return np.asarray(EASINGS[easing](np.asarray(t, np.float64)), np.float64)
