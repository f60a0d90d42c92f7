"""Flattening: the graph the engine runs, with every group node replaced by the nodes inside it
(at any depth), wired as the group's exposed ports say."""
from __future__ import annotations

from .graph import Graph, Link, NodeInstance


def flatten(graph):
    """A copy of ``graph`` with every group (that is not bypassed) expanded in place.

    Inner nodes get ids ``group/inner`` (``outer/inner/node`` for groups inside groups); a muted
    group mutes all it contains; exposed parameters are written to the inner nodes."""
    return _flatten(graph)[0]


def _flatten(graph):
    """(flat graph, inputs, outputs). ``inputs`` maps (group id, exposed input) to the flat
    (node, port)s it feeds; ``outputs`` maps (group id, exposed output) to the flat (node, port)
    that makes it. A group inside a group exposes ports of its own group node: the maps of the
    inner flattening resolve those to real nodes, at any depth."""
    if not any(n.subgraph is not None for n in graph.nodes.values()):
        return graph, {}, {}
    g = Graph(graph.registry)
    g.settings = dict(graph.settings)
    g.base_dir = graph.base_dir
    g.ui = graph.ui
    ins: dict[tuple[str, str], list[tuple[str, str]]] = {}
    outs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    expanded: set[str] = set()
    for n in graph.nodes.values():
        if n.subgraph is None or n.mode == "bypass":
            g.nodes[n.id] = n
            continue
        io = n.raw.get("io", {})
        inner = n.subgraph.copy()
        for e in io.get("params", []):
            if e["name"] in n.params:
                inner.node(e["node"]).params[e["param"]] = n.params[e["name"]]
        sub, sub_ins, sub_outs = _flatten(inner)
        prefix = n.id + "/"
        expanded.add(n.id)
        for m in sub.nodes.values():
            mode = "mute" if n.mode == "mute" else m.mode
            g.nodes[prefix + m.id] = NodeInstance(prefix + m.id, m.type_id, m.params, m.spec, mode,
                                                  m.title, m.device or n.device, m.error, m.subgraph, m.raw)
        for l in sub.links:
            g.links.append(Link(prefix + l.src, l.src_port, prefix + l.dst, l.dst_port))
        for e in io.get("inputs", []):
            at = sub_ins.get((e["node"], e["port"]), [(e["node"], e["port"])])
            ins.setdefault((n.id, e["name"]), []).extend((prefix + a, p) for a, p in at)
        for e in io.get("outputs", []):
            at = sub_outs.get((e["node"], e["port"]), [(e["node"], e["port"])])
            outs.setdefault((n.id, e["name"]), []).extend((prefix + a, p) for a, p in at)
    for l in graph.links:
        srcs = outs.get((l.src, l.src_port), []) if l.src in expanded else [(l.src, l.src_port)]
        dsts = ins.get((l.dst, l.dst_port), []) if l.dst in expanded else [(l.dst, l.dst_port)]
        for s in srcs:
            for d in dsts:
                g.links.append(Link(s[0], s[1], d[0], d[1]))
    return g, ins, outs
