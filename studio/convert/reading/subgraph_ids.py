"""An API file's node whose type is a subgraph's id (a UUID: the frontend's name for a subgraph instance), found by
the twenty-eighth held-out set (heldout28 06: a RunPod request whose only node besides SaveVideo was ComfyUI's LTX-2
text-to-video blueprint, 'b7c2d337-...', its prompt given as 'filename'). An API file cannot hold a subgraph's nodes,
and no node pack declares such a type: ComfyUI refuses the prompt (the node type does not exist) and Studio has none
of its nodes to read; said once per node, naming it and what it is given. Plain stdlib."""
from __future__ import annotations

import re
from typing import Any

from studio.core.shown import cut

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_subgraph_id(cls: str) -> bool:
    """``cls`` is a subgraph's id (a UUID), not a node type."""
    return bool(_UUID.match(str(cls)))


def said(nodes: dict[str, Any]) -> list[str]:
    """One sentence per node of an API file whose type is a subgraph's id."""
    out = []
    for n in nodes.values():
        if not is_subgraph_id(n.cls):
            continue
        given = sorted(set(n.widgets) | set(n.links))
        what = f" (it is given {', '.join(repr(k) for k in given)}" + (
            f": {cut(str(n.widgets[given[0]]), 80)!r}" if len(given) == 1 and given[0] in n.widgets else "") + ")"
        out.append(f"{n.named()}'s type is a subgraph's id, not a node type: an API file holds no subgraph's nodes, so "
                   f"ComfyUI refuses the workflow as saved (that node type does not exist) and Studio has none of its "
                   f"nodes to read{what if given else ''}; ComfyUI's page exports a subgraph's nodes themselves "
                   "(ids '<node>:<inner>')")
    return out
