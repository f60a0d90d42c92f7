"""A setting a V3 dynamic combo shows, asked by its own name: ComfyUI's API file (and a UI file named by the
catalogue's dynamic combos, dynamic_widgets.py) keeps it as '<combo>.<input>' beside the combo's chosen value
('sampling_mode': 'on', 'sampling_mode.repetition_penalty': 1.15 of TextGenerateLTX2Prompt). A reading asking for
'repetition_penalty' found nothing and took its own default 1.05 without a word (heldout92 10). The one key of the
node ending in '.<name>' whose prefix is itself a setting of the node (the combo's choice, saved) is that setting;
an autogrow's 'values.a' (no 'values' setting saved) or two such keys are not. Plain stdlib."""
from __future__ import annotations

from typing import Any


def inner_key(node: Any, name: str) -> str | None:
    """The key ``node`` keeps ``name`` under inside a dynamic combo ('sampling_mode.temperature' for
    'temperature'); None where it keeps none, or more than one could be meant."""
    widgets = getattr(node, "widgets", None) or {}
    links = getattr(node, "links", None) or {}
    if not name or "." in name or name in widgets or name in links:
        return None
    end = "." + name
    found = [k for k in (*widgets, *links) if isinstance(k, str) and k.endswith(end) and k[:-len(end)] in widgets]
    return found[0] if len(found) == 1 else None
