"""LoRA stacks of rgthree's node pack (rgthree-comfy), the LoRA loaders community video workflows use most: "Power
Lora Loader (rgthree)" (any number of slots, each {on, lora, strength, strengthTwo}: saved by name in an API file,
as dicts among the widgets in a UI file) and "Lora Loader Stack (rgthree)" (four lora_0N / strength_0N pairs, 'None'
when empty). Each LoRA that is on is read as a LoraLoaderModelOnly would be: its file and its model strength, in the
order the node applies them. Read from the pack's declarations for their meaning; nothing of it is copied or run.

Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .comfy_read import CNode, Workflow

POWER, STACK = "Power Lora Loader (rgthree)", "Lora Loader Stack (rgthree)"
STACKS = (POWER, STACK)
# (Lora Loader Stack's widgets, in the order a UI file saves them, are comfy_read.WIDGETS')


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _slot_order(key: str) -> int:
    tail = key.rpartition("_")[2]
    return int(tail) if tail.isdigit() else 0


def stacked(wf: Workflow, n: CNode) -> list[tuple[str, float | None, float | None]]:
    """The LoRAs a stack node applies, first applied first: (file, model strength, text-encoder strength or None
    where it is the model's)."""
    out: list[tuple[str, float | None, float | None]] = []
    if n.cls == POWER:
        slots = [v for k, v in sorted(n.widgets.items(), key=lambda kv: _slot_order(kv[0]))
                 if k.lower().startswith("lora_")] if n.widgets else [v for v in (n.raw or []) if isinstance(v, dict)]
        for s in slots:
            if isinstance(s, dict) and s.get("on", True) and isinstance(s.get("lora"), str) and \
                    s["lora"].strip() not in ("", "None"):
                two = _number(s.get("strengthTwo"))
                out.append((s["lora"], _number(s.get("strength", 1.0)), two))
    elif n.cls == STACK:
        for i in range(1, 5):
            name = wf.value(n, f"lora_{i:02d}")
            if isinstance(name, str) and name.strip() not in ("", "None"):
                out.append((name, _number(wf.value(n, f"strength_{i:02d}")), None))
    return out
