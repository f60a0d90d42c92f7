"""A UI node's saved values named where its type declares a V3 dynamic combo (the catalogue's 'dynamic': each choice
and the inputs it shows): ComfyUI's frontend saves the combo's choice at its place, then the values of the inputs
that choice shows, each named '<combo>.<input>' as an API file names them (the first reading of the fifteenth day:
RTX Video Super Resolution's ['scale by multiplier', 2, 'ULTRA'] was said "#0 scale by multiplier, #1 2, #2 ULTRA").
A choice's inputs are saved as its required ones then its optional ones (ComfyUI sends each choice's inputs as
{required, optional}), widgets only (a socket it shows, KJNodes' LTXVAddGuideMulti's image_1, saves no value), a
dynamic combo among them read in turn ('num_guides.frame_idx_1'; a nested one 'combo.sub.x'); a seed's control
value after it where the count says so (dyncombo10). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .subgraphs import CONTROL

SEEDS = ("seed", "noise_seed")  # INT widgets ComfyUI's frontend gives a control value after (by_types.SEEDS)
_FITS = {"BOOLEAN": lambda v: isinstance(v, bool),
         "INT": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer(),
         "FLOAT": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "STRING": lambda v: isinstance(v, str)}


def named(t, values: Any) -> dict[str, Any] | None:
    """``values`` (a UI node's widgets_values) named by declared type ``t``'s widgets and dynamic combos, in the
    frontend's order (required, then optional); None where ``t`` declares no dynamic combo, a saved choice is none of
    its declared ones, a value does not fit its widget's declared type, or the count disagrees (with and without a
    seed's control value)."""
    if t is None or t.inputs is None or not isinstance(values, list):
        return None
    if not any(i.dynamic for i in t.inputs):
        return None
    for controls in (False, True):
        out: dict[str, Any] = {}
        at = _read(t.inputs, values, 0, "", controls, out)
        if at == len(values):
            return out
    return None


def _read(inputs, values: list, at: int, prefix: str, controls: bool, out: dict) -> int | None:
    """Name ``values`` from ``at`` by ``inputs`` (their widgets and dynamic combos, required then optional) into
    ``out`` under ``prefix``; the place after them, or None where they do not read so."""
    for i in sorted((i for i in inputs if i.widget or i.dynamic), key=lambda i: i.optional):
        if at >= len(values):
            return None
        v, key = values[at], prefix + i.name
        if v is not None and i.type in _FITS and not _FITS[i.type](v):
            return None
        out[key] = v
        at += 1
        if controls and i.type == "INT" and (i.name in SEEDS or i.control):
            if at >= len(values) or not isinstance(values[at], str):
                return None
            out[CONTROL] = values[at]  # (as by_types names it: one key, the last seed's)
            at += 1
        if not i.dynamic:
            continue
        inner = dict(i.dynamic).get(v) if isinstance(v, str) else None
        if inner is None:
            return None
        at = _read(inner, values, at, key + ".", controls, out)
        if at is None:
            return None
    return at
