"""The node types of a workflow no pack in Studio's catalogue declares, named where nothing was made (heldout28 15: a
CogVideoX file whose 'CogVideoX_Sampler', 'CogVideoXLoader' and 'EmptyLatentVideo' are no pack's types was said "no
video output with a sampler found" alone, though a node named as a sampler feeds its video): what they are is not
known, a sampler among them or not. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.blueprints import NOTES
from ..values.wiring import frontend_made

MAX_NAMED = 6


def clause(wf: Any) -> str:
    """' (no pack in Studio's catalogue declares 'A', 'B': ...)' for the enabled nodes of such types; '' for none."""
    unknown = sorted({n.cls for n in wf.nodes.values() if n.enabled and catalogue.node_type(n.origin or n.cls) is None
                      and n.cls not in NOTES and not frontend_made(n.cls)})  # (the frontend's own: known, rejudge3)
    if not unknown:
        return ""
    named = ", ".join(f"'{c}'" for c in unknown[:MAX_NAMED]) + (f" and {len(unknown) - MAX_NAMED} more"
                                                                  if len(unknown) > MAX_NAMED else "")
    return (f" (no pack in Studio's catalogue declares {named}: what {'they are' if len(unknown) > 1 else 'it is'}, "
            "a sampler or another node, is not known)")
