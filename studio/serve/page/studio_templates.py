"""Studio's own templates (assets/graphs) as a template module of ComfyUI's web page, the way a
custom node pack offers its example workflows (``GET /api/workflow_templates`` -> {"Studio":
[names]}, ``/api/workflow_templates/Studio/{name}.json``): each graph written as the page saves a
workflow (numbered nodes of Studio's types, their settings as widget values in /object_info's order,
links), so the page opens it as it is and its Run button queues it as a Studio graph. A template
whose graph this Studio cannot read, or that holds a node of no known type, is not offered."""
from __future__ import annotations

import os
import re

MODULE = "Studio"
NAME = re.compile(r"^[a-z0-9_]{1,100}$")
SCALE = (1.4, 2.4)  # Studio's canvas units to the page's: its nodes are wider and its widgets stacked


def folder() -> str:
    from studio.core.assets import TEMPLATES_DIR
    return str(TEMPLATES_DIR)


def names() -> list[str]:
    try:
        files = os.listdir(folder())
    except OSError:
        return []
    return sorted(n[:-5] for n in files if n.endswith(".json") and NAME.match(n[:-5]))


def workflow(name: str) -> dict | None:
    """The template ``name`` as the page's workflow (None: no such template, or not one to offer)."""
    if not NAME.match(name) or name not in names():
        return None
    from studio.core.errors import StudioError
    from studio.core.fileformat import load_graph
    try:
        g = load_graph(os.path.join(folder(), name + ".json"))
    except (StudioError, OSError, ValueError):
        return None
    if any(n.spec is None for n in g.nodes.values()):
        return None
    number = {nid: k + 1 for k, nid in enumerate(g.nodes)}
    links, ins, outs = [], {}, {}
    for k, link in enumerate(g.links, start=1):
        src, dst = g.nodes[link.src], g.nodes[link.dst]
        so = [o.name for o in src.spec.outputs].index(link.src_port)
        di = [i.name for i in dst.spec.inputs].index(link.dst_port)
        kind = src.spec.outputs[so].type.upper()
        links.append([k, number[link.src], so, number[link.dst], di, kind])
        ins[(link.dst, link.dst_port)] = k
        outs.setdefault((link.src, link.src_port), []).append(k)
    pos = (g.ui or {}).get("positions", {})
    nodes = []
    for order, (nid, n) in enumerate(g.nodes.items()):
        x, y = (pos.get(nid) or [0.0, 0.0])[:2]
        nodes.append({
            "id": number[nid], "type": n.type_id, "pos": [x * SCALE[0], y * SCALE[1]], "size": [320, 60 + 24 * (
                len(n.spec.params) + len(n.spec.inputs))], "flags": {}, "order": order, "mode": 0, "properties": {},
            "title": n.title or n.spec.title,
            "inputs": [{"name": i.name, "type": i.type.upper(), "link": ins.get((nid, i.name))} for i in n.spec.inputs],
            "outputs": [{"name": o.name, "type": o.type.upper(), "links": outs.get((nid, o.name), [])}
                        for o in n.spec.outputs],
            "widgets_values": _values(n)})
    return {"last_node_id": len(nodes), "last_link_id": len(links), "nodes": nodes, "links": links, "groups": [],
            "config": {}, "extra": {}, "version": 0.4}


def _values(n) -> list:
    """A node's settings in /object_info's order; after a seed, the page's control of it ('fixed':
    the template's seed kept)."""
    from ..api.object_info import SEEDS
    out = []
    for p in n.spec.params:
        out.append(n.params.get(p.name, p.default))
        if p.name in SEEDS and p.kind in ("int", "seed"):
            out.append("fixed")
    return out


def thumbnail(name: str) -> str | None:
    """The template's picture (the page asks for it as {name}.jpg; it is a PNG, which browsers read
    by its content)."""
    path = os.path.join(folder(), name + ".png")
    return path if NAME.match(name) and os.path.isfile(path) else None
