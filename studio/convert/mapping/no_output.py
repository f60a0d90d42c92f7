"""A workflow none of whose nodes is an output node (a save or a preview: its type declares OUTPUT_NODE), said where
nothing was made (heldout46 05: an API sketch ending at CreateVideo, with no save): ComfyUI runs a workflow from its
output nodes and refuses one with none ('Prompt has no outputs'), so nothing of it runs as saved. Read by the declared
types alone; where some types are declared by no pack in the catalogue, the sentence says it holds unless one of them
is an output node. Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.blueprints import NOTES
from ..tracing.tasks import tasks
from ..values.wiring import frontend_made
from .unknown_types import declared, file_type

MAX_NAMED = 6


def clause(wf: Any) -> str:
    """'; none of the nodes it runs ... is an output node ...' where no enabled node's declared type is an output node
    (and at least one is declared); '' otherwise."""
    runs = [n for n in wf.nodes.values() if n.enabled and n.cls not in NOTES and not frontend_made(n.cls)]
    types = [declared(n) for n in runs]  # (a node read as another type: known as that one, heldout74 06)
    if not any(t is not None for t in types) or any(t is not None and t.output_node for t in types):
        return ""
    unknown = sorted({file_type(n) for n, t in zip(runs, types) if t is None and file_type(n) not in tasks()})
    # (a family's task node Studio reads by its name, no pack declaring it, is no output node: heldout98 09, 10)
    named = ", ".join(f"'{c}'" for c in unknown[:MAX_NAMED]) + (f" and {len(unknown) - MAX_NAMED} more"
                                                                  if len(unknown) > MAX_NAMED else "")
    unless = (f"unless {named} is one, " if len(unknown) == 1 else f"unless one of {named} is, ") if unknown else ""
    return ("; no node it runs (muted and bypassed ones aside) is an output node by its declared type (a save or a "
            f"preview, from which ComfyUI runs a workflow): {unless}ComfyUI runs nothing of it as saved ('Prompt has "
            "no outputs')")
