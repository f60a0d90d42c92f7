"""Nodes saved by an older version of their type, made this version's as their file is read: a node
declares ``version`` and ``upgrade`` (studio.core.spec.Node); the file keeps ``node_version`` when it is
not 1. An upgrade may change the node's params and re-key or drop the links into it (an input that
became another, as LTX-2's 'voice' became its one sound input); what it changed is one sentence on
``Graph.upgraded``, said once by the window's Log and the command line."""
from __future__ import annotations

from typing import Any


def upgraded_nodes(doc: dict, registry) -> tuple[dict, list[str]]:
    """``doc`` with every older node upgraded (a copy where anything changed: the caller's dict is
    left as it was), and the sentences saying what changed. Entries that are not well formed are left
    for the reader's own checks to refuse."""
    nodes, links = doc.get("nodes"), doc.get("links", [])
    if not isinstance(nodes, list) or not isinstance(links, list):
        return doc, []
    said: list[str] = []
    out_nodes, out_links = None, None
    for k, nd in enumerate(nodes):
        cls = _older(nd, registry)
        if cls is None:
            continue
        if out_nodes is None:
            out_nodes = list(nodes)
            out_links = [dict(ld) if isinstance(ld, dict) else ld for ld in links]
        nd = dict(nd, params=dict(nd.get("params") or {}))
        into = {ld["to"][1]: ld for ld in out_links if _into(ld, nd["id"])}
        before = dict(into)
        sentence = cls.upgrade(int(nd.get("node_version", 1)), nd["params"], into)
        for port, ld in before.items():  # dropped: removed; re-keyed: the link's input renamed
            if all(v is not ld for v in into.values()):
                out_links = [x for x in out_links if x is not ld]
        for port, ld in into.items():
            ld["to"] = [nd["id"], port]
        nd["node_version"] = cls.spec().version
        out_nodes[k] = nd
        if sentence:
            said.append(f"node '{nd.get('title') or cls.spec().title}' ({nd['id']}), saved by an older Studio: {sentence}")
    if out_nodes is None:
        return doc, []
    return dict(doc, nodes=out_nodes, links=out_links), said


def _older(nd: Any, registry):
    """The node class of entry ``nd`` when the file holds it at an older version than this Studio's."""
    if not isinstance(nd, dict) or not isinstance(nd.get("id"), str) or not isinstance(nd.get("type"), str):
        return None
    version = nd.get("node_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not isinstance(nd.get("params", {}), dict):
        return None
    spec = registry.get(nd["type"]) if registry.resolve(nd["type"]) is not None else None
    if spec is None or version >= spec.version:  # the manifest's version first: no node module imported
        return None
    return spec.cls


def _into(ld: Any, nid: str) -> bool:
    to = ld.get("to") if isinstance(ld, dict) else None
    return isinstance(to, list) and len(to) == 2 and to[0] == nid and isinstance(to[1], str)
