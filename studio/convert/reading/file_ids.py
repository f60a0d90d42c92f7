"""The id a node has in the workflow's file, for a sentence naming it: a node the converter made beside a pack node
(a wrapper encoder's negative '138:neg', a LoRA read out of a loader '50:lora', a sampler's decode '207:decode') is
its file node's id; a subgraph's node keeps its whole path ('256:246', '256:253:579': heldout9 found such nodes named
'#256', their subgraph's instance). Plain stdlib."""
from __future__ import annotations

import re


def file_id(node_id: str) -> str:
    """``node_id`` without the parts the converter added (those after the last numbered part)."""
    parts = str(node_id).split(":")
    while len(parts) > 1 and not parts[-1].isdigit():
        parts.pop()
    return ":".join(parts)


def id_order(node_id: str) -> tuple:
    """A key that orders node ids as the file numbers them ('9' before '10', '526_28' before '526_392', '256:246'
    before '256:253:579'), whatever their form: never set or hash order (the same file, the same sentences)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", str(node_id)))
