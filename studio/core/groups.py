"""Groups (reusable sub-graphs): a node that holds a graph and exposes some of its ports and
parameters. The engine flattens groups before it runs (studio.core.flatten), so a group costs
nothing at run time."""
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


def prune_io(inner, io: dict) -> tuple[dict, list[str]]:
    """``io`` without the entries whose inner node, port or parameter no longer exists (after an
    edit inside the group), and what was dropped, for the log."""
    out, dropped = {"inputs": [], "outputs": [], "params": []}, []
    for kind, key, getter in (("inputs", "port", "input"), ("outputs", "port", "output"), ("params", "param", "param")):
        for e in io.get(kind, []):
            n = inner.nodes.get(e.get("node"))
            ok = n is not None and n.spec is not None and getattr(n.spec, getter)(e.get(key)) is not None
            (out[kind] if ok else dropped).append(e if ok else f"{kind[:-1]} '{e.get('name')}'")
    return out, dropped
