"""A UI file's node carrying its values named beside their list (a 'widgets_values_named' map: what some exporters
and workflow tools write next to ComfyUI's 'widgets_values', heldout102 08's MiniMax H3 pack example): a node Studio
has no names for is named by that map where it names every value, in the same order, with the same values; else
nothing (the values stay by place, '#0'). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

KEY = "widgets_values_named"


def named(n: dict) -> dict[str, Any]:
    """The node's values by the names its map gives them, where the map and the list agree value for value."""
    values, names = n.get("widgets_values"), n.get(KEY)
    if not isinstance(values, list) or not isinstance(names, dict) or len(names) != len(values):
        return {}
    return dict(names) if list(names.values()) == values else {}
