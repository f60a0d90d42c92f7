"""What a conversion says and holds, read the same way by every converter test.

`said(conv)`: every sentence of a conversion, its Log lines then its canvas notes' texts.
`notes(conv)`: the canvas notes' texts alone.
`nodes_of(conv, type_id)`: the Studio nodes of one type in the converted graph.
`api(nodes)`: an API workflow from {id: (class_type, inputs)}.
`source_of(conv, node_id, port)`: the node a node's input comes from (None where it is not wired).
`source_file(conv, gen_id, port)`: the file of the loader a node's input comes from (through any nodes between).
(The workflow parts several tests build alike, Wan chains, VACE, S2V and the wrapper's rows: tests/convert/builders.py.)
"""
from __future__ import annotations


def notes(conv) -> str:
    return "\n".join(n.get("text", "") for n in conv.graph.ui.get("notes") or [])


def said(conv) -> str:
    return "\n".join(map(str, conv.log)) + "\n" + notes(conv)


def nodes_of(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def source_of(conv, node_id: str, port: str):
    link = conv.graph.input_link(node_id, port)
    return conv.graph.nodes[link.src] if link is not None else None


def source_file(conv, gen_id: str, port: str) -> str | None:
    """The file of the Load Image / Load Video the node ``gen_id``'s ``port`` comes from (through any nodes between:
    each one's first wired input followed)."""
    g = conv.graph
    link = g.input_link(gen_id, port)
    while link is not None:
        node = g.nodes[link.src]
        if "path" in node.params:
            return node.params["path"]
        link = next((g.input_link(node.id, i.name) for i in node.spec.inputs if g.input_link(node.id, i.name)), None)
    return None


def api(nodes: dict) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A UI workflow: nodes (id, type, [(input, type)], [output types], widgets_values); links (src, slot, dst, input),
    each link typed as its output."""
    out = []
    for nid, cls, ins, outs, values in nodes:
        inputs = [{"name": k, "type": t, "link": next((i for i, (s, _, d, n) in enumerate(links, 1)
                                                      if d == nid and n == k), None)} for k, t in ins]
        outputs = [{"name": t.lower(), "type": t, "links": [i for i, (s, sl, _, _) in enumerate(links, 1)
                                                             if s == nid and sl == j]} for j, t in enumerate(outs)]
        out.append({"id": nid, "type": cls, "mode": 0, "inputs": inputs, "outputs": outputs, "widgets_values": values})
    types = {n["id"]: [o["type"] for o in n["outputs"]] for n in out}
    ls = [[i, src, slot, dst, 0, types[src][slot]] for i, (src, slot, dst, _) in enumerate(links, 1)]
    return {"nodes": out, "links": ls, "last_node_id": max((n["id"] for n in out), default=0),
            "last_link_id": len(ls), "version": 0.4}
