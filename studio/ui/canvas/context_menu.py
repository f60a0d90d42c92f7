"""The canvas's right-click menu."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from NodeGraphQt.qgraphics.pipe import LivePipeItem, PipeItem
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtWidgets import QMenu

from studio.core.errors import StudioError
from studio.core.graph import Link
from studio.core.library import list_presets

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


def _act(m: QMenu, text: str, slot, tip: str = "", enabled: bool = True, checked: bool | None = None):
    """An action on menu ``m`` that calls ``slot()``, with its tooltip, enabled state and check."""
    a = m.addAction(text)
    a.triggered.connect(lambda *_: slot())
    a.setEnabled(enabled)
    if tip:
        a.setToolTip(tip)
    if checked is not None:
        a.setCheckable(True)
        a.setChecked(checked)
    return a


class ContextMenu:
    """The right-click menu, built per click for what is under the cursor, and the renames and
    presets it offers."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas

    def item_at(self, scene_pt: QPointF) -> tuple[str | None, Any]:
        """What is under a scene point: ("node", id), ("link", Link), ("backdrops"|"notes", index)
        or (None, None) for empty canvas. Nodes and wires win over the backdrops under them."""
        r = 5.0 / max(1e-6, self.canvas.view.transform().m11())
        found_ann = None
        for it in self.canvas.view.scene().items(QRectF(scene_pt.x() - r, scene_pt.y() - r, 2 * r, 2 * r)):
            if isinstance(it, PipeItem):
                if isinstance(it, LivePipeItem) or it.input_port is None or it.output_port is None:
                    continue
                link = self.canvas.index.link_of(it.output_port, it.input_port)
                if link is not None and link in self.canvas.doc.graph.links:
                    return "link", link
                continue
            top = it
            while top.parentItem() is not None:
                top = top.parentItem()
            nid = getattr(top, "id", None)
            mid = self.canvas.index.model_of(nid)
            if mid is not None:
                return "node", mid
            if found_ann is None:
                found_ann = self.canvas.annotations.key_of(nid)
        if found_ann is not None:
            return found_ann
        return None, None

    def build(self, view_pos: QPoint) -> QMenu:
        """The right-click menu for what is under ``view_pos`` (viewport coordinates). Built
        fresh each time; the view shows it with ``popup`` (non-blocking), tests trigger its
        actions (``last_menu``)."""
        scene = self.canvas.view.mapToScene(view_pos)
        pos = (scene.x(), scene.y())
        what, key = self.item_at(scene)
        menu = QMenu(self.canvas.view)
        menu.setObjectName("CanvasContextMenu")
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        if what == "node":
            self._node_items(menu, key)
        elif what == "link":
            _act(menu, "Delete Link", lambda: self.canvas.doc.disconnect(key.dst, key.dst_port),
                 tip=f"{key.src}.{key.src_port} → {key.dst}.{key.dst_port}")
        elif what in ("backdrops", "notes"):
            self._annotation_items(menu, what, key)
        else:
            self._canvas_items(menu, view_pos, scene, pos)
        menu.triggered.connect(lambda *_: menu.close())
        self.canvas.last_menu = menu
        return menu

    def _node_items(self, menu: QMenu, key: str) -> None:
        """A node's items (for every selected node where it says so): run, modes, edit, group."""
        if key not in self.canvas.selected_ids():
            self.canvas.select([key])
        inst = self.canvas.doc.graph.nodes[key]
        ids = self.canvas.selected_ids()
        many = f" ({len(ids)} nodes)" if len(ids) > 1 else ""
        hooks = self.canvas.hooks
        if "run_to" in hooks:
            _act(menu, "Run to Here", lambda: hooks["run_to"](key),
                 tip="run this node and what it needs, then show its result")
        menu.addSeparator()
        all_mode = lambda m: all(self.canvas.doc.graph.nodes[i].mode == m for i in ids)  # noqa: E731
        _act(menu, "Mute" + many, lambda: self.canvas.toggle_mode("mute"),
             "M: the node and what needs it do not run",
             checked=all_mode("mute"))
        _act(menu, "Bypass" + many, lambda: self.canvas.toggle_mode("bypass"),
             "B: the node passes its input through",
             checked=all_mode("bypass"))
        menu.addSeparator()
        _act(menu, "Rename…", lambda: self.rename_node(key), enabled=len(ids) == 1)
        _act(menu, "Duplicate" + many, self.canvas.clipboard.duplicate)
        _act(menu, "Copy" + many, self.canvas.clipboard.copy)
        _act(menu, "Delete" + many, self.canvas.delete_selected)
        menu.addSeparator()
        if "group" in hooks:
            _act(menu, "Group Selection…", hooks["group"], "make the selected nodes one group node")
        if inst.subgraph is not None:
            if "edit_group" in hooks:
                _act(menu, "Edit Group…", lambda: hooks["edit_group"](key), "edit inside the group")
            if "ungroup" in hooks:
                _act(menu, "Ungroup", hooks["ungroup"], "put the group's nodes back in its place")
            if "save_group" in hooks:
                _act(menu, "Save Group to Library…", hooks["save_group"])
        elif inst.spec is not None and inst.spec.params:
            self._preset_items(menu, key, inst.type_id)

    def _preset_items(self, menu: QMenu, key: str, type_id: str) -> None:
        """The Presets submenu: apply one of the node type's presets, or save one."""
        pm = menu.addMenu("Presets")
        names = sorted(list_presets(type_id), key=str.lower)
        for name in names:
            _act(pm, name, lambda n=name: self.apply_preset(key, n), "apply (one undo step)")
        if not names:
            pm.addAction("(no presets)").setEnabled(False)
        pm.addSeparator()
        _act(pm, "Save Preset…", lambda: self.save_preset(key), "keep this node's parameters")

    def _annotation_items(self, menu: QMenu, what: str, key: Any) -> None:
        """A backdrop's or a note's items (it is selected first)."""
        self.canvas.annotations.select([(what, key)])
        if what == "backdrops":
            _act(menu, "Rename Backdrop…", lambda: self.canvas.annotations.rename(what, key))
            _act(menu, "Fit to Nodes", lambda: self.canvas.annotations.fit_backdrop(key),
                 "resize around the nodes it touches")
            _act(menu, "Delete Backdrop", lambda: self.canvas.doc.remove_annotations(what, [key]),
                 "delete the backdrop only: its nodes stay")
        else:
            _act(menu, "Edit Note…", lambda: self.canvas.annotations.rename(what, key))
            _act(menu, "Delete Note", lambda: self.canvas.doc.remove_annotations(what, [key]))

    def _canvas_items(self, menu: QMenu, view_pos: QPoint, scene: QPointF, pos: tuple[float, float]) -> None:
        """The empty canvas's items: add a node (search or by category), paste, annotations, fit."""
        view_pt = QPoint(view_pos)
        _act(menu, "Add Node…", lambda: self.canvas.search.open_at(view_pt, scene), "search node types (Tab)")
        add = menu.addMenu("Add")
        cats: dict[str, QMenu] = {}
        for spec in sorted(self.canvas.search.specs, key=lambda s: (s.category.lower(), s.title.lower())):
            cm = cats.get(spec.category) or cats.setdefault(spec.category, add.addMenu(spec.category))
            _act(cm, spec.title, lambda t=spec.id: self.canvas.add_node_at(t, pos), spec.help)
        _act(menu, "Paste", lambda: self.canvas.clipboard.paste(at=pos), "paste the copied nodes here",
             enabled=self.canvas.clipboard.can_paste())
        menu.addSeparator()
        _act(menu, "Add Backdrop", lambda: self.canvas.annotations.add("backdrops", pos=list(pos)))
        _act(menu, "Add Note", lambda: self.canvas.annotations.add("notes", pos=list(pos)))
        menu.addSeparator()
        _act(menu, "Fit Graph", lambda: self.canvas.fit_all())

    def rename_node(self, nid: str) -> bool:
        inst = self.canvas.doc.graph.nodes[nid]
        name = self.canvas.ask_text("Rename node", "Title:", inst.label)
        if name is None:
            return False
        default = inst.spec.title if inst.spec else inst.type_id
        return self.set_title(nid, None if name == default else name)

    def set_title(self, nid: str, title: str | None) -> bool:
        """Set a node's title (None: its type's); a refusal is said in the log. Whether it was set."""
        try:
            self.canvas.doc.set_title(nid, title)
        except StudioError as e:
            self.canvas.message.emit(f"rename refused: {e}")
            return False
        return True

    def apply_preset(self, nid: str, name: str) -> bool:
        try:
            self.canvas.doc.apply_preset(nid, name)
        except StudioError as e:
            self.canvas.message.emit(str(e))
            return False
        self.canvas.info.emit(f"applied preset '{name}' to {self.canvas.doc.graph.nodes[nid].label}")
        return True

    def save_preset(self, nid: str) -> str | None:
        name = self.canvas.ask_text("Save preset", "Preset name:", "my preset")
        if not name:
            return None
        try:
            self.canvas.doc.save_preset(nid, name)
        except StudioError as e:
            self.canvas.message.emit(str(e))
            return None
        self.canvas.info.emit(f"saved preset '{name}' for {self.canvas.doc.graph.nodes[nid].label}")
        return name
