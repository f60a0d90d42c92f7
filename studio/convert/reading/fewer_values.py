"""A UI node that saves fewer values than the order its pack declares (a file saved by an older version of the pack,
before settings were added): its values named by their declared types, not by place. The frontend saves the
values of the version it ran, so reading them by the newer order puts each after the first missing setting in its
neighbour's place (heldout49 11/12: VideoX-Fun's Wan 2.2 samplers saved without 'shift' and 'boundary', their
TeaCache threshold 0.1 read as the shift). Each way of leaving settings out is tried; the one kept is the one whose
values all fit their settings' declared types (a whole number for an INT, within its range, one of a combo's
choices, a seed's control word at the control's place), the settings left out together in one place (a version
adds its settings side by side), and, of those, the one whose values are most often the declared defaults. None
when no way, or more than one alike, fits. Plain stdlib."""
from __future__ import annotations

import itertools
from typing import Any

from ..values.value_types import of_type
from .subgraphs import CONTROL, SEED_CONTROLS

MAX_LEFT_OUT = 4  # settings a version may lack (beyond that, the values are not read by type)


def _fits(i: Any, v: Any) -> bool:
    """Whether value ``v`` fits declared input ``i`` (None: a setting the catalogue does not declare: any value)."""
    if i is None:
        return True
    if isinstance(v, str) and v in SEED_CONTROLS:
        return False  # a control word belongs at the control's place
    kind = i.type
    if not of_type(v, kind):  # (a number for an INT or a FLOAT, a flag for a BOOLEAN)
        return False
    if kind in ("INT", "FLOAT"):
        if kind == "INT" and not float(v).is_integer():
            return False
        lo, hi = (x if isinstance(x, (int, float)) and not isinstance(x, bool) else None for x in (i.min, i.max))
        return (lo is None or v >= lo) and (hi is None or v <= hi)
    if kind == "COMBO":
        return v in i.options if isinstance(i.options, tuple) else isinstance(v, (str, int, float, bool))
    if kind == "STRING":
        return isinstance(v, str)
    return True


def _fit(names: list[str], values: list, declared: dict) -> bool:
    for name, v in zip(names, values):
        if name == CONTROL:
            if not (isinstance(v, str) and v in SEED_CONTROLS):
                return False
        elif not _fits(declared.get(name), v):
            return False
    return True


def _together(order: list[str], left: tuple[int, ...], runs: int = 1) -> bool:
    """The settings left out lie side by side in at most ``runs`` places of the order."""
    return 1 + sum(1 for a, b in zip(left, left[1:]) if b != a + 1) <= runs


def named(order: tuple[str, ...] | list[str], values: Any, declared: dict,
          runs: int = 1) -> tuple[dict[str, Any], list[str]] | None:
    """``values`` (fewer than ``order``'s names) named by their declared types (``declared``: name -> catalogue
    Input), and the settings the file does not save; None when they fit the order by place, or no single way of
    leaving settings out fits them (see the module's note). ``runs``: in how many places of the order the settings
    left out may lie (1: side by side, a version adding its settings together)."""
    order = list(order)
    if not isinstance(values, list) or not declared:
        return None
    missing = len(order) - len(values)
    if missing <= 0 or missing > MAX_LEFT_OUT:
        return None
    if _fit(order[:len(values)], values, declared):
        return None  # (the values fit by place: the settings after them unsaved, read as they are)
    found = []
    for left in itertools.combinations(range(len(order)), missing):
        names = [k for j, k in enumerate(order) if j not in left]
        if CONTROL in order and CONTROL not in names:
            continue
        if _together(order, left, runs) and _fit(names, values, declared):
            defaults = sum(1 for k, v in zip(names, values) if k in declared and declared[k] is not None
                           and declared[k].default is not None and declared[k].default == v
                           and type(declared[k].default) is type(v))
            found.append((defaults, names, [order[j] for j in left]))
    if not found:
        return None
    found.sort(key=lambda f: -f[0])
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    _, names, left_out = found[0]
    return dict(zip(names, values)), left_out
