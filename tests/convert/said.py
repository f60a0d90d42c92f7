"""What a conversion says and holds, read the same way by every converter test.

`said(conv)`: every sentence of a conversion, its Log lines then its canvas notes' texts.
`notes(conv)`: the canvas notes' texts alone.
`nodes_of(conv, type_id)`: the Studio nodes of one type in the converted graph.
`api(nodes)`: an API workflow from {id: (class_type, inputs)}.
"""
from __future__ import annotations


def notes(conv) -> str:
    return "\n".join(n.get("text", "") for n in conv.graph.ui.get("notes") or [])


def said(conv) -> str:
    return "\n".join(map(str, conv.log)) + "\n" + notes(conv)


def nodes_of(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def api(nodes: dict) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}
