"""A pack's value node whose output gives one of its widgets as another widget of it chooses (mxToolkit's Slider:
its whole number, or its fraction where its 'isfloatX' is above 0), its value worked out as the node gives it; the
types and widgets are data (data/chosen_values.json, read from the pack's source). Plain data and stdlib."""
from __future__ import annotations

import functools
import json
import math
import os
from typing import Any

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "chosen_values.json")


@functools.lru_cache(maxsize=1)
def _types() -> dict[str, list[list[str]]]:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)["types"]


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def value(node: Any, slot: int) -> Any:
    """The value output ``slot`` of ``node`` gives where its type chooses one of its widgets and the three are set
    (none wired in); None for another node or a value not a number."""
    spec = _types().get(node.origin or node.cls)
    if spec is None or not 0 <= slot < len(spec) or any(k in node.links for k in spec[slot]):
        return None
    switch, low, high = (node.widgets.get(k) for k in spec[slot])
    if not _number(switch):
        return None
    v = high if switch > 0 else low
    return v if _number(v) else None
