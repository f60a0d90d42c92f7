"""ComfyUI's API nodes (a paid cloud service makes what they give), told by the category their pack declares: 'api node/...'
in ComfyUI's earlier releases, 'partner/...' in later ones (ByteDance2ReferenceNodeV2: 'partner/video/ByteDance'), so
every sentence about them reads both. Where nothing was made, the clause naming the API nodes that make the video
(heldout100 05: a Seedance 2.5 cloud call said only "no video output with a sampler found", its node among those "not
converted", not that a paid service makes the video). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

API_CATEGORIES = ("api node", "partner")  # the declared categories of ComfyUI's API nodes, earlier and later


def api_category(cls: str) -> str | None:
    """The declared category of node type ``cls`` where it is one of ComfyUI's API nodes, else None."""
    t = catalogue.node_type(cls)
    cat = t.category if t is not None else None
    return cat if isinstance(cat, str) and cat.startswith(API_CATEGORIES) else None


def clause(wf: Any) -> str:
    """'; the video of ... is made by ..., one of ComfyUI's API nodes ...' for the enabled API nodes giving a video or
    pictures; '' for none."""
    named = []
    for n in wf.nodes.values():
        cat = api_category(n.shown_cls) if n.enabled else None
        t = catalogue.node_type(n.shown_cls) if cat else None
        if t is not None and set(t.output_types or ()) & {"VIDEO", "IMAGE"}:
            named.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}, category '{cat}')")
    if not named:
        return ""
    return (f"; {', '.join(named)} {'is one of' if len(named) == 1 else 'are among'} ComfyUI's API nodes: a paid cloud service "
            f"makes what {'it gives' if len(named) == 1 else 'they give'}, and Studio calls no cloud service")
