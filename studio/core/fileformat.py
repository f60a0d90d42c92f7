"""Graph files: versioned JSON, atomic saves, strict loads that never run code.

    {"format": "studio-graph", "version": 1,
     "settings": {"seed": 0, "device": "auto"},
     "nodes": [{"id": "n1", "type": "source.shapes", "params": {...}, "mode": "normal"}],
     "links": [{"from": ["n1", "video"], "to": ["n2", "video"]}],
     "ui": {"positions": {"n1": [0, 0]}}}

Node ids survive save and load. Parameters are stored by name. Layout (``ui``) is kept apart
from semantics. Unknown node types load as placeholders that keep their data and are saved
back unchanged. Every problem raises :class:`GraphFileError` naming the file and the cause.
"""
from __future__ import annotations

import json
import math
import os
import re
from typing import Any, Callable

from .errors import GraphFileError, StudioError
from .graph import GROUP_TYPE, MODES, Graph, Link
from .checked_open import read_bounded
from .limits import (MAX_GRAPH_FILE_BYTES, MAX_GROUP_DEPTH, MAX_LINKS, MAX_NODES, MAX_TITLE_LENGTH,
                     check_text, shorten)
from .node_upgrades import upgraded_nodes
from .paths import write_atomic
from .registry import Registry

FORMAT = "studio-graph"
VERSION = 1
MAX_FILE_BYTES = MAX_GRAPH_FILE_BYTES

# version -> function upgrading a document of that version to version + 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


def _migrate_0(doc: dict) -> dict:
    """Version 0 (pre-release) stored links as [src, src_port, dst, dst_port] lists."""
    doc = dict(doc)
    links = []
    for l in doc.get("links", []):
        if isinstance(l, list) and len(l) == 4:
            links.append({"from": [l[0], l[1]], "to": [l[2], l[3]]})
        else:
            links.append(l)
    doc["links"] = links
    doc["version"] = 1
    return doc


MIGRATIONS[0] = _migrate_0


# ------------------------------------------------------------------------------------------
# writing
def graph_to_dict(graph: Graph, include_ui: bool = True) -> dict[str, Any]:
    nodes = []
    for n in graph.nodes.values():
        if n.spec is None:  # placeholder: what it was, unchanged
            d = dict(n.raw) if n.raw else {"id": n.id, "type": n.type_id, "params": n.params}
            d["id"] = n.id
            if n.mode != "normal" or "mode" in d:
                d["mode"] = n.mode
            nodes.append(d)
            continue
        d: dict[str, Any] = {"id": n.id, "type": n.type_id,
                             "params": {p.name: p.to_json(n.params[p.name]) for p in n.spec.params
                                        if p.name in n.params}}
        for k, v in (n.raw.get("unknown_params") or {}).items():  # from a newer Studio: kept as it was
            d["params"].setdefault(k, v)
        if n.mode != "normal":
            d["mode"] = n.mode
        if n.title:
            d["title"] = n.title
        if n.device:
            d["device"] = n.device
        if n.subgraph is not None:
            d["group"] = {"graph": graph_to_dict(n.subgraph), "io": n.raw.get("io", {})}
        if n.spec.version != 1:
            d["node_version"] = n.spec.version
        if n.subgraph is not None and n.raw.get("group_extra"):
            d["group"] = {**n.raw["group_extra"], **d["group"]}
        for k, v in (n.raw.get("extra") or {}).items():  # fields this Studio does not know: kept
            d.setdefault(k, v)
        nodes.append(d)
    links = []
    link_extra = getattr(graph, "link_extra", {})
    for l in graph.links:
        ld = {"from": [l.src, l.src_port], "to": [l.dst, l.dst_port]}
        extra = link_extra.get(l)
        if extra:
            ld = {**extra, **ld}
        links.append(ld)
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "settings": dict(graph.settings),
                           "nodes": nodes, "links": links}
    if include_ui:
        doc["ui"] = graph.ui
    for k, v in getattr(graph, "extra", {}).items():  # top-level keys this Studio does not know: kept
        doc.setdefault(k, v)
    return doc


def graph_to_json(graph: Graph, indent: int | None = 1) -> str:
    return json.dumps(graph_to_dict(graph), indent=indent, allow_nan=False, ensure_ascii=False)


atomic_write = write_atomic  # the one atomic write (studio.core.paths), under its old name here


def save_graph(graph: Graph, path: str) -> None:
    atomic_write(path, graph_to_json(graph) + "\n")


# ------------------------------------------------------------------------------------------
# reading
_TOP_KEYS = ("format", "version", "settings", "nodes", "links", "ui")
_NODE_KEYS = ("id", "type", "params", "mode", "title", "device", "group", "node_version")

class _Bad(Exception):
    pass


def _reject_constant(name: str):
    raise _Bad(f"'{name}' is not valid JSON")


def _expect(cond: bool, msg: str) -> None:
    if not cond:
        raise _Bad(msg)


def _finite_pair(v: Any) -> bool:
    return (isinstance(v, list) and len(v) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in v))


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _find_bad_text(doc: Any) -> str | None:
    """Where the document holds a string that is not valid Unicode (a lone surrogate, which
    JSON's \\u escapes allow), as "where: why", or None. Iterative: no recursion limit."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        v, where = stack.pop()
        if isinstance(v, str):
            why = check_text(v)
            if why:
                return f"{where or 'the document'}: text {why}"
        elif isinstance(v, dict):
            for k, x in v.items():
                why = check_text(k)
                if why:
                    return f"{where or 'the document'}: a key {why}"
                stack.append((x, f"{where}.{shorten(k, 40)}" if where else shorten(k, 40)))
        elif isinstance(v, list):
            stack.extend((x, f"{where}[{i}]") for i, x in enumerate(v))
    return None


def _where(path: list) -> str:
    """A JSON location in words: node 'n3' parameter 'gain', setting 'x', link #2, ui.zoom..."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        node = f"node #{path[1]}"
        rest = path[2:]
        if rest[:1] == ["params"] and len(rest) >= 2:
            return f"{node} parameter '{shorten(str(rest[1]), 40)}'" + "".join(f"[{x!r}]" for x in rest[2:])
        return node + ("" if not rest else " field " + ".".join(shorten(str(x), 40) for x in rest))
    if len(path) >= 2 and path[0] == "settings":
        return f"setting '{shorten(str(path[1]), 40)}'"
    if len(path) >= 2 and path[0] == "links" and isinstance(path[1], int):
        return f"link #{path[1]}"
    return ".".join(shorten(str(x), 40) for x in path) or "the document"


def _find_non_finite(doc: Any, text: str) -> str | None:
    """Where the document holds a number that is not finite (1e999 reads as infinity), named by
    node and parameter. Iterative: no recursion limit."""
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    stack: list[tuple[Any, list]] = [(doc, [])]
    while stack:
        v, path = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            where = _where(path)
            if len(path) >= 2 and path[0] == "nodes" and isinstance(nodes, list) and isinstance(nodes[path[1]], dict):
                nid = nodes[path[1]].get("id")
                if isinstance(nid, str):
                    where = where.replace(f"node #{path[1]}", f"node '{shorten(nid, 40)}'", 1)
            return f"{where}: the number is not finite (too large for a 64-bit float: infinity)"
        if isinstance(v, dict):
            stack.extend((x, path + [k]) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, path + [i]) for i, x in enumerate(v))
    return None


def parse_graph_text(text: str, registry: Registry | None = None, source: str = "<graph>") -> Graph:
    non_finite = []

    def parse_float(t: str) -> float:
        v = float(t)
        if not math.isfinite(v):
            non_finite.append(t)
        return v
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_float=parse_float)
    except _Bad as e:
        raise GraphFileError(source, str(e)) from None
    except json.JSONDecodeError as e:
        raise GraphFileError(source, f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except (ValueError, RecursionError) as e:
        raise GraphFileError(source, f"not valid JSON ({type(e).__name__}: {str(e)[:120]})") from None
    if non_finite:  # 1e999: refused here, naming node and parameter (it could not be saved or rendered)
        raise GraphFileError(source, _find_non_finite(doc, text) or f"the number {shorten(non_finite[0])} is not finite")
    if _SURROGATE_ESCAPE.search(text):  # only \\u escapes can make invalid text: look where
        bad = _find_bad_text(doc)
        if bad:
            raise GraphFileError(source, bad)
    return graph_from_dict(doc, registry, source)


def load_graph(path: str, registry: Registry | None = None) -> Graph:
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise GraphFileError(path, e.strerror or str(e)) from None
    if size > MAX_FILE_BYTES:
        raise GraphFileError(path, f"file is {size / 1e6:.0f} MB, larger than any graph ({MAX_FILE_BYTES / 1e6:.0f} MB, "
                                   "MAX_GRAPH_FILE_BYTES)")
    try:
        # refuses FIFOs and devices (opening a FIFO blocks, /dev/zero never ends) and reads at
        # most the limit, whatever the file claims
        raw = read_bounded(path, MAX_FILE_BYTES, "graph file")
        text = raw.decode("utf-8-sig")
    except ValueError as e:
        if isinstance(e, UnicodeDecodeError):
            raise GraphFileError(path, "not a text file (not UTF-8)") from None
        raise GraphFileError(path, str(e)) from None
    except UnicodeDecodeError:
        raise GraphFileError(path, "not a text file (not UTF-8)") from None
    except OSError as e:
        raise GraphFileError(path, e.strerror or str(e)) from None
    if not text.strip():
        raise GraphFileError(path, "the file is empty")
    g = parse_graph_text(text, registry, path)
    g.base_dir = os.path.dirname(os.path.abspath(path))  # relative media paths resolve here
    return g


def graph_from_dict(doc: Any, registry: Registry | None = None, source: str = "<graph>") -> Graph:
    try:
        return _graph_from_dict(doc, registry, depth=0)
    except _Bad as e:
        raise GraphFileError(source, str(e)) from None
    except StudioError as e:
        raise GraphFileError(source, str(e)) from None
    except RecursionError:
        raise GraphFileError(source, "groups are nested too deeply") from None


def _graph_from_dict(doc: Any, registry: Registry | None, depth: int, nested: bool = False) -> Graph:
    _expect(depth < MAX_GROUP_DEPTH, f"groups are nested more than {MAX_GROUP_DEPTH} deep (MAX_GROUP_DEPTH)")
    _expect(isinstance(doc, dict), f"expected a JSON object at the top, got {type(doc).__name__}")
    if not nested:
        doc = _migrated(doc)
    g = Graph(registry)
    doc, g.upgraded = upgraded_nodes(doc, g.registry)  # nodes saved by an older version of their type
    g.extra = {k: v for k, v in doc.items() if k not in _TOP_KEYS}  # saved back unchanged
    _read_settings(g, doc)
    _read_nodes(g, doc, registry, depth)
    _read_links(g, doc)
    _read_ui(g, doc)
    return g


def _migrated(doc: dict) -> dict:
    """A top-level document checked for its format and version, migrated to this VERSION."""
    _expect(doc.get("format") == FORMAT, f"not a Studio graph (format is {doc.get('format')!r}, "
                                         f"expected '{FORMAT}')")
    version = doc.get("version")
    _expect(isinstance(version, int) and not isinstance(version, bool),
            f"'version' must be an integer, got {version!r}"[:200])
    _expect(version <= VERSION, f"made by a newer Studio (file version {version}, this Studio reads "
                                f"up to {VERSION}); update Studio to open it")
    _expect(version >= min(MIGRATIONS, default=VERSION), f"unknown file version {version}")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["version"]
    return doc


def _read_settings(g: Graph, doc: dict) -> None:
    settings = doc.get("settings", {})
    _expect(isinstance(settings, dict), "'settings' must be an object")
    seed = settings.get("seed", 0)
    _expect(isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**63,
            f"settings.seed must be a non-negative integer, got {seed!r}"[:200])
    device = settings.get("device", "auto")
    _expect(device in ("auto", "cpu", "cuda", "mps"), f"settings.device must be auto, cpu, cuda or mps, got {device!r}"[:200])
    g.settings.update({k: v for k, v in settings.items() if isinstance(k, str)})


def _read_nodes(g: Graph, doc: dict, registry: Registry | None, depth: int) -> None:
    nodes = doc.get("nodes", [])
    _expect(isinstance(nodes, list), "'nodes' must be a list")
    _expect(len(nodes) <= MAX_NODES, f"{len(nodes)} nodes is more than {MAX_NODES} (MAX_NODES)")
    for k, nd in enumerate(nodes):
        nid, t, params, mode, title, ndev = _checked_node(g, k, nd)
        if t == GROUP_TYPE:
            inst = _add_group_node(g, nd, nid, params, mode, title, registry, depth)
        else:
            inst = _add_plain_node(g, nd, nid, t, params, mode, title)
        inst.device = ndev
        if inst.spec is not None:
            _keep_node_extras(inst, nd, t)


def _checked_node(g: Graph, k: int, nd: Any) -> tuple:
    """(id, type, params, mode, title, device) of node entry #k, each checked."""
    _expect(isinstance(nd, dict), f"node #{k} must be an object")
    nid = nd.get("id")
    _expect(isinstance(nid, str), f"node #{k}: 'id' must be a string, got {shorten(nid)}")
    _expect(nid not in g.nodes, f"node id '{shorten(nid)}' appears twice")
    t = nd.get("type")
    _expect(isinstance(t, str) and t, f"node '{nid}': 'type' must be a non-empty string")
    params = nd.get("params", {})
    _expect(isinstance(params, dict), f"node '{nid}': 'params' must be an object")
    mode = nd.get("mode", "normal")
    _expect(mode in MODES, f"node '{nid}': mode must be one of {', '.join(MODES)}, got {mode!r}"[:200])
    title = nd.get("title")
    _expect(title is None or isinstance(title, str), f"node '{shorten(nid)}': 'title' must be text")
    _expect(title is None or len(title) <= MAX_TITLE_LENGTH,
            f"node '{shorten(nid)}': the title is {len(title or '')} characters, at most "
            f"{MAX_TITLE_LENGTH} (MAX_TITLE_LENGTH)")
    ndev = nd.get("device")
    _expect(ndev in (None, "auto", "cpu", "cuda", "mps"), f"node '{nid}': unknown device {ndev!r}"[:200])
    return nid, t, params, mode, title, ndev


def _add_group_node(g: Graph, nd: dict, nid: str, params: dict, mode: str, title: str | None,
                    registry: Registry | None, depth: int):
    grp = nd.get("group")
    _expect(isinstance(grp, dict) and isinstance(grp.get("io"), dict),
            f"node '{nid}': a group needs 'group': {{'graph', 'io'}}")
    sub = _graph_from_dict(grp.get("graph"), registry, depth + 1, nested=True)
    inst = g.add_group(sub, grp["io"], node_id=nid, title=title or "Group", mode=mode)
    for name, v in params.items():
        if inst.spec.param(name) is None:  # as on any node: kept, warned, saved back
            inst.raw.setdefault("unknown_params", {})[name] = v
        else:
            g.set_param(nid, name, v)
    return inst


def _add_plain_node(g: Graph, nd: dict, nid: str, t: str, params: dict, mode: str, title: str | None):
    known = g.registry.resolve(t) is not None
    unknown: dict[str, Any] = {}
    if known:
        spec = g.registry.get(t)
        # parameters this Studio does not know (a graph from a newer Studio): kept as they
        # were, reported by Graph.warnings() and saved back unchanged
        unknown = {k: v for k, v in params.items() if spec.param(k) is None}
        params = {k: v for k, v in params.items() if spec.param(k) is not None}
    inst = g.add_node(t, params, node_id=nid, title=title, mode=mode, placeholder_ok=True)
    if not known:
        inst.raw = dict(nd)
    elif unknown:
        inst.raw["unknown_params"] = unknown
    return inst


def _keep_node_extras(inst, nd: dict, t: str) -> None:
    """Keys of a node entry this Studio does not read, kept to be saved back unchanged."""
    used = set(_NODE_KEYS) - ({"group"} if t != GROUP_TYPE else set()) \
        - ({"node_version"} if inst.spec.version == 1 else set())
    extra = {k: v for k, v in nd.items() if k not in used}
    if extra:
        inst.raw["extra"] = extra
    if t == GROUP_TYPE:
        gx = {k: v for k, v in nd["group"].items() if k not in ("graph", "io")}
        if gx:
            inst.raw["group_extra"] = gx


def _read_links(g: Graph, doc: dict) -> None:
    links = doc.get("links", [])
    _expect(isinstance(links, list), "'links' must be a list")
    _expect(len(links) <= MAX_LINKS, f"{len(links)} links is more than {MAX_LINKS} (MAX_LINKS)")
    taken: set[tuple[str, str]] = set()
    for k, ld in enumerate(links):
        _expect(isinstance(ld, dict), f"link #{k} must be an object with 'from' and 'to'")
        fr, to = ld.get("from"), ld.get("to")
        ok = all(isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e) for e in (fr, to))
        _expect(ok, f"link #{k}: 'from' and 'to' must be [node id, port name]")
        _expect(fr[0] in g.nodes, f"link #{k}: no node '{shorten(fr[0])}'")
        _expect(to[0] in g.nodes, f"link #{k}: no node '{shorten(to[0])}'")
        _expect((to[0], to[1]) not in taken,
                f"link #{k}: input {shorten(to[0])}.{shorten(to[1])} is connected twice")
        taken.add((to[0], to[1]))
        placeholder = g.nodes[fr[0]].spec is None or g.nodes[to[0]].spec is None
        if not placeholder:
            g.check_ports(fr[0], fr[1], to[0], to[1])  # ports and types; cycles below, once
        link = Link(fr[0], fr[1], to[0], to[1])
        g.links.append(link)
        extra = {k: v for k, v in ld.items() if k not in ("from", "to")}
        if extra:
            g.link_extra[link] = extra
    g.topo_order()  # one cycle check for the whole graph (per link it would be quadratic)


def _read_ui(g: Graph, doc: dict) -> None:
    ui = doc.get("ui", {})
    _expect(isinstance(ui, dict), "'ui' must be an object")
    pos = ui.get("positions", {})
    _expect(isinstance(pos, dict), "ui.positions must be an object")
    for nid, p in pos.items():
        _expect(_finite_pair(p), f"ui.positions['{nid}'] must be [x, y] numbers"[:200])
    g.ui = dict(ui)
    # every position is kept (also of ids this file has no node for: load+save loses nothing)
    g.ui["positions"] = {k: [float(p[0]), float(p[1])] for k, p in pos.items()}
