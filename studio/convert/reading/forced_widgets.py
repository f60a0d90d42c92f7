"""A UI node's saved values where its page drew a widget for an input its type declares forceInput (a text, a
number the pack wants wired): the older frontend made every input of a value type a widget, in the declared order,
and turned a forceInput one into a socket at once, its value still saved at its place among the others; the UI
file marks such an input ``"widget": {"name": ...}``. Its values are named by the declared inputs of a value type
that are widgets or that the file so marks, in the frontend's order (required, then optional), where the counts
agree and every value fits its input's declared type, the forceInput ones' own values then let go (never what runs:
ComfyUI takes what is wired there, or nothing) (heldout26 01: Comfyroll's CR Text Replace saving its wired
'text' first, its finds and replacements read one place off). Plain stdlib."""
from __future__ import annotations

from typing import Any

from . import fewer_values
from .subgraphs import CONTROL, SEED_CONTROLS

VALUE_KINDS = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
SEEDS = ("seed", "noise_seed")  # INT widgets ComfyUI's frontend gives a control value after (as by_types)


def fits(w: Any, v: Any, strict: bool = False) -> bool:
    """Whether value ``v`` fits declared input ``w`` (a number for INT / FLOAT, a choice among those declared, a text
    for STRING, True/False for BOOLEAN); ``strict``: a choice among those made at run time (a folder's) does not."""
    if w.type == "INT":
        return isinstance(v, int) and not isinstance(v, bool)
    if w.type == "FLOAT":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if w.type == "BOOLEAN":
        return isinstance(v, bool)
    if w.type == "COMBO":
        if not isinstance(v, str):
            return False
        if isinstance(w.options, tuple):
            return not w.options or v in w.options
        return w.options is None or not strict  # (choices made at run time: not checked, unless strict)
    if w.type == "STRING":
        return isinstance(v, str)
    return False


def forced(t, marked) -> list:
    """The inputs ``t`` declares forceInput (a socket of a value type) that the UI file marks as widgets."""
    return [i for i in t.sockets if i.type in VALUE_KINDS and i.name in marked]


def named(t, values: list, marked) -> dict[str, Any]:
    """``values`` named by ``t``'s widgets and its forceInput inputs the file marks as widgets (``marked``), in the
    frontend's order, a seed's control value after it where the count says so; {} when no such input is marked, the
    count agrees with no reading or a value does not fit its input."""
    extra = forced(t, marked)
    if not extra:
        return {}
    base = sorted((i for i in t.inputs if i.widget or i in extra), key=lambda i: i.optional)
    for controls in (False, True):
        pairs: list[tuple[Any, str]] = []
        for i in base:
            pairs.append((i, i.name))
            if controls and i.type == "INT" and (i.name in SEEDS or i.control):
                pairs.append((None, CONTROL))
        if len(pairs) != len(values):
            continue
        if all(v in SEED_CONTROLS if w is None else fits(w, v) for (w, _), v in zip(pairs, values)):
            return {name: v for (w, name), v in zip(pairs, values) if w not in extra}  # (a forceInput one's saved value
    return _older(base, extra, values)  # is never what runs: the page let nobody set it, and ComfyUI takes its link)


def _older(base: list, extra: list, values: list) -> dict[str, Any]:
    """``values`` fewer than the widgets (a seed's control after it) and the marked inputs: saved by an older version
    of the pack without some of today's settings, named by their declared types where one way of leaving settings out
    (in up to two places) fits (fewer_values); the marked inputs' own values let go. {} where none does (heldout61 09:
    VideoX-Fun's early WanFunV2VSampler, without 'shift' and 'cfg_skip_ratio', its 'camera_conditions' marked)."""
    names = [n for i in base for n in ((i.name, CONTROL) if i.type == "INT" and (i.name in SEEDS or i.control)
                                       else (i.name,))]
    typed = fewer_values.named(names, values, {i.name: i for i in base}, runs=2)
    if typed is None:
        return {}
    return {k: v for k, v in typed[0].items() if k not in {i.name for i in extra}}


def last(t, marked) -> bool:
    """Whether every forceInput input the file marks comes after all of ``t``'s widgets in the frontend's order (a
    value saved after them all is then its own: a trailing display's reading names the rest right)."""
    extra = forced(t, marked)
    order = sorted((i for i in t.inputs if i.widget or i in extra), key=lambda i: i.optional)
    return all(i in extra for i in order[len(order) - len(extra):])
