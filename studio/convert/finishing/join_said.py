"""A save whose pictures come through a node joining two batches of pictures that Studio does not convert (KJNodes'
ImageBatchExtendWithOverlap: an earlier take and the next segment blended over their overlap), told by its declared
types: two or more IMAGE sockets, each wired. Said so, naming the join and what it is given on each of those inputs:
the Save Video writes the generator's take alone, not what the join makes. (heldout25 10: LTX-Infinity's three
extension saves were said "write the take after ComfyUI's 'ImageBatchExtendWithOverlap' ...: its Save Video writes
the take without it", naming a step, not the segments lost.) Plain data."""
from __future__ import annotations

from typing import Any

from .. import catalogue

MAX_SHOWN = 3


def inputs(n: Any) -> list[str]:
    """The wired IMAGE inputs of a join ``n`` (two or more), by its declared types; [] for any other node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None:
        return []
    wired = [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links]
    return wired if len(wired) >= 2 else []


def line(wf: Any, out: str, n: Any, names: list[str], own: bool = False) -> str:
    """The sentence for save ``out`` writing what join ``n`` makes from its ``names``; ``own``: a core node Studio makes
    node for node where what it is given is loaded (ImageCompositeMasked: Composite), not after a take."""
    given = []
    for k in names[:MAX_SHOWN]:
        src = wf.source(n, k)
        given.append(f"'{k}'" + (f" (from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}))" if src else ""))
    return (f"{out} writes the pictures '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) joins from its "
            f"{', '.join(given)}, a join Studio does not {'make after a take' if own else 'convert'}: its Save Video "
            "writes the generator's take alone, not what the join makes")
