"""A UI node's saved values named where its type declares a V3 dynamic combo (the catalogue's 'dynamic': each choice
and the inputs it shows): ComfyUI's frontend saves the combo's choice at its place, then the values of the inputs
that choice shows, each named '<combo>.<input>' as an API file names them (the first reading of the fifteenth day:
RTX Video Super Resolution's ['scale by multiplier', 2, 'ULTRA'] was said "#0 scale by multiplier, #1 2, #2 ULTRA").
Plain data and stdlib."""
from __future__ import annotations

from typing import Any


def named(t, values: Any) -> dict[str, Any] | None:
    """``values`` (a UI node's widgets_values) named by declared type ``t``'s widgets and dynamic combos, in the
    frontend's order (required, then optional); None where ``t`` declares no dynamic combo, a saved choice is none of
    its declared ones, or the count disagrees."""
    if t is None or t.inputs is None or not isinstance(values, list):
        return None
    shown = sorted((i for i in t.inputs if i.widget or i.dynamic), key=lambda i: i.optional)
    if not any(i.dynamic for i in shown):
        return None
    out, at = {}, 0
    for i in shown:
        if at >= len(values):
            return None
        out[i.name] = values[at]
        at += 1
        if not i.dynamic:
            continue
        inner = dict(i.dynamic).get(values[at - 1]) if isinstance(values[at - 1], str) else None
        if inner is None:
            return None
        for sub in inner:
            if at >= len(values):
                return None
            out[f"{i.name}.{sub.name}"] = values[at]
            at += 1
    return out if at == len(values) else None
