"""Whether a UI node's values were saved in the places its declared order gives them: the frontend saves a seed's
control word ('fixed', 'randomize'...) right after the seed, so a control word at another place than the order's
control (a hand-written file, another version of the pack) shows the values cannot be named by place. Plain
stdlib."""
from __future__ import annotations

from typing import Any

from .subgraphs import CONTROL, SEED_CONTROLS


def misplaced_control(names: tuple[str, ...] | list[str], values: Any) -> int | None:
    """The place (0-based) of the first seed control word in ``values`` where ``names`` declares the control at
    another place (or none at all while it declares a seed's); None where the values fit the order."""
    if CONTROL not in names or not isinstance(values, list):
        return None
    at = list(names).index(CONTROL)
    found = [i for i, v in enumerate(values) if isinstance(v, str) and v in SEED_CONTROLS]
    return found[0] if found and at not in found else None
