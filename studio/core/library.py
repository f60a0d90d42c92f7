"""The user's library: reusable sub-graphs (groups saved as files) and parameter presets.

Both live in the user's data folder (platformdirs), overridable with STUDIO_DATA_DIR. A saved
sub-graph is a versioned JSON file like a graph file; placing it makes a group node."""
from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

from .errors import GraphFileError, StudioError
from .fileformat import VERSION, atomic_write, graph_from_dict, graph_to_dict
from .graph import Graph, NodeInstance

SUBGRAPH_FORMAT = "studio-subgraph"


def data_dir(create: bool = True) -> str:
    d = os.environ.get("STUDIO_DATA_DIR")
    if not d:
        import platformdirs
        d = platformdirs.user_data_dir("Studio", "Studio")
    if create:
        os.makedirs(d, exist_ok=True)
    return d


def _safe_name(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_. -]+", "_", name).strip(" .")
    if not s:
        raise StudioError(f"'{name}' cannot be used as a name")
    return s[:80]


# ---- sub-graphs --------------------------------------------------------------------------
def library_dir() -> str:
    d = os.path.join(data_dir(), "library")
    os.makedirs(d, exist_ok=True)
    return d


def save_subgraph(group: NodeInstance, name: str | None = None, description: str = "") -> str:
    """Save a group node to the library; returns the file path."""
    if group.subgraph is None:
        raise StudioError(f"node '{group.id}' is not a group", node_id=group.id)
    name = name or group.label
    doc = {"format": SUBGRAPH_FORMAT, "version": VERSION, "name": name, "description": description,
           "graph": graph_to_dict(group.subgraph), "io": group.raw.get("io", {}),
           "params": {k: v for k, v in group.params.items()}}
    path = os.path.join(library_dir(), _safe_name(name) + ".json")
    atomic_write(path, json.dumps(doc, indent=1, allow_nan=False))
    return path


def read_subgraph(path: str, registry=None) -> tuple[str, Graph, dict, dict, str]:
    """(name, inner graph, io, params, description) of a saved sub-graph."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise GraphFileError(path, str(e)) from None
    if not isinstance(doc, dict) or doc.get("format") != SUBGRAPH_FORMAT:
        raise GraphFileError(path, "not a Studio sub-graph")
    if not isinstance(doc.get("version"), int) or doc["version"] > VERSION:
        raise GraphFileError(path, f"made by a newer Studio (version {doc.get('version')!r})")
    inner = graph_from_dict(dict(doc.get("graph") or {}, format="studio-graph", version=doc["version"]),
                            registry, path)
    io = doc.get("io")
    params = doc.get("params", {})
    if not isinstance(io, dict) or not isinstance(params, dict):
        raise GraphFileError(path, "'io' and 'params' must be objects")
    return str(doc.get("name") or os.path.basename(path)), inner, io, params, str(doc.get("description", ""))


def list_subgraphs() -> list[tuple[str, str]]:
    """(name, path) of every sub-graph in the library."""
    d = os.path.join(data_dir(create=False), "library")
    if not os.path.isdir(d):  # listing does not create the user's data folder
        return []
    return [(f[:-5], os.path.join(d, f)) for f in sorted(os.listdir(d)) if f.endswith(".json")]


def place_subgraph(graph: Graph, path: str, node_id: str | None = None,
                   pos: tuple[float, float] | None = None) -> NodeInstance:
    name, inner, io, params, _ = read_subgraph(path, graph.registry)
    inst = graph.add_group(inner, io, node_id=node_id, title=name)
    for k, v in params.items():
        if inst.spec.param(k) is not None:
            graph.set_param(inst.id, k, v)
    if pos is not None:
        graph.ui.setdefault("positions", {})[inst.id] = [float(pos[0]), float(pos[1])]
    return inst


def group_nodes(graph: Graph, node_ids: list[str], title: str = "Group",
                expose_params: list[tuple[str, str]] | None = None, node_id: str | None = None) -> NodeInstance:
    """Collapse ``node_ids`` into one group node. Links that cross the selection become the
    group's ports (named after the inner port, made unique); ``expose_params`` lists
    (inner node id, param) to show on the group. ``node_id``: the group's id (undo/redo
    gives the same id again); a new one when None."""
    sel = [n for n in graph.nodes if n in set(node_ids)]
    if not sel:
        raise StudioError("select nodes to group")
    inner = Graph(graph.registry)
    for nid in sel:
        n = graph.nodes[nid]
        if n.subgraph is not None:
            g2 = inner.add_group(n.subgraph.copy(), n.raw.get("io", {}), node_id=nid, title=n.label, mode=n.mode)
            g2.params.update(n.params)
        else:
            inner.add_node(n.type_id, dict(n.params), node_id=nid, title=n.title, mode=n.mode)
        inner.nodes[nid].device = n.device
        if nid in graph.ui.get("positions", {}):
            inner.ui["positions"][nid] = list(graph.ui["positions"][nid])
    io: dict[str, list] = {"inputs": [], "outputs": [], "params": []}
    inside, crossing_in, crossing_out = [], [], []
    for l in graph.links:
        a, b = l.src in sel, l.dst in sel
        if a and b:
            inside.append(l)
        elif b:
            crossing_in.append(l)
        elif a:
            crossing_out.append(l)
    for l in inside:
        inner.connect(l.src, l.src_port, l.dst, l.dst_port)

    def unique(name, used):
        k, base = 2, name
        while name in used:
            name, k = f"{base}{k}", k + 1
        used.add(name)
        return name

    used_in, used_out = set(), set()
    in_names, out_names = {}, {}
    for l in crossing_in:
        key = (l.dst, l.dst_port)
        if key not in in_names:
            in_names[key] = unique(l.dst_port, used_in)
            io["inputs"].append({"name": in_names[key], "node": l.dst, "port": l.dst_port})
    for l in crossing_out:
        key = (l.src, l.src_port)
        if key not in out_names:
            out_names[key] = unique(l.src_port, used_out)
            io["outputs"].append({"name": out_names[key], "node": l.src, "port": l.src_port})
    if not io["outputs"]:  # nothing leaves the selection: expose the last node's outputs
        last = inner.topo_order()[-1]
        spec = inner.nodes[last].spec
        for o in (spec.outputs if spec else ()):
            io["outputs"].append({"name": unique(o.name, used_out), "node": last, "port": o.name})
    used_p = set()
    for nid, pname in expose_params or []:
        io["params"].append({"name": unique(pname, used_p), "node": nid, "param": pname})
    xs = [graph.ui.get("positions", {}).get(n, [0, 0]) for n in sel]
    centre = (sum(p[0] for p in xs) / len(xs), sum(p[1] for p in xs) / len(xs))
    for nid in sel:
        graph.remove_node(nid)
    grp = graph.add_group(inner, io, title=title, node_id=node_id)
    graph.ui.setdefault("positions", {})[grp.id] = [centre[0], centre[1]]
    for l in crossing_in:
        graph.connect(l.src, l.src_port, grp.id, in_names[(l.dst, l.dst_port)])
    for l in crossing_out:
        graph.connect(grp.id, out_names[(l.src, l.src_port)], l.dst, l.dst_port)
    return grp


def ungroup_ids(graph: Graph, group_id: str) -> dict[str, str]:
    """The ids :func:`ungroup` would give the inner nodes of ``group_id``: an inner node keeps
    its id where the outer graph does not use it, else it gets a new one."""
    grp = graph.node(group_id)
    if grp.subgraph is None:
        raise StudioError(f"'{grp.label}' is not a group", node_id=group_id)
    taken = set(graph.nodes) - {group_id}
    out: dict[str, str] = {}
    for nid in grp.subgraph.nodes:
        new = nid
        while new in taken:
            new = graph.new_id()
        taken.add(new)
        out[nid] = new
    return out


def ungroup(graph: Graph, group_id: str, ids: dict[str, str] | None = None) -> dict[str, str]:
    """Replace a group node by the nodes it contains, wired as the group was; the inverse of
    :func:`group_nodes`. Exposed parameters are written into the inner nodes; a muted group's
    nodes come out muted. ``ids``: inner id -> new id (see :func:`ungroup_ids`). Returns it."""
    grp = graph.node(group_id)
    ids = dict(ids) if ids is not None else ungroup_ids(graph, group_id)
    inner = grp.subgraph.copy()
    io = grp.raw.get("io", {})
    for e in io.get("params", []):
        if e["name"] in grp.params and e["node"] in inner.nodes:
            inner.nodes[e["node"]].params[e["param"]] = grp.params[e["name"]]
    outer_in = [l for l in graph.links if l.dst == group_id]
    outer_out = [l for l in graph.links if l.src == group_id]
    centre = graph.ui.get("positions", {}).get(group_id, [0.0, 0.0])
    inner_pos = inner.ui.get("positions", {})
    known = [inner_pos[n] for n in inner.nodes if n in inner_pos]
    mid = ([sum(p[0] for p in known) / len(known), sum(p[1] for p in known) / len(known)]
           if known else [0.0, 0.0])
    graph.remove_node(group_id)
    for k, (nid, n) in enumerate(inner.nodes.items()):
        new = ids[nid]
        mode = "mute" if grp.mode == "mute" else n.mode
        if n.subgraph is not None:
            m = graph.add_group(n.subgraph, n.raw.get("io", {}), node_id=new, title=n.title or "Group", mode=mode)
            m.params.update(n.params)
        else:
            m = graph.add_node(n.type_id, dict(n.params), node_id=new, title=n.title, mode=mode,
                               placeholder_ok=True)
            if n.spec is None:
                m.raw, m.error = copy.deepcopy(n.raw), n.error
        m.device = n.device
        p = inner_pos.get(nid, [mid[0] + 260.0 * k, mid[1]])
        graph.ui.setdefault("positions", {})[new] = [centre[0] + p[0] - mid[0], centre[1] + p[1] - mid[1]]
    for l in inner.links:
        graph.connect(ids[l.src], l.src_port, ids[l.dst], l.dst_port)
    for l in outer_in:
        for e in io.get("inputs", []):
            if e["name"] == l.dst_port:
                graph.connect(l.src, l.src_port, ids[e["node"]], e["port"])
    for l in outer_out:
        for e in io.get("outputs", []):
            if e["name"] == l.src_port:
                graph.connect(ids[e["node"]], e["port"], l.dst, l.dst_port)
    return ids


# ---- presets -----------------------------------------------------------------------------
def _presets_path(type_id: str, create: bool = True) -> str:
    d = os.path.join(data_dir(create), "presets")
    if create:
        os.makedirs(d, exist_ok=True)
    return os.path.join(d, _safe_name(type_id) + ".json")


def list_presets(type_id: str) -> dict[str, dict[str, Any]]:
    p = _presets_path(type_id, create=False)
    if not os.path.exists(p):
        return {}
    try:
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        return {k: v for k, v in d.items() if isinstance(v, dict)} if isinstance(d, dict) else {}
    except (OSError, ValueError):
        return {}


def save_preset(node: NodeInstance, name: str) -> None:
    if node.spec is None:
        raise StudioError(f"node '{node.id}' has an unknown type; its parameters cannot be saved")
    all_p = list_presets(node.type_id)
    all_p[name] = {k: node.spec.param(k).to_json(v) for k, v in node.params.items() if node.spec.param(k)}
    atomic_write(_presets_path(node.type_id), json.dumps(all_p, indent=1, allow_nan=False))


def apply_preset(graph: Graph, node_id: str, name: str) -> dict[str, Any]:
    node = graph.node(node_id)
    presets = list_presets(node.type_id)
    if name not in presets:
        raise StudioError(f"no preset '{name}' for {node.label}", node_id=node_id)
    applied = {}
    for k, v in presets[name].items():
        if node.spec.param(k) is not None:  # parameters that no longer exist are ignored
            applied[k] = graph.set_param(node_id, k, v)
    return applied


def delete_preset(type_id: str, name: str) -> None:
    all_p = list_presets(type_id)
    if all_p.pop(name, None) is not None:
        atomic_write(_presets_path(type_id), json.dumps(all_p, indent=1))
