"""An API file's setting given a number where its pack declares a choice of names (an exporter that shifted the
values: heldout21 03's ResizeImageMaskNode 'scale_method': 1920, the width, in the method's place): ComfyUI refuses
such a prompt (a value not in the list), said once per setting; what Studio makes of the node is said where it is
read. Only a number among names is told, never a name missing from the catalogue's list (a pack's newer choice, a
file of the user's own). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .saved_settings import saved


def said(nodes: dict[str, Any]) -> list[str]:
    """One sentence per setting of an enabled node holding a number where only names may go."""
    out = []
    for n, i, v in saved(nodes):
        if not isinstance(i.options, tuple) or not i.options or i.files \
                or not all(isinstance(o, str) for o in i.options) or isinstance(v, bool) \
                or not isinstance(v, (int, float)):
            continue
        shown = ", ".join(i.options[:6]) + (", ..." if len(i.options) > 6 else "")
        out.append(f"{n.named()}'s '{i.name}' is {v:g}, a number where its pack declares a choice of names "
                   f"({shown}): ComfyUI refuses the workflow as saved (a value not in the list)")
    return out
