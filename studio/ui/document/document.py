"""The open graph, its undo history and its file: the one place the window edits the model.

Every edit (from the canvas, the properties panel, menus or the toolbar) is a QUndoCommand on
``Document.undo_stack`` that changes ``Document.graph`` (the headless model, the source of truth).
The canvas and the panels follow the model through ``Document.changed`` (graph events re-emitted
as a Qt signal) and never change it behind the history's back.
"""
from __future__ import annotations

import copy
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core.errors import ParamError, StudioError
from studio.core.graph import Graph, Link, NodeInstance, check_title
from studio.core.library import group_nodes, list_presets, read_subgraph, save_preset, ungroup, ungroup_ids

MERGE_SECONDS = 1.0  # consecutive edits of one parameter within this merge into one undo step


class Document(QObject):
    changed = Signal(str, dict)          # graph events: node_added, node_removed, link_added, ...
    positions_changed = Signal(dict)     # {node id: [x, y]}
    settings_changed = Signal(dict)
    replaced = Signal()                  # a new graph was loaded: rebuild every view
    annotations_changed = Signal(str)    # "backdrops" or "notes": graph.ui[kind] changed
    path_changed = Signal(str)

    def __init__(self, graph: Graph | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.graph: Graph = graph if graph is not None else Graph()
        self.path: str | None = None
        self._unsub = self.graph.subscribe(self._forward)

    # -- model ------------------------------------------------------------------------------
    def _forward(self, event: str, payload: dict) -> None:
        self.changed.emit(event, payload)

    def set_graph(self, graph: Graph, path: str | None = None) -> None:
        """Replace the graph (New, Open, recovery): clears the history and marks it clean."""
        self._unsub()
        self.graph = graph
        self._unsub = graph.subscribe(self._forward)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.replaced.emit()
        self.path_changed.emit(path or "")

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def position(self, node_id: str) -> list[float] | None:
        return self.graph.ui.get("positions", {}).get(node_id)

    def set_positions(self, positions: dict[str, list[float] | None]) -> None:
        ps = self.graph.ui.setdefault("positions", {})
        for nid, p in positions.items():
            if p is None:
                ps.pop(nid, None)
            elif nid in self.graph.nodes:
                ps[nid] = [float(p[0]), float(p[1])]
        self.positions_changed.emit({k: v for k, v in positions.items() if v is not None})

    # -- backdrops and canvas notes (graph.ui["backdrops"] / graph.ui["notes"]) -----------------
    def annotations(self, kind: str) -> list[dict]:
        """A copy of the backdrops (``{"title", "pos", "size"}``) or notes (``{"text", "pos"}``,
        ``"size"`` once resized) of the graph; their index is their identity in the commands."""
        _check_kind(kind)
        items = self.graph.ui.get(kind) or []
        return [copy.deepcopy(b) for b in items if isinstance(b, dict)] if isinstance(items, list) else []

    def set_annotations_now(self, kind: str, items: list[dict]) -> None:
        """Replace the list without the history (the commands call this)."""
        _check_kind(kind)
        if items:
            self.graph.ui[kind] = copy.deepcopy(items)
        else:
            self.graph.ui.pop(kind, None)
        self.annotations_changed.emit(kind)

    def set_annotations(self, kind: str, items: list[dict], text: str) -> bool:
        """Replace the backdrops or notes as one undo step; False when nothing changed."""
        old = self.annotations(kind)
        if old == items:
            return False
        self.push(AnnotationsCmd(self, kind, old, copy.deepcopy(items), text))
        return True

    def add_annotation(self, kind: str, item: dict) -> int:
        items = self.annotations(kind)
        items.append(_clean_annotation(kind, item))
        self.set_annotations(kind, items, f"add {kind[:-1]}")
        return len(items) - 1

    def update_annotation(self, kind: str, index: int, undo_text: str | None = None, **changes) -> bool:
        """Change keys of one backdrop or note (pos, size, title, text) as one undo step."""
        items = self.annotations(kind)
        if not 0 <= index < len(items):
            raise StudioError(f"no {kind[:-1]} #{index}")
        new = _clean_annotation(kind, {**items[index], **changes})
        if new == items[index]:
            return False
        items[index] = new
        what = "resize" if "size" in changes else "move" if set(changes) == {"pos"} else "edit"
        return self.set_annotations(kind, items, undo_text or f"{what} {kind[:-1]}")

    def remove_annotations(self, kind: str, indices) -> bool:
        items = self.annotations(kind)
        drop = {i for i in indices if 0 <= i < len(items)}
        if not drop:
            return False
        return self.set_annotations(kind, [b for i, b in enumerate(items) if i not in drop],
                                    f"delete {len(drop)} {kind if len(drop) > 1 else kind[:-1]}")

    def set_setting(self, name: str, value: Any) -> None:
        self.graph.settings[name] = value
        self.settings_changed.emit(dict(self.graph.settings))

    # -- edits (each one undoable) -----------------------------------------------------------
    def push(self, cmd: QUndoCommand) -> None:
        self.undo_stack.push(cmd)

    def add_node(self, type_id: str, pos=None, params: dict | None = None) -> str:
        cmd = AddNodeCmd(self, type_id, params or {}, pos)
        self.push(cmd)
        return cmd.node_id

    def remove_nodes(self, ids) -> None:
        ids = [i for i in ids if i in self.graph.nodes]
        if ids:
            self.push(RemoveNodesCmd(self, ids))

    def connect(self, src: str, src_port: str, dst: str, dst_port: str) -> None:
        """Raises the model's error (type mismatch, cycle) without touching the history."""
        self.graph.check_link(src, src_port, dst, dst_port)
        if self.graph.input_link(dst, dst_port) == Link(src, src_port, dst, dst_port):
            return
        self.push(ConnectCmd(self, Link(src, src_port, dst, dst_port)))

    def disconnect(self, dst: str, dst_port: str) -> None:
        if self.graph.input_link(dst, dst_port) is not None:
            self.push(DisconnectCmd(self, dst, dst_port))

    def set_param(self, node_id: str, name: str, value: Any) -> None:
        inst = self.graph.node(node_id)
        p = inst.spec.param(name) if inst.spec else None
        if p is None:
            self.graph.set_param(node_id, name, value)  # raises the model's error
            return
        v = p.coerce(value)
        if inst.params.get(name) != v:
            self.push(SetParamCmd(self, node_id, name, v, inst.params.get(name)))

    def set_mode(self, ids, mode: str) -> None:
        ids = [i for i in ids if i in self.graph.nodes and self.graph.nodes[i].mode != mode]
        if ids:
            self.push(SetModeCmd(self, ids, mode))

    def set_title(self, node_id: str, title: str | None) -> None:
        """Raises the model's StudioError (too long, a lone surrogate...) before anything changes."""
        if (self.graph.node(node_id).title or None) != (title or None):
            check_title(title or None, node_id)
            self.push(SetTitleCmd(self, node_id, title or None))

    def move(self, moves: dict[str, tuple[list[float] | None, list[float]]]) -> None:
        """moves: {node id: (old pos, new pos)}; the view has already moved."""
        moves = {k: v for k, v in moves.items() if k in self.graph.nodes and v[0] != v[1]}
        if moves:
            self.push(MoveCmd(self, moves))

    def insert_on_link(self, node_id: str, link: Link, in_port: str, out_port: str,
                       moves: dict | None = None) -> None:
        """Put ``node_id`` in the middle of ``link`` (src -> node.in_port, node.out_port -> dst),
        with its move, as one undo step. Raises the model's error before anything changes."""
        trial = self.graph.copy()
        trial.connect(link.src, link.src_port, node_id, in_port)
        trial.connect(node_id, out_port, link.dst, link.dst_port)
        self.undo_stack.beginMacro(f"insert {self.graph.node(node_id).label}")
        try:
            if moves:
                self.move(moves)
            self.connect(link.src, link.src_port, node_id, in_port)
            self.connect(node_id, out_port, link.dst, link.dst_port)  # replaces the old link
        finally:
            self.undo_stack.endMacro()

    def change_setting(self, name: str, value: Any) -> None:
        if self.graph.settings.get(name) != value:
            self.push(SettingCmd(self, name, value, self.graph.settings.get(name)))

    def paste(self, data: dict, offset=(40.0, 40.0)) -> list[str]:
        """Add the nodes and inner links of a clipboard snapshot (see :meth:`snapshot`)."""
        self.undo_stack.beginMacro("paste")
        idmap: dict[str, str] = {}
        try:
            for nd in data.get("nodes", []):
                pos = nd.get("pos")
                if pos is not None:
                    pos = [pos[0] + offset[0], pos[1] + offset[1]]
                try:
                    idmap[nd["id"]] = self.add_node(nd["type"], pos, nd.get("params", {}))
                except Exception:  # noqa: BLE001 - an unknown type in the clipboard is skipped
                    continue
                if nd.get("mode", "normal") != "normal":
                    self.set_mode([idmap[nd["id"]]], nd["mode"])
                if nd.get("title"):
                    self.set_title(idmap[nd["id"]], nd["title"])
            for l in data.get("links", []):
                if l[0] in idmap and l[2] in idmap:
                    try:
                        self.connect(idmap[l[0]], l[1], idmap[l[2]], l[3])
                    except Exception:  # noqa: BLE001
                        pass
        finally:
            self.undo_stack.endMacro()
        return list(idmap.values())

    def apply_preset(self, node_id: str, name: str) -> None:
        """Apply a saved preset to a node as one undo step. Raises StudioError with the message
        to show (no such preset, or a value the node refuses)."""
        inst = self.graph.node(node_id)
        values = list_presets(inst.type_id).get(name)
        if values is None:
            raise StudioError(f"no preset '{name}' for {inst.label}", node_id=node_id)
        try:
            self.set_params(node_id, values, f"apply preset {name}")
        except StudioError as e:
            raise StudioError(f"preset '{name}': {e}", node_id=node_id) from e

    def save_preset(self, node_id: str, name: str) -> None:
        """Save a node's parameters as a preset. Raises StudioError with the message to show."""
        try:
            save_preset(self.graph.node(node_id), name)
        except (StudioError, OSError, ValueError) as e:
            raise StudioError(f"cannot save preset '{name}': {e}", node_id=node_id) from e

    def set_params(self, node_id: str, values: dict[str, Any], text: str = "apply preset") -> dict[str, Any]:
        """Set several parameters as one undo step (presets). Unknown names are ignored; a bad
        value raises the model's error before anything changes. Returns what changed."""
        inst = self.graph.node(node_id)
        if inst.spec is None:
            raise StudioError(f"'{inst.label}' has an unknown type; its parameters cannot be edited",
                              node_id=node_id)
        new, old = {}, {}
        for k, v in values.items():
            p = inst.spec.param(k)
            if p is None:
                continue
            try:
                c = p.coerce(v)
            except ParamError as e:
                raise e.for_node(node_id) from None
            if inst.params.get(k) != c:
                new[k], old[k] = c, inst.params.get(k)
        if new:
            self.push(SetParamsCmd(self, node_id, new, old, text))
        return new

    def group(self, ids, title: str = "Group", expose: list[tuple[str, str]] | None = None) -> str | None:
        """Make the nodes ``ids`` one group node (one undo step); returns its id."""
        ids = [i for i in self.graph.nodes if i in set(ids)]
        if not ids:
            return None
        bad = [self.graph.nodes[i].label for i in ids if self.graph.nodes[i].spec is None]
        if bad:
            raise StudioError(f"cannot group '{bad[0]}': its node type is unknown")
        cmd = GroupCmd(self, ids, title, expose or [])
        self.push(cmd)
        return cmd.group_id

    def ungroup(self, group_id: str) -> list[str]:
        """Put a group's nodes back in its place (one undo step); returns their ids."""
        inst = self.graph.node(group_id)
        if inst.subgraph is None:
            raise StudioError(f"'{inst.label}' is not a group", node_id=group_id)
        cmd = UngroupCmd(self, group_id)
        self.push(cmd)
        return list(cmd.ids.values())

    def place_subgraph(self, path: str, pos=None) -> str:
        """Add a sub-graph saved in the library as a group node (undoable); returns its id."""
        cmd = PlaceSubgraphCmd(self, path, pos)
        self.push(cmd)
        return cmd.node_id

    def set_subgraph(self, group_id: str, inner: Graph) -> list[str]:
        """Replace what a group contains (after editing inside it) as one undo step. Exposed
        ports and parameters whose inner node is gone are dropped (returned, for the log), and
        so are the outer links to them; exposed parameters take the values edited inside."""
        from studio.ui.dialogs.groups import prune_io
        grp = self.graph.node(group_id)
        io, dropped = prune_io(inner, grp.raw.get("io", {}))
        self.push(SetSubgraphCmd(self, group_id, inner, io))
        return dropped

    def snapshot(self, ids) -> dict:
        """The selected nodes and the links between them, as plain data (copy/paste)."""
        ids = [i for i in ids if i in self.graph.nodes and self.graph.nodes[i].spec is not None
               and self.graph.nodes[i].subgraph is None]
        s = set(ids)
        nodes = []
        for i in ids:
            n = self.graph.nodes[i]
            nodes.append({"id": i, "type": n.type_id, "params": copy.deepcopy(n.params), "mode": n.mode,
                          "title": n.title, "pos": self.position(i)})
        links = [list(l) for l in self.graph.links if l.src in s and l.dst in s]
        return {"nodes": nodes, "links": links}


ANNOTATION_KINDS = ("backdrops", "notes")


def _check_kind(kind: str) -> None:
    if kind not in ANNOTATION_KINDS:
        raise ValueError(f"unknown annotation kind '{kind}' (expected one of {ANNOTATION_KINDS})")


def _clean_annotation(kind: str, item: dict) -> dict:
    """Plain JSON numbers and strings; unknown keys (a colour, say) are kept as they are."""
    out = dict(item)
    if "pos" in out:
        out["pos"] = [float(out["pos"][0]), float(out["pos"][1])]
    if "size" in out:
        out["size"] = [float(out["size"][0]), float(out["size"][1])]
    key = "title" if kind == "backdrops" else "text"
    out[key] = str(out.get(key) or "")
    return out


# ------------------------------------------------------------------------------------------
# commands
class AddNodeCmd(QUndoCommand):
    def __init__(self, doc: Document, type_id: str, params: dict, pos):
        spec = doc.graph.registry.get(type_id)
        super().__init__(f"add {spec.title}")
        self.doc, self.type_id, self.params = doc, spec.id, spec.coerce_params(params)
        self.pos = [float(pos[0]), float(pos[1])] if pos is not None else None
        self.node_id = doc.graph.new_id()

    def redo(self):
        self.doc.graph.add_node(self.type_id, self.params, node_id=self.node_id, pos=self.pos)

    def undo(self):
        self.doc.graph.remove_node(self.node_id)


def _restore_all(doc: Document, saved, links) -> None:
    """Put removed nodes back (ids, params, positions) and then their links."""
    for inst, pos in saved:
        _restore(doc, inst, pos)
    for l in links:
        doc.graph.connect(*l)


def _restore(doc: Document, inst: NodeInstance, pos) -> None:
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
    def __init__(self, doc: Document, ids: list[str]):
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
    def __init__(self, doc: Document, link: Link):
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
    def __init__(self, doc: Document, dst: str, dst_port: str):
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

    def __init__(self, doc: Document, node_id: str, name: str, new: Any, old: Any):
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
    def __init__(self, doc: Document, ids: list[str], mode: str):
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
    def __init__(self, doc: Document, node_id: str, title: str | None):
        super().__init__("rename node")
        self.doc, self.node_id, self.new = doc, node_id, title
        self.old = doc.graph.node(node_id).title

    def redo(self):
        self.doc.graph.set_title(self.node_id, self.new)

    def undo(self):
        self.doc.graph.set_title(self.node_id, self.old)


class MoveCmd(QUndoCommand):
    def __init__(self, doc: Document, moves: dict):
        super().__init__(f"move {len(moves)} node(s)")
        self.doc, self.moves = doc, moves

    def redo(self):
        self.doc.set_positions({k: v[1] for k, v in self.moves.items()})

    def undo(self):
        self.doc.set_positions({k: v[0] for k, v in self.moves.items()})


class AnnotationsCmd(QUndoCommand):
    """Backdrops or notes before and after (a handful of small dicts: whole lists are simplest)."""

    def __init__(self, doc: Document, kind: str, old: list[dict], new: list[dict], text: str):
        super().__init__(text)
        self.doc, self.kind, self.old, self.new = doc, kind, old, new

    def redo(self):
        self.doc.set_annotations_now(self.kind, self.new)

    def undo(self):
        self.doc.set_annotations_now(self.kind, self.old)


class SettingCmd(QUndoCommand):
    def __init__(self, doc: Document, name: str, new: Any, old: Any):
        super().__init__(f"set graph {name}")
        self.doc, self.name, self.new, self.old = doc, name, new, old

    def redo(self):
        self.doc.set_setting(self.name, self.new)

    def undo(self):
        self.doc.set_setting(self.name, self.old)


class SetParamsCmd(QUndoCommand):
    """Several parameters of one node at once (a preset)."""

    def __init__(self, doc: Document, node_id: str, new: dict, old: dict, text: str):
        super().__init__(text)
        self.doc, self.node_id, self.new, self.old = doc, node_id, new, old

    def redo(self):
        for k, v in self.new.items():
            self.doc.graph.set_param(self.node_id, k, v)

    def undo(self):
        for k, v in self.old.items():
            self.doc.graph.set_param(self.node_id, k, v)


class GroupCmd(QUndoCommand):
    def __init__(self, doc: Document, ids: list[str], title: str, expose: list[tuple[str, str]]):
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
    def __init__(self, doc: Document, group_id: str):
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

    def __init__(self, doc: Document, path: str, pos):
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
    def __init__(self, doc: Document, group_id: str, inner: Graph, io: dict):
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
