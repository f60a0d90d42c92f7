"""A file loader's values saved by another version of its pack, in a list whose count fits no reading of the widgets
its type declares today (found by the fifteenth held-out set: an older VideoHelperSuite's Load Video saved 7 values,
'force_size' among them, and Studio's Load Video was made with no file, unsaid). Read by the declared types: the
widgets named in their declared order while each value fits its widget's type (a number a number, a text or a choice a
text), the file's widget among them; the values from the first that does not fit on stay by place ('#2', ...), said
not applied where the loader's settings are said (reading.load_settings). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

NUMBERS = ("INT", "FLOAT")


def _fits(w, v: Any) -> bool:
    if isinstance(v, bool):
        return w.type == "BOOLEAN"
    if isinstance(v, (int, float)):
        return w.type in NUMBERS
    if isinstance(v, str):
        return w.type == "STRING" or w.type == "COMBO" and (not isinstance(w.options, tuple) or not w.options
                                                            or v in w.options)
    return False


def loader_prefix(cls: str, values: Any) -> dict[str, Any]:
    """A catalogued file loader's ``values`` named as far as their types fit its declared widgets (its file's widget
    named), the rest by place; {} where it is no loader, the values are no list, or its file's widget is not reached."""
    t = catalogue.node_type(cls)
    named = catalogue.file_input(t) if t is not None and t.inputs is not None else None
    if named is None or not isinstance(values, list):
        return {}
    out = fitting_prefix(sorted(t.widgets, key=lambda i: i.optional), values)
    return out if named.name in out else {}


def fitting_prefix(widgets: list, values: list) -> dict[str, Any]:
    """``values`` named by ``widgets`` in order while each fits its widget's type, the rest by place ('#2', ...)."""
    out: dict[str, Any] = {}
    for w, v in zip(widgets, values):
        if not _fits(w, v):
            break
        out[w.name] = v
    return out | {f"#{i}": values[i] for i in range(len(out), len(values))}
