"""Values as messages, the Log and notes show them: numbers with a sane number of significant
digits (8.000000000000002 is shown as 8.0), long text cut at a word with how much more there was; a
listing of settings whole, its long values last."""
from __future__ import annotations

import json

import math
from typing import Any

DIGITS = 6  # significant digits of a float shown


def number(v: Any) -> str:
    """A number as shown: an int as it is; a float to DIGITS significant digits, written like
    Python writes a float (8.0, 0.3, 1e-05, 1e+308); anything else as ``str``."""
    if isinstance(v, bool) or not isinstance(v, float):
        return str(v)
    if not math.isfinite(v):
        return str(v)
    short = f"{v:.{DIGITS}g}"
    if "e" in short:
        return short
    return repr(float(short))


def rounded(value: Any) -> Any:
    """``value`` (numbers, lists, dicts) with every float rounded to DIGITS significant digits,
    for a JSON dump shown to the user."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def cut(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters; else its start, cut at a space when one is
    near the end, and '… (N more characters)' naming what was left out."""
    if len(text) <= limit:
        return text
    keep = max(1, limit - 24)  # room for the marker
    space = text.rfind(" ", int(keep * 0.7), keep + 1)
    head = text[:space if space > 0 else keep].rstrip()
    return f"{head}… ({len(text) - len(head):,} more characters)"


LONG = 60  # a listed value longer than this goes whole at the end of its listing (settings23)


def listed_whole(parts: list[str], sep: str = ", ") -> str:
    """A listing of settings (``parts``, each 'name value') joined whole, never cut: the long ones (a LoRA's file name,
    a prompt) after the short, in their order, so the short stay readable at the start (settings23: '… (154 more
    characters)' lost a value)."""
    return sep.join([p for p in parts if len(p) <= LONG] + [p for p in parts if len(p) > LONG])


def whole_json(values: dict) -> str:
    """``values`` as JSON, whole, never cut: the long values (written over LONG characters) after the short."""
    dumped = {k: json.dumps(v, ensure_ascii=False, default=str) for k, v in values.items()}
    order = [k for k in values if len(dumped[k]) <= LONG] + [k for k in values if len(dumped[k]) > LONG]
    return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {dumped[k]}" for k in order) + "}"


def one_line(v: Any) -> Any:
    """A listed value on one line: a text of several lines written as Python writes it (its line breaks as '\\n',
    whole); anything else ``rounded``."""
    return repr(v) if isinstance(v, str) and "\n" in v else rounded(v)
