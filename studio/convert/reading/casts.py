"""A number cast told by its declared types: one input, an INT or a FLOAT, and one output of the other kind
(ComfyMath's CM_IntToFloat and CM_FloatToInt, LTXVideo's LTXFloatToInt, an IntToFloat a UI file saved), its
category or name saying it converts. Its value is the input's, as the other kind: a FLOAT out the number, an INT
out the number where it is whole (packs round a fraction differently: unknown then). Read without running it.

A converter of several outputs, each a number (ComfyUI's own 'Number Convert', ComfyNumberConvert: one input taking an
INT, FLOAT, STRING or BOOLEAN, FLOAT and INT out; heldout caches: 20 workflows' LTX frame_rate of 25 or 50 said 'a
value Studio cannot work out'), is read so too, output by output: a text that is a number read as that number, a
BOOLEAN as 1 or 0 (as ComfyUI's documentation of the node says)."""
from __future__ import annotations

import math
import re
from typing import Any

from .. import catalogue

NUMBERS = ("INT", "FLOAT")
VALUES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN"})
MULTI = "COMFY_MULTITYPED_V3"  # (a V3 input taking several types; a UI file saves them as 'INT,FLOAT,STRING,BOOLEAN')
# 'conversion' (a category), 'IntToFloat' / 'int_to_float' / 'To Int' (a name): not 'PhotoInterpolation'
SAYS_CAST = re.compile(r"(?i:conver)|To(Int|Float|Number)|(?i:(?:^|[^a-z])to[ _]?(int|integer|float|number)\b)")


def _types(n) -> tuple[list[tuple[str, str]], list[str], str]:
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        return [(i.name, i.type) for i in t.inputs], list(t.output_types), f"{t.category} {t.name}"
    return list(n.in_types.items()), list(n.out_types), n.origin or n.cls


def _takes(type_: str) -> bool:
    """An input type a converter reads: a number, a text, a BOOLEAN, or several of them."""
    return type_ == MULTI or bool(type_) and all(p.strip() in VALUES for p in type_.split(","))


def cast_input(n) -> str | None:
    """The input a number cast reads (its pack's declared types, else those its UI file saved); None for another."""
    ins, outs, says = _types(n)
    if len(ins) != 1 or not outs or not SAYS_CAST.search(says):
        return None
    nums = [o for o in outs if o in NUMBERS]
    if len(nums) == 1 and all(o == "STRING" for o in outs if o not in NUMBERS):
        # one number out (beside it only texts: Comfyroll's 'show_help', a number written; heldout80 10's 'CR Float To
        # Integer'): a number of the other kind in, as a one-output cast
        return ins[0][0] if ins[0][1] in NUMBERS and ins[0][1] != nums[0] else None
    if not all(o in NUMBERS for o in outs):
        return None
    return ins[0][0] if _takes(ins[0][1]) else None


def _number(v: Any) -> float | int | None:
    """``v`` as a number: a number as it is, a BOOLEAN 1 / 0, a text that is a number read; None otherwise."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str):
        text = v.strip()
        try:
            v = int(text)
        except ValueError:
            try:
                v = float(text)
            except ValueError:
                return None
    if not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return v


def cast_value(n, v: Any, slot: int = 0) -> Any:
    """What the cast gives on output ``slot`` for ``v`` (None where unknown: no number, a fraction cast to a whole
    number)."""
    outs = _types(n)[1]
    if not 0 <= slot < len(outs) or outs[slot] not in NUMBERS:
        return None  # (a text beside the number: not read)
    if sum(o in NUMBERS for o in outs) == 1 and (isinstance(v, bool) or not isinstance(v, (int, float))):
        return None  # (a one-number cast of a number: only a number)
    v = _number(v)
    if v is None:
        return None
    if outs[slot] == "FLOAT":
        return float(v)
    return int(v) if float(v).is_integer() else None
