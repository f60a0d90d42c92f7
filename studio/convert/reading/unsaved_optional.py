"""A UI node's values saved by a version of its pack before its optional settings were added (clipwork9, issue 112;
heldout57 09: KJNodes' ImageResizeKJv2 saved its earlier seven values, width to divisible_by, before the optional
'device', and was read 'by place', its 624x624 crop not made and the take's size left unset). The frontend lists a
type's required widgets first, then its optional ones: a list of values as many as its required widgets, every
optional one left out, is read by place over the required ones, where each value fits its widget's declared type (a
number a number of its kind, a word one of a choice's words, a text a text, a switch True or False). The settings left
out stay unset (each node's reader says its defaults). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .subgraphs import CONTROL, SEED_CONTROLS

SEEDS = ("seed", "noise_seed")  # INT widgets the frontend saves a control word after (by_types.SEEDS)


def _fits(i: Any, v: Any) -> bool:
    kind = i.type
    if kind == "BOOLEAN":
        return isinstance(v, bool)
    if kind == "INT":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "FLOAT":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if kind == "STRING":
        return isinstance(v, str)
    if kind == "COMBO":
        return isinstance(i.options, tuple) and bool(i.options) and v in i.options
    return False  # (a type a saved value cannot be told to fit)


def fits(i: Any, v: Any) -> bool:
    """A saved value ``v`` fits declared widget ``i`` (its type's kind: _fits), for readers of older files."""
    return _fits(i, v)


def named(base: list, values: Any) -> dict[str, Any] | None:
    """``values`` named over ``base`` (the declared widgets, required first) where they are as many as its required
    widgets (every optional one left out), each value fitting; None else. (heldout59's SeC segmentation saved its
    values before an optional 'bbox' was added among its optional settings: not read so.)"""
    if not isinstance(values, list) or not 0 < len(values) < len(base):
        return None
    if any(i.optional for i in base[:len(values)]) or not all(i.optional for i in base[len(values):]) \
            or not all(_fits(i, v) for i, v in zip(base, values)):
        return _with_controls(base, values)  # (its required widgets alone saved: a setting added among the optional
    return {i.name: v for i, v in zip(base, values)}  # ones cannot be placed)


def with_controls(base: list, values: list) -> dict[str, Any] | None:
    """_with_controls for a reader whose values are as many as the declared widgets (fit23: heldout95's
    GIMMVFI_interpolate [1, 2, seed, 'randomize'], saved before its optional output_flows)."""
    return _with_controls(base, values)


def _with_controls(base: list, values: list) -> dict[str, Any] | None:
    """``values`` as its required widgets alone with the frontend's control word after each seed (heldout103 04, 05:
    Inspire's KSampler of 2024 saved seed, 'fixed', steps... variation_strength, before its optional variation_method
    and internal_seed; its steps, cfg and seed were not read), each value fitting, a choice whose options the
    catalogue could not list taking any word; None else."""
    required = [i for i in base if not i.optional]
    if len(required) == len(base) or any(i.optional for i in base[:len(required)]):
        return None
    names: list[tuple[Any, str]] = []
    for i in required:
        names.append((i, i.name))
        if i.type == "INT" and (i.name in SEEDS or i.control):
            names.append((None, CONTROL))
    if len(names) != len(values) or CONTROL not in {n for _, n in names}:
        return None
    for (i, name), v in zip(names, values):
        ok = v in SEED_CONTROLS if i is None else (isinstance(v, str) if i.type == "COMBO" and not isinstance(
            i.options, tuple) else _fits(i, v))
        if not ok:
            return None
    return {name: v for (_, name), v in zip(names, values)}
