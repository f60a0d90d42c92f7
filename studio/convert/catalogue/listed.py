"""comfy_mtb's registrations: each module's ``__nodes__ = [Cls, ...]`` list, a class registered as its name less
"MTB_", split before each run of capitals, with " (mtb)" after (``MTB_StringReplace`` -> "String Replace (mtb)"),
no display name of its own (the pack keys its display names by class name). Read without running anything."""
from __future__ import annotations

import ast
import re


def mtb_label(cls: str) -> str:
    name = cls[4:] if cls.startswith("MTB_") else cls
    return " ".join(re.sub(r"([A-Z]+)", r" \1", name).split()) + " (mtb)"


def listed(st, node_class, classes: dict) -> None:
    """``__nodes__ = [...]`` at a module's top: each node class in it registered by its label."""
    if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and getattr(st.targets[0], "id", None) == "__nodes__"
            and isinstance(st.value, (ast.List, ast.Tuple))):
        return
    for v in st.value.elts:
        cls = node_class(v)
        if cls:
            classes.setdefault(mtb_label(cls), cls)
