"""Groups (reusable sub-graphs): a node that holds a graph and exposes some of its ports and
parameters. The engine flattens groups before it runs, so a group costs nothing at run time."""
from __future__ import annotations

import dataclasses
from typing import Any

from .errors import GraphError
from .spec import CLIP, In, NodeSpec, Out


def group_spec(subgraph, io: dict[str, Any], title: str = "Group", node_id: str | None = None) -> NodeSpec:
    """The declaration of a group node, derived from the ports and parameters it exposes.

    ``io`` = {"inputs": [{"name", "node", "port"}], "outputs": [{"name", "node", "port"}],
    "params": [{"name", "node", "param"}]}; names must be unique per kind."""
    ins, outs, params = [], [], []
    try:
        for e in io.get("inputs", []):
            inner = subgraph.node(e["node"])
            p = inner.spec.input(e["port"]) if inner.spec else None
            if p is None:
                raise GraphError(f"group exposes unknown input {e['node']}.{e['port']}", node_id=node_id)
            if not any(x.name == e["name"] for x in ins):
                ins.append(In(e["name"], p.type, optional=p.optional, help=p.help))
        for e in io.get("outputs", []):
            inner = subgraph.node(e["node"])
            p = inner.spec.output(e["port"]) if inner.spec else None
            if p is None:
                raise GraphError(f"group exposes unknown output {e['node']}.{e['port']}", node_id=node_id)
            if any(x.name == e["name"] for x in outs):
                raise GraphError(f"group output name '{e['name']}' is used twice", node_id=node_id)
            outs.append(Out(e["name"], p.type, help=p.help))
        for e in io.get("params", []):
            inner = subgraph.node(e["node"])
            p = inner.spec.param(e["param"]) if inner.spec else None
            if p is None:
                raise GraphError(f"group exposes unknown parameter {e['node']}.{e['param']}", node_id=node_id)
            if any(x.name == e["name"] for x in params):
                raise GraphError(f"group parameter name '{e['name']}' is used twice", node_id=node_id)
            params.append(dataclasses.replace(p, name=e["name"], default=inner.params.get(e["param"], p.default)))
    except (KeyError, TypeError) as e:
        raise GraphError(f"group description is malformed ({e})", node_id=node_id) from None
    is_output = any(n.spec is not None and n.spec.is_output for n in subgraph.nodes.values())
    return NodeSpec(id="studio.group", title=title, category="Groups",
                    help=f"A group of {len(subgraph.nodes)} nodes.", inputs=tuple(ins), outputs=tuple(outs),
                    params=tuple(params), timing=CLIP, is_output=is_output)


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
    from .graph import Graph, Link, NodeInstance

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
