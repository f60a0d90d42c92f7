"""The LoRA file and strength a node on the model's way sets, by its settings' names: ComfyUI's 'lora_name' and
'strength_model', else a pack's (a setting with 'lora' in its name giving a file, a 'strength' / 'lora_strength' /
'weight' number: the HunyuanVideo wrapper's HyVideoLoraSelect saved wired as a model pass). None where it names no
LoRA file. Plain stdlib."""
from __future__ import annotations

from typing import Any

STRENGTHS = ("strength_model", "strength", "lora_strength", "weight")


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def lora_of(wf, n) -> tuple[str, float] | None:
    """(file, strength) of LoRA node ``n`` (strength 1.0 where none is set); None where no file is named."""
    name = wf.value(n, "lora_name")
    if not (isinstance(name, str) and name.strip()):
        name = next((v for k, v in n.widgets.items() if "lora" in k.lower() and isinstance(v, str) and v.strip()),
                    None)
    if not isinstance(name, str) or not name.strip() or name.strip().lower() == "none":
        return None
    strength = next((v for k in STRENGTHS if _number(v := wf.value(n, k))), 1.0)
    return name, strength
