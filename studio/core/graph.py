"""The headless graph model: the source of truth the canvas views and the engine runs."""
from __future__ import annotations

import copy
import heapq
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple

from .errors import (CycleError, GraphError, MissingInputError, NodeNotFoundError, ParamError,
                     PortError, StudioError, TypeMismatchError, UnknownNodeTypeError,
                     UnknownParamError)
from .limits import MAX_TITLE_LENGTH, check_text, shorten
from .model_events import KINDS, GraphEvents
from .registry import Registry, default_registry
from .spec import In, NodeSpec, Out
from .types import can_connect

MODES = ("normal", "mute", "bypass")
GROUP_TYPE = "studio.group"
_ID_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def check_title(title: str | None, node_id: str) -> None:
    if not title:
        return
    if len(title) > MAX_TITLE_LENGTH:
        raise GraphError(f"node '{node_id}': the title is {len(title)} characters, at most "
                         f"{MAX_TITLE_LENGTH} (MAX_TITLE_LENGTH)", node_id=node_id)
    why = check_text(title)
    if why:
        raise GraphError(f"node '{node_id}': the title {why}", node_id=node_id)


class Link(NamedTuple):
    src: str
    src_port: str
    dst: str
    dst_port: str

    def __str__(self) -> str:
        return f"{self.src}.{self.src_port} -> {self.dst}.{self.dst_port}"


@dataclass
class NodeInstance:
    id: str
    type_id: str
    params: dict[str, Any]
    spec: NodeSpec | None  # None: a placeholder for an unknown type
    mode: str = "normal"
    title: str | None = None
    device: str | None = None
    error: str | None = None  # placeholder or load problem, shown on the canvas
    subgraph: "Graph | None" = None  # groups only
    raw: dict[str, Any] = field(default_factory=dict)  # placeholders keep what they were

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        return self.spec.title if self.spec else self.type_id

    @property
    def is_placeholder(self) -> bool:
        return self.spec is None


class Graph:
    def __init__(self, registry: Registry | None = None):
        self.registry = registry or default_registry()
        self.nodes: dict[str, NodeInstance] = {}
        self.links: list[Link] = []
        self.settings: dict[str, Any] = {"seed": 0, "device": "auto"}
        self.ui: dict[str, Any] = {"positions": {}}
        self.base_dir: str | None = None  # folder of the file it was loaded from
        self.extra: dict[str, Any] = {}  # top-level keys of its file this Studio does not know: saved back
        self.link_extra: dict[Link, dict[str, Any]] = {}  # a link's unknown fields: saved back
        self.upgraded: list[str] = []  # what reading its file changed from an older node version (said once)
        self.events = GraphEvents()  # one emitter per kind of change (studio.core.model_events)
        self._listeners: list[Callable[[str, dict], None]] = []
        self._counter = 0

    # -- observation ----------------------------------------------------------------------
    def subscribe(self, fn: Callable[[str, dict], None]) -> Callable[[], None]:
        """``fn(kind, payload)`` on every change (a log, a test); views subscribe per kind on
        ``graph.events`` instead."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    def _emit(self, event: str, **payload) -> None:
        self.events.emitter(event).emit(KINDS[event](**payload))
        for fn in list(self._listeners):
            fn(event, payload)

    # -- canvas state kept with the graph (graph.ui) and settings ---------------------------------
    def set_positions(self, positions: dict[str, list[float] | None]) -> None:
        """Node positions on the canvas (None forgets one); says which moved."""
        ps = self.ui.setdefault("positions", {})
        for nid, p in positions.items():
            if p is None:
                ps.pop(nid, None)
            elif nid in self.nodes:
                ps[nid] = [float(p[0]), float(p[1])]
        self._emit("positions_changed", positions={k: v for k, v in positions.items() if v is not None})

    def set_annotations(self, kind: str, items: list[dict]) -> None:
        """The backdrops or the notes (``graph.ui[kind]``), replaced."""
        if items:
            self.ui[kind] = copy.deepcopy(items)
        else:
            self.ui.pop(kind, None)
        self._emit("annotations_changed", kind=kind)

    def set_setting(self, name: str, value: Any) -> None:
        self.settings[name] = value
        self._emit("settings_changed", settings=dict(self.settings))

    def timeline(self) -> tuple[int | None, int | None]:
        """The timeline's in and out points saved with the graph (``ui.timeline``)."""
        t = self.ui.get("timeline")
        t = t if isinstance(t, dict) else {}

        def point(v):
            return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else None
        return point(t.get("in")), point(t.get("out"))

    def set_timeline(self, in_point: int | None, out_point: int | None) -> None:
        if in_point is None and out_point is None:
            self.ui.pop("timeline", None)
        else:
            self.ui["timeline"] = {"in": in_point, "out": out_point}
        self._emit("timeline_changed", in_point=in_point, out_point=out_point)

    # -- nodes ----------------------------------------------------------------------------
    def new_id(self, stem: str = "n") -> str:
        while True:
            self._counter += 1
            nid = f"{stem}{self._counter}"
            if nid not in self.nodes:
                return nid

    def node(self, node_id: str) -> NodeInstance:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise NodeNotFoundError(node_id) from None

    def add_node(self, type_id: str, params: dict[str, Any] | None = None, node_id: str | None = None,
                 title: str | None = None, mode: str = "normal", pos: tuple[float, float] | None = None,
                 placeholder_ok: bool = False) -> NodeInstance:
        if node_id is not None:
            if not isinstance(node_id, str) or not _ID_RE.fullmatch(node_id):
                raise GraphError(f"invalid node id {shorten(node_id)} (1 to 64 letters, digits or _.:-)")
            if node_id in self.nodes:
                raise GraphError(f"a node with id '{node_id}' already exists", node_id=node_id)
        nid = node_id or self.new_id()
        m = re.match(r"^n(\d+)$", nid)
        if m:
            self._counter = max(self._counter, int(m.group(1)))
        if mode not in MODES:
            raise GraphError(f"node '{nid}': mode must be one of {', '.join(MODES)}, got {shorten(mode)}",
                             node_id=nid)
        check_title(title, nid)
        rid = self.registry.resolve(type_id)
        if rid is None:
            if not placeholder_ok:
                raise UnknownNodeTypeError(type_id, nid)
            inst = NodeInstance(nid, type_id, dict(params or {}), None, mode, title,
                                error=f"unknown node type '{type_id}': install its node package; "
                                      "the node is kept as it was and will be saved unchanged")
        else:
            spec = self.registry.get(rid)
            inst = NodeInstance(nid, rid, spec.coerce_params(params or {}, node_id=nid), spec, mode, title)
        self.nodes[nid] = inst
        if pos is not None:
            self.ui.setdefault("positions", {})[nid] = [float(pos[0]), float(pos[1])]
        self._emit("node_added", node_id=nid)
        return inst

    def add_group(self, subgraph: "Graph", io: dict[str, Any], node_id: str | None = None,
                  title: str = "Group", mode: str = "normal") -> NodeInstance:
        """A group node: ``subgraph`` with exposed ports and parameters (see studio.core.groups)."""
        from .groups import group_spec
        nid = node_id or self.new_id()
        if nid in self.nodes:
            raise GraphError(f"a node with id '{nid}' already exists", node_id=nid)
        spec = group_spec(subgraph, io, title, node_id=nid)
        params = {p.name: p.default for p in spec.params}
        inst = NodeInstance(nid, GROUP_TYPE, params, spec, mode, title, subgraph=subgraph,
                            raw={"io": copy.deepcopy(io)})
        self.nodes[nid] = inst
        self._emit("node_added", node_id=nid)
        return inst

    def remove_node(self, node_id: str) -> None:
        self.node(node_id)
        for link in [l for l in self.links if node_id in (l.src, l.dst)]:
            self._remove_link(link)
        del self.nodes[node_id]
        self.ui.get("positions", {}).pop(node_id, None)
        self._emit("node_removed", node_id=node_id)

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        inst = self.node(node_id)
        if inst.spec is None:
            raise GraphError(f"node '{node_id}' is a placeholder for unknown type '{inst.type_id}'; "
                             "its parameters cannot be edited", node_id=node_id)
        p = inst.spec.param(name)
        if p is None:
            raise UnknownParamError(name, f"'{inst.label}' has no such parameter", node_id=node_id)
        try:
            v = p.coerce(value)
        except ParamError as e:
            raise e.for_node(node_id) from None
        old = inst.params.get(name)
        inst.params[name] = v
        if old != v:
            self._emit("param_changed", node_id=node_id, name=name, value=v, old=old)
        return v

    def set_mode(self, node_id: str, mode: str) -> None:
        inst = self.node(node_id)
        if mode not in MODES:
            raise GraphError(f"mode must be one of {', '.join(MODES)}", node_id=node_id)
        if inst.mode != mode:
            inst.mode = mode
            self._emit("mode_changed", node_id=node_id, mode=mode)

    def set_title(self, node_id: str, title: str | None) -> None:
        self.node(node_id)
        check_title(title, node_id)
        self.node(node_id).title = title or None
        self._emit("title_changed", node_id=node_id, title=title)

    # -- ports and links ------------------------------------------------------------------
    def _out_port(self, node_id: str, port: str) -> Out | None:
        inst = self.node(node_id)
        if inst.spec is None:
            return None  # placeholders keep their links, types unknown
        p = inst.spec.output(port)
        if p is None:
            raise PortError(node_id, port, "output", [o.name for o in inst.spec.outputs])
        return p

    def _in_port(self, node_id: str, port: str) -> In | None:
        inst = self.node(node_id)
        if inst.spec is None:
            return None
        p = inst.spec.input(port)
        if p is None:
            raise PortError(node_id, port, "input", [i.name for i in inst.spec.inputs])
        return p

    def check_ports(self, src: str, src_port: str, dst: str, dst_port: str) -> None:
        """Raise the error that the ports or their types would cause (no cycle check)."""
        o = self._out_port(src, src_port)
        i = self._in_port(dst, dst_port)
        if o is not None and i is not None and not can_connect(o.type, i.type):
            raise TypeMismatchError(src, src_port, o.type, dst, dst_port, i.type)

    def check_link(self, src: str, src_port: str, dst: str, dst_port: str) -> None:
        """Raise the error that connecting would cause, without connecting."""
        self.check_ports(src, src_port, dst, dst_port)
        if src == dst or src in self.downstream(dst):
            raise CycleError(self._path(dst, src) or [src, dst])

    def connect(self, src: str, src_port: str, dst: str, dst_port: str) -> Link:
        """Connect an output to an input, replacing what the input had."""
        self.check_link(src, src_port, dst, dst_port)
        old = self.input_link(dst, dst_port)
        if old is not None:
            if old == (src, src_port, dst, dst_port):
                return old
            self._remove_link(old)
        link = Link(src, src_port, dst, dst_port)
        self.links.append(link)
        self._emit("link_added", link=link)
        return link

    def disconnect(self, dst: str, dst_port: str) -> Link | None:
        link = self.input_link(dst, dst_port)
        if link is not None:
            self._remove_link(link)
        return link

    def _remove_link(self, link: Link) -> None:
        self.links.remove(link)
        self._emit("link_removed", link=link)

    def input_link(self, dst: str, dst_port: str) -> Link | None:
        return next((l for l in self.links if l.dst == dst and l.dst_port == dst_port), None)

    def input_index(self) -> dict[tuple[str, str], Link]:
        """(node id, input port) -> its link, built once: for loops over every node, where
        ``input_link`` per port would make the loop quadratic in the graph's size."""
        return {(l.dst, l.dst_port): l for l in self.links}

    def outputs_of(self, node_id: str) -> list[Link]:
        return [l for l in self.links if l.src == node_id]

    # -- structure ------------------------------------------------------------------------
    def _succ(self) -> dict[str, list[str]]:
        succ: dict[str, list[str]] = {n: [] for n in self.nodes}
        for l in self.links:
            succ.setdefault(l.src, []).append(l.dst)
        return succ

    def downstream(self, node_id: str) -> set[str]:
        succ, seen, stack = self._succ(), set(), [node_id]
        while stack:
            for m in succ.get(stack.pop(), []):
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        return seen

    def upstream(self, node_id: str) -> set[str]:
        pred: dict[str, list[str]] = {}
        for l in self.links:
            pred.setdefault(l.dst, []).append(l.src)
        seen, stack = set(), [node_id]
        while stack:
            for m in pred.get(stack.pop(), []):
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        return seen

    def _path(self, a: str, b: str) -> list[str] | None:
        """A path a -> ... -> b along links, if any."""
        succ, prev, stack = self._succ(), {a: None}, [a]
        while stack:
            n = stack.pop()
            if n == b:
                path = []
                while n is not None:
                    path.append(n)
                    n = prev[n]
                return path[::-1]
            for m in succ.get(n, []):
                if m not in prev:
                    prev[m] = n
                    stack.append(m)
        return None

    def topo_order(self, ids: Iterable[str] | None = None,
                   priority: dict[str, int] | None = None) -> list[str]:
        """Nodes in dependency order. Among the nodes ready to run, lower ``priority`` first,
        then insertion order (stable). Raises CycleError."""
        keep = set(self.nodes if ids is None else ids)
        indeg = {n: 0 for n in self.nodes if n in keep}
        succ: dict[str, list[str]] = {n: [] for n in indeg}
        for l in self.links:
            if l.src in indeg and l.dst in indeg:
                succ[l.src].append(l.dst)
                indeg[l.dst] += 1
        order_index = {n: i for i, n in enumerate(self.nodes)}
        prio = priority or {}

        def key(n: str) -> tuple[int, int, str]:
            return (prio.get(n, 1), order_index[n], n)

        ready = [key(n) for n, d in indeg.items() if d == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            n = heapq.heappop(ready)[2]
            out.append(n)
            for m in succ[n]:
                indeg[m] -= 1
                if indeg[m] == 0:
                    heapq.heappush(ready, key(m))
        if len(out) != len(indeg):
            rest = [n for n in indeg if n not in out]
            raise CycleError(self._find_cycle(rest) or rest)
        return out

    def _find_cycle(self, among: list[str]) -> list[str] | None:
        """One cycle among the nodes a topological sort could not order. Each of them has a
        predecessor among them, so walking predecessors must revisit a node: linear time."""
        rest = set(among)
        pred: dict[str, str] = {}
        for l in self.links:
            if l.src in rest and l.dst in rest and l.dst not in pred:
                pred[l.dst] = l.src
        if not among or among[0] not in pred:
            return None
        seen: dict[str, int] = {}
        walk: list[str] = []
        n = among[0]
        while n not in seen:
            seen[n] = len(walk)
            walk.append(n)
            n = pred.get(n)
            if n is None:
                return None
        return walk[seen[n]:][::-1]

    def validate(self) -> list[StudioError]:
        """Every problem in the graph, each as its own exception naming node and port."""
        errors: list[StudioError] = []
        try:
            self.topo_order()
        except CycleError as e:
            errors.append(e)
        linked = self.input_index()
        for inst in self.nodes.values():
            if inst.spec is None:
                errors.append(UnknownNodeTypeError(inst.type_id, inst.id))
                continue
            if inst.mode == "mute":
                continue
            for p in inst.spec.inputs:
                if not p.optional and (inst.id, p.name) not in linked:
                    errors.append(MissingInputError(inst.id, p.name, inst.label))
            for name, value in inst.params.items():
                prm = inst.spec.param(name)
                if prm is None:
                    errors.append(UnknownParamError(name, "no such parameter", node_id=inst.id))
                    continue
                try:
                    prm.coerce(value)
                except ParamError as e:
                    errors.append(e.for_node(inst.id))
        for l in self.links:
            try:
                o = self._out_port(l.src, l.src_port)
                i = self._in_port(l.dst, l.dst_port)
                if o is not None and i is not None and not can_connect(o.type, i.type):
                    errors.append(TypeMismatchError(l.src, l.src_port, o.type, l.dst, l.dst_port, i.type))
            except StudioError as e:
                errors.append(e)
        return errors

    def warnings(self) -> list[str]:
        """What loads and runs but is worth telling: nodes its file held in an older version (what
        their upgrade changed), parameters this Studio does not know (a graph from a newer Studio;
        kept and saved back unchanged)."""
        out = list(self.upgraded)
        for inst in self.nodes.values():
            extra = inst.raw.get("unknown_params") if inst.spec is not None else None
            if extra:
                out.append(f"node '{inst.label}' ({inst.id}): unknown parameter"
                           f"{'s' if len(extra) > 1 else ''} {', '.join(shorten(k, 40) for k in extra)} "
                           "(from a newer Studio?): kept and saved back unchanged, not used")
            if inst.subgraph is not None:
                out += [f"in group '{inst.label}': {w}" for w in inst.subgraph.warnings()]
        return out

    def check(self) -> None:
        errs = self.validate()
        if errs:
            raise errs[0]

    # -- copies -----------------------------------------------------------------------------
    def copy(self) -> "Graph":
        """A snapshot that shares no mutable state with this graph (listeners are not copied)."""
        g = Graph(self.registry)
        g.settings = copy.deepcopy(self.settings)
        g.ui = copy.deepcopy(self.ui)
        g._counter = self._counter
        g.base_dir = self.base_dir
        g.extra = copy.deepcopy(self.extra)
        g.link_extra = copy.deepcopy(self.link_extra)
        for n in self.nodes.values():
            g.nodes[n.id] = NodeInstance(n.id, n.type_id, copy.deepcopy(n.params), n.spec, n.mode,
                                         n.title, n.device, n.error,
                                         n.subgraph.copy() if n.subgraph is not None else None,
                                         copy.deepcopy(n.raw))
        g.links = list(self.links)
        return g

    def clear(self) -> None:
        self.nodes.clear()
        self.links.clear()
        self.ui = {"positions": {}}
        self.settings = {"seed": 0, "device": "auto"}
        self._counter = 0
        self._emit("reset")
