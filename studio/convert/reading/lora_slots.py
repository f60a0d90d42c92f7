"""A UI file's node saving its LoRAs as slot dicts by place, with no names for them (rgthree's Power Lora Loader and
the packs keeping its shape: a header dict {'type': ...}, one dict per LoRA holding a file and a strength, empty
dicts and an empty text for the frontend's spacer and add button): its slots named lora_1, lora_2 ... as an API file
names them, so its settings are said by name and the header and spacers are not shown as settings. Only where every
saved value is one of those (nothing else of the node would be lost). Keyed on the shape, not a pack's name. Plain
stdlib."""
from __future__ import annotations

from typing import Any

NAMES = ("lora", "name")  # a slot's file
STRENGTHS = ("strength", "str", "weight")  # and its strength


def _slot(v: Any) -> bool:
    return isinstance(v, dict) and any(isinstance(v.get(k), str) for k in NAMES) and any(k in v for k in STRENGTHS)


def _filler(v: Any) -> bool:
    """A value the frontend saves beside the slots: an empty dict, the header's {'type': ...}, an empty text."""
    return v == "" or isinstance(v, dict) and (not v or set(v) == {"type"})


def named(values: Any) -> dict[str, Any]:
    """{'lora_1': slot, ...} for values that are LoRA slots and fillers alone, at least one slot; else {}."""
    if not isinstance(values, list) or not any(_slot(v) for v in values) or \
            not all(_slot(v) or _filler(v) for v in values):
        return {}
    return {f"lora_{i}": v for i, v in enumerate((v for v in values if _slot(v)), 1)}
