"""The document's undo commands: each edit of the graph model as a QUndoCommand (thin: the model
does the work; undo restores what was there)."""
from __future__ import annotations

import copy
import time
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from studio.core.errors import StudioError
from studio.core.graph import Graph, Link, NodeInstance
from studio.core.library import group_nodes, read_subgraph, ungroup, ungroup_ids


class DocumentApi(Protocol):
    """What a command uses of the document (studio.ui.document.document.Document): the graph and
    the direct setters the commands call on do and undo (no undo step of their own)."""
    graph: Graph

    def position(self, node_id: str) -> list[float] | None: ...
    def set_positions(self, positions: dict[str, list[float] | None]) -> None: ...
    def set_annotations_now(self, kind: str, items: list[dict]) -> None: ...
    def set_setting(self, name: str, value: Any) -> None: ...


MERGE_SECONDS = 1.0  # consecutive edits of one parameter within this merge into one undo step


# commands
class AddNodeCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, type_id: str, params: dict, pos):
        spec = doc.graph.registry.get(type_id)
        super().__init__(f"add {spec.title}")
        self.doc, self.type_id, self.params = doc, spec.id, spec.coerce_params(params)
        self.pos = [float(pos[0]), float(pos[1])] if pos is not None else None
        self.node_id = doc.graph.new_id()

    def redo(self):
        self.doc.graph.add_node(self.type_id, self.params, node_id=self.node_id, pos=self.pos)

    def undo(self):
        self.doc.graph.remove_node(self.node_id)


def _restore_all(doc: DocumentApi, saved, links) -> None:
    """Put removed nodes back (ids, params, positions) and then their links."""
    for inst, pos in saved:
        _restore(doc, inst, pos)
    for l in links:
        doc.graph.connect(*l)


def _restore(doc: DocumentApi, inst: NodeInstance, pos) -> None:
    g = doc.graph
    if inst.subgraph is not None:
        new = g.add_group(inst.subgraph, inst.raw.get("io", {}), node_id=inst.id, title=inst.title or "Group",
                          mode=inst.mode)
        new.params = copy.deepcopy(inst.params)
    else:
        new = g.add_node(inst.type_id, inst.params, node_id=inst.id, title=inst.title, mode=inst.mode,
                         pos=None, placeholder_ok=True)
        new.raw = copy.deepcopy(inst.raw)
        new.error = inst.error
    new.device = inst.device
    if pos is not None:
        doc.set_positions({inst.id: pos})


class RemoveNodesCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, ids: list[str]):
        super().__init__(f"delete {len(ids)} node{'s' if len(ids) != 1 else ''}")
        self.doc, self.ids = doc, list(ids)
        self.saved: list[tuple[NodeInstance, Any]] = []
        self.links: list[Link] = []

    def redo(self):
        g = self.doc.graph
        s = set(self.ids)
        self.links = [l for l in g.links if l.src in s or l.dst in s]
        self.saved = [(copy.copy(g.nodes[i]), copy.deepcopy(self.doc.position(i))) for i in self.ids]
        for i in self.ids:
            g.remove_node(i)

    def undo(self):
        _restore_all(self.doc, self.saved, self.links)


class ConnectCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, link: Link):
        super().__init__(f"connect {link}")
        self.doc, self.link = doc, link
        self.old: Link | None = None

    def redo(self):
        self.old = self.doc.graph.input_link(self.link.dst, self.link.dst_port)
        self.doc.graph.connect(*self.link)

    def undo(self):
        self.doc.graph.disconnect(self.link.dst, self.link.dst_port)
        if self.old is not None:
            self.doc.graph.connect(*self.old)


class DisconnectCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, dst: str, dst_port: str):
        super().__init__(f"disconnect {dst}.{dst_port}")
        self.doc, self.dst, self.dst_port = doc, dst, dst_port
        self.old: Link | None = None

    def redo(self):
        self.old = self.doc.graph.disconnect(self.dst, self.dst_port)

    def undo(self):
        if self.old is not None:
            self.doc.graph.connect(*self.old)


class SetParamCmd(QUndoCommand):
    ID = 1001

    def __init__(self, doc: DocumentApi, node_id: str, name: str, new: Any, old: Any):
        super().__init__(f"set {name}")
        self.doc, self.node_id, self.name, self.new, self.old = doc, node_id, name, new, old
        self.t = time.monotonic()

    def id(self):
        return self.ID

    def mergeWith(self, other):  # noqa: N802 - Qt's name
        if (not isinstance(other, SetParamCmd) or (other.node_id, other.name) != (self.node_id, self.name)
                or other.t - self.t > MERGE_SECONDS):
            return False
        self.new, self.t = other.new, other.t
        return True

    def redo(self):
        self.doc.graph.set_param(self.node_id, self.name, self.new)

    def undo(self):
        self.doc.graph.set_param(self.node_id, self.name, self.old)


class SetModeCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, ids: list[str], mode: str):
        super().__init__(f"{mode} {len(ids)} node(s)")
        self.doc, self.mode = doc, mode
        self.old = {i: doc.graph.nodes[i].mode for i in ids}

    def redo(self):
        for i in self.old:
            self.doc.graph.set_mode(i, self.mode)

    def undo(self):
        for i, m in self.old.items():
            self.doc.graph.set_mode(i, m)


class SetTitleCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, node_id: str, title: str | None):
        super().__init__("rename node")
        self.doc, self.node_id, self.new = doc, node_id, title
        self.old = doc.graph.node(node_id).title

    def redo(self):
        self.doc.graph.set_title(self.node_id, self.new)

    def undo(self):
        self.doc.graph.set_title(self.node_id, self.old)


class MoveCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, moves: dict):
        super().__init__(f"move {len(moves)} node(s)")
        self.doc, self.moves = doc, moves

    def redo(self):
        self.doc.set_positions({k: v[1] for k, v in self.moves.items()})

    def undo(self):
        self.doc.set_positions({k: v[0] for k, v in self.moves.items()})


class AnnotationsCmd(QUndoCommand):
    """Backdrops or notes before and after (a handful of small dicts: whole lists are simplest)."""

    def __init__(self, doc: DocumentApi, kind: str, old: list[dict], new: list[dict], text: str):
        super().__init__(text)
        self.doc, self.kind, self.old, self.new = doc, kind, old, new

    def redo(self):
        self.doc.set_annotations_now(self.kind, self.new)

    def undo(self):
        self.doc.set_annotations_now(self.kind, self.old)


class SettingCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, name: str, new: Any, old: Any):
        super().__init__(f"set graph {name}")
        self.doc, self.name, self.new, self.old = doc, name, new, old

    def redo(self):
        self.doc.set_setting(self.name, self.new)

    def undo(self):
        self.doc.set_setting(self.name, self.old)


class SetParamsCmd(QUndoCommand):
    """Several parameters of one node at once (a preset)."""

    def __init__(self, doc: DocumentApi, node_id: str, new: dict, old: dict, text: str):
        super().__init__(text)
        self.doc, self.node_id, self.new, self.old = doc, node_id, new, old

    def redo(self):
        for k, v in self.new.items():
            self.doc.graph.set_param(self.node_id, k, v)

    def undo(self):
        for k, v in self.old.items():
            self.doc.graph.set_param(self.node_id, k, v)


class GroupCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, ids: list[str], title: str, expose: list[tuple[str, str]]):
        super().__init__(f"group {len(ids)} node(s)")
        self.doc, self.ids, self.title, self.expose = doc, list(ids), title, list(expose)
        self.group_id = doc.graph.new_id()
        self.saved: list[tuple[NodeInstance, Any]] = []
        self.links: list[Link] = []

    def redo(self):
        g = self.doc.graph
        s = set(self.ids)
        self.links = [l for l in g.links if l.src in s or l.dst in s]
        self.saved = [(copy.copy(g.nodes[i]), copy.deepcopy(self.doc.position(i))) for i in self.ids]
        grp = group_nodes(g, self.ids, self.title, self.expose, node_id=self.group_id)
        self.doc.set_positions({grp.id: self.doc.position(grp.id)})

    def undo(self):
        self.doc.graph.remove_node(self.group_id)
        _restore_all(self.doc, self.saved, self.links)


class UngroupCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, group_id: str):
        super().__init__(f"ungroup {doc.graph.node(group_id).label}")
        self.doc, self.group_id = doc, group_id
        self.ids = ungroup_ids(doc.graph, group_id)
        self.saved: tuple[NodeInstance, Any] | None = None
        self.links: list[Link] = []

    def redo(self):
        g = self.doc.graph
        self.links = [l for l in g.links if self.group_id in (l.src, l.dst)]
        self.saved = (copy.copy(g.nodes[self.group_id]), copy.deepcopy(self.doc.position(self.group_id)))
        ungroup(g, self.group_id, self.ids)
        self.doc.set_positions({i: self.doc.position(i) for i in self.ids.values()})

    def undo(self):
        g = self.doc.graph
        for i in self.ids.values():
            g.remove_node(i)
        _restore(self.doc, *self.saved)
        for l in self.links:
            g.connect(*l)


class PlaceSubgraphCmd(QUndoCommand):
    """A library sub-graph as a group node; the file is read once, so redo does not depend on it."""

    def __init__(self, doc: DocumentApi, path: str, pos):
        self.name, self.inner, self.io, self.params, _ = read_subgraph(path, doc.graph.registry)
        super().__init__(f"add {self.name}")
        self.doc = doc
        self.pos = [float(pos[0]), float(pos[1])] if pos is not None else None
        self.node_id = doc.graph.new_id()

    def redo(self):
        g = self.doc.graph
        inst = g.add_group(self.inner.copy(), copy.deepcopy(self.io), node_id=self.node_id, title=self.name)
        for k, v in self.params.items():
            if inst.spec.param(k) is not None:
                g.set_param(inst.id, k, v)
        if self.pos is not None:
            self.doc.set_positions({self.node_id: self.pos})

    def undo(self):
        self.doc.graph.remove_node(self.node_id)


class SetSubgraphCmd(QUndoCommand):
    def __init__(self, doc: DocumentApi, group_id: str, inner: Graph, io: dict):
        super().__init__(f"edit group {doc.graph.node(group_id).label}")
        self.doc, self.group_id = doc, group_id
        self.new_inner, self.new_io = inner, copy.deepcopy(io)
        self.old: tuple[NodeInstance, Any] | None = None
        self.links: list[Link] = []

    def redo(self):
        g = self.doc.graph
        self.links = [l for l in g.links if self.group_id in (l.src, l.dst)]
        old = g.nodes[self.group_id]
        self.old = (copy.copy(old), copy.deepcopy(self.doc.position(self.group_id)))
        g.remove_node(self.group_id)
        new = g.add_group(self.new_inner.copy(), copy.deepcopy(self.new_io), node_id=self.group_id,
                          title=old.title or "Group", mode=old.mode)
        new.device = old.device
        for e in self.new_io.get("params", []):
            new.params[e["name"]] = self.new_inner.nodes[e["node"]].params.get(e["param"], new.params[e["name"]])
        if self.old[1] is not None:
            self.doc.set_positions({self.group_id: self.old[1]})
        for l in self.links:
            try:
                g.connect(*l)
            except StudioError:  # a port that is no longer exposed
                pass

    def undo(self):
        g = self.doc.graph
        g.remove_node(self.group_id)
        _restore(self.doc, *self.old)
        for l in self.links:
            g.connect(*l)


class TimelineCmd(QUndoCommand):
    """The timeline's in/out points (``graph.ui["timeline"]``)."""

    def __init__(self, doc: DocumentApi, old: tuple, new: tuple):
        super().__init__("set in/out points" if any(v is not None for v in new) else "clear in/out points")
        self.doc, self.old, self.new = doc, old, new

    def redo(self):
        self.doc.graph.set_timeline(*self.new)

    def undo(self):
        self.doc.graph.set_timeline(*self.old)
