"""A model loader's values saved by another version of its pack, in a list whose count fits no reading of the widgets
its type declares today (heldout112 02: AnimateDiff-Evolved's CheckpointLoaderSimpleWithNoiseSelect of Dec 2023 saved
two values, its checkpoint and its beta schedule, where today's declares two more settings after them; the loader was
not read, its SD 1.5 checkpoint lost and the generator said to have 'no model loader found'). Read by the declared
types, as reading.older_values reads a media loader's: a type taking no socket that gives a model (MODEL, CLIP or VAE),
whose first declared widget is a choice saved as a model file's name, has its widgets named in their declared order
while each value fits its widget's type; the values from the first that does not fit on stay by place ('#2', ...).
Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from .older_values import fitting_prefix

MODEL_OUTPUTS = frozenset({"MODEL", "CLIP", "VAE"})
MODEL_FILE = re.compile(r"\.(safetensors|sft|gguf|ckpt|pt|pth|bin)$", re.IGNORECASE)


def model_prefix(cls: str, values: Any) -> dict[str, Any]:
    """A catalogued model loader's ``values`` named as far as their types fit its declared widgets (its model file's
    widget first), the rest by place; {} where it is no such loader or the values are no list of that shape."""
    t = catalogue.node_type(cls)
    if t is None or t.inputs is None or t.sockets or not MODEL_OUTPUTS & set(t.output_types) \
            or not isinstance(values, list) or not values:
        return {}
    widgets = sorted(t.widgets, key=lambda i: i.optional)
    if len(values) >= len(widgets) or not widgets or widgets[0].type != "COMBO" \
            or not (isinstance(values[0], str) and MODEL_FILE.search(values[0])):
        return {}  # (as many values as widgets: the usual reading's, not another version's)
    return fitting_prefix(widgets, values)
