"""The open graph, its undo history and its file: the one place the window edits the model.

Every edit (from the canvas, the properties panel, menus, the toolbar or the timeline's in/out
points) is a QUndoCommand on ``Document.undo_stack`` that changes ``Document.graph`` (the headless
model, the source of truth), so it can be undone and marks the file modified. The views follow the
model through ``Document.events``: one Qt signal per kind of change carrying the graph's typed event
(studio.core.model_events), the same signals whichever graph is open; they never change the model
behind the history's back.
"""
from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core.errors import ParamError, StudioError
from studio.core.graph import Graph, Link, check_title
from studio.core.groups import prune_io
from studio.core.library import list_presets, save_preset
from studio.core.model_events import KINDS
from studio.ui.document.commands import (AddNodeCmd, AnnotationsCmd, ConnectCmd, DisconnectCmd, GroupCmd, MoveCmd,
                                         PlaceSubgraphCmd, RemoveNodesCmd, SetModeCmd, SetParamCmd, SetParamsCmd,
                                         SetSubgraphCmd, SettingCmd, SetTitleCmd, TimelineCmd, UngroupCmd)


class DocumentEvents(QObject):
    """The open graph's changes, one signal per kind (each carries the typed event)."""
    node_added = Signal(object)
    node_removed = Signal(object)
    link_added = Signal(object)
    link_removed = Signal(object)
    param_changed = Signal(object)
    mode_changed = Signal(object)
    title_changed = Signal(object)
    positions_changed = Signal(object)
    annotations_changed = Signal(object)
    settings_changed = Signal(object)
    timeline_changed = Signal(object)
    reset = Signal(object)

    def follow(self, graph: Graph):
        """Forward ``graph``'s events; returns what stops it."""
        stops = [graph.events.emitter(kind).connect(getattr(self, kind).emit) for kind in KINDS]
        return lambda: [stop() for stop in stops]


class Document(QObject):
    replaced = Signal()                  # a new graph was loaded: rebuild every view
    path_changed = Signal(str)

    def __init__(self, graph: Graph | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.events = DocumentEvents(self)
        self.graph: Graph = graph if graph is not None else Graph()
        self.path: str | None = None
        self.in_turns = False  # set_graph's while its replaced signal is emitted
        self._unsub = self.events.follow(self.graph)

    # -- model ------------------------------------------------------------------------------
    def set_graph(self, graph: Graph, path: str | None = None, in_turns: bool = False) -> None:
        """Replace the graph (New, Open, recovery): clears the history and marks it clean. ``in_turns``: the views
        may draw it a few nodes per turn of the event loop (a converted workflow opened: the canvas's build_turns)."""
        self.in_turns = in_turns
        self._unsub()
        self.graph = graph
        self._unsub = self.events.follow(graph)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.replaced.emit()
        self.in_turns = False
        self.path_changed.emit(path or "")

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def position(self, node_id: str) -> list[float] | None:
        return self.graph.ui.get("positions", {}).get(node_id)

    def set_positions(self, positions: dict[str, list[float] | None]) -> None:
        """Without the history (the commands call this)."""
        self.graph.set_positions(positions)

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
        self.graph.set_annotations(kind, items)

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
        """Without the history (the commands call this)."""
        self.graph.set_setting(name, value)

    # -- the timeline's in/out points (graph.ui["timeline"]) -------------------------------------
    def in_out(self) -> tuple[int | None, int | None]:
        return self.graph.timeline()

    def set_in_out(self, in_point: int | None, out_point: int | None) -> bool:
        """The timeline's in and out points, saved with the graph, as one undo step (which marks
        the file modified); False when they are unchanged."""
        old = self.graph.timeline()
        if old == (in_point, out_point):
            return False
        self.push(TimelineCmd(self, old, (in_point, out_point)))
        return True

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
        old = inst.params.get(name)
        if old == v:
            return
        # a title that names the choice (Camera Path titled 'Zoom In' by its preset) follows it, in one undo step
        follows = p.kind == "choice" and bool(inst.title) and inst.title == old
        if follows:  # the title first: what the new value shows (the viewer's preview) is named by it
            self.undo_stack.beginMacro(f"{p.title}: {v}")
            self.push(SetTitleCmd(self, node_id, v))
        self.push(SetParamCmd(self, node_id, name, v, old))
        if follows:
            self.undo_stack.endMacro()

    def set_param_everywhere(self, name: str, value: Any, text: str) -> int:
        """``name`` set to ``value`` on every node of the graph that declares it (the toolbar's Draft /
        Final on every generator), as one undo step; returns how many nodes changed."""
        changes = []
        for node_id, inst in self.graph.nodes.items():
            p = inst.spec.param(name) if inst.spec else None
            if p is None:
                continue
            try:  # a node whose parameter of that name means something else (Track Keypoints' 'quality')
                v = p.coerce(value)
            except StudioError:
                continue
            if inst.params.get(name) != v:
                changes.append((node_id, v, inst.params.get(name)))
        if changes:
            self.undo_stack.beginMacro(text)
            for node_id, new, old in changes:
                self.push(SetParamCmd(self, node_id, name, new, old))
            self.undo_stack.endMacro()
        return len(changes)

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


