"""LoRA stacks of rgthree's node pack (rgthree-comfy), the LoRA loaders community video workflows use most: "Power
Lora Loader (rgthree)" (any number of slots, each {on, lora, strength, strengthTwo}: saved by name in an API file,
as dicts among the widgets in a UI file) and "Lora Loader Stack (rgthree)" (four lora_0N / strength_0N pairs, 'None'
when empty). Each LoRA that is on is read as a LoraLoaderModelOnly would be: its file and its model strength, in the
order the node applies them. Read from the pack's declarations for their meaning; nothing of it is copied or run.
A slot that is on and cannot be read as the pack reads it (no file name, a strength that is no number, an 'on' that
is neither true nor false) is said and not applied, never applied at a default strength; the slots are read in one
pass, in time linear in their number, and past MAX_STACKED LoRAs of one stack the rest are said, not made (each is a
Video LoRA node of Studio's graph, its graph at most MAX_NODES).

Plain data and stdlib."""
from __future__ import annotations

import math
from typing import Any

from ..reading.workflow import CNode, Workflow
from ..values.shown import shown

POWER, STACK = "Power Lora Loader (rgthree)", "Lora Loader Stack (rgthree)"
STACKS = (POWER, STACK)
MAX_STACKED = 100  # LoRAs made from one stack (a workflow's: a handful; a hostile one: thousands, each a node)
MAX_SAID = 10  # slots that cannot be read said one by one, then how many more
EMPTY = ("", "None")  # a slot with no LoRA chosen: the pack skips it as well
# (Lora Loader Stack's widgets, in the order a UI file saves them, are reading.workflow.WIDGETS')


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _slot_order(key: str) -> int:
    tail = key.rpartition("_")[2]
    return int(tail) if tail.isdigit() and len(tail) < 10 else 0


def _slots(n: CNode) -> list[tuple[str, Any]]:
    """A Power Lora Loader's slots, first applied first: (its name, its value). An API file's lora_N settings; a
    UI file's dicts among its widgets that hold a 'lora' (the header and the spacer widgets hold none)."""
    if n.widgets:
        return sorted(((k, v) for k, v in n.widgets.items() if k.lower().startswith("lora_")),
                      key=lambda kv: _slot_order(kv[0]))
    return [(f"slot {i}", v) for i, v in enumerate((v for v in (n.raw or []) if isinstance(v, dict) and "lora" in v), 1)]


def _unread(s: Any) -> str | None:
    """Why a Power Lora Loader's slot is not applied as the pack applies it, else None (a slot that is off, or
    empty, is None too: the pack skips it)."""
    if not isinstance(s, dict):
        return f"{shown(s)} is not a slot of the pack's ({{on, lora, strength}})"
    on = s.get("on", True)
    if not isinstance(on, bool):
        return f"its 'on' {shown(on)} is neither true nor false"
    if not on or (isinstance(s.get("lora"), str) and s["lora"].strip() in EMPTY):
        return None
    if not isinstance(s.get("lora"), str):
        return f"its lora {shown(s.get('lora'))} is not a file name"
    if "strength" not in s:
        return f"LoRA '{s['lora']}' has no strength"
    if not _number(s["strength"]):
        return f"LoRA '{s['lora']}': its strength {shown(s['strength'])} is not a number"
    if s.get("strengthTwo") is not None and not _number(s["strengthTwo"]):
        return f"LoRA '{s['lora']}': its text-encoder strength {shown(s['strengthTwo'])} is not a number"
    return None


def stacked(wf: Workflow, n: CNode, said: list[str] | None = None) -> list[tuple[str, float, float | None]]:
    """The LoRAs a stack node applies, first applied first: (file, model strength, text-encoder strength or None
    where it is the model's). A slot that is on and cannot be read, and the LoRAs past MAX_STACKED, are said in
    ``said``, not applied."""
    out: list[tuple[str, float, float | None]] = []
    wrong: list[str] = []
    if n.cls == POWER:
        for key, s in _slots(n):
            why = _unread(s)
            if why is not None:
                wrong.append(f"{key}: {why}")
            elif s.get("on", True) and s["lora"].strip() not in EMPTY:
                out.append((s["lora"], float(s["strength"]),
                            float(s["strengthTwo"]) if s.get("strengthTwo") is not None else None))
    elif n.cls == STACK:
        for i in range(1, 5):
            name, strength = wf.value(n, f"lora_{i:02d}"), wf.value(n, f"strength_{i:02d}")
            if name is None or (isinstance(name, str) and name.strip() in EMPTY):
                continue
            if not isinstance(name, str):
                wrong.append(f"lora_{i:02d}: {shown(name)} is not a file name")
            elif not _number(strength):
                wrong.append(f"lora_{i:02d}: LoRA '{name}': its strength {shown(strength)} is not a number")
            else:
                out.append((name, float(strength), None))
    if said is not None:
        where = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        if wrong:
            more = f"; and {len(wrong) - MAX_SAID:,} more" if len(wrong) > MAX_SAID else ""
            said.append(f"{where}: {'; '.join(wrong[:MAX_SAID])}{more}: not applied (the pack reads a slot as "
                        "{on: true or false, lora: a file, strength: a number}); set what was meant in Video LoRA")
        if len(out) > MAX_STACKED:
            said.append(f"{where} applies {len(out):,} LoRAs; Studio makes the first {MAX_STACKED} of a stack: the "
                        f"other {len(out) - MAX_STACKED:,} (from '{out[MAX_STACKED][0]}') are not applied")
    return out[:MAX_STACKED]
