"""Backdrops and notes on the canvas, synced with the document."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from studio.ui.canvas.items import (BACKDROP_COLOR, HEADER_H, NOTE_COLOR, NOTE_WIDTH, AnnotationNode,
                                    note_height)

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


class Annotations:
    """The canvas items of the backdrops and notes (``graph.ui["backdrops"]`` / ``["notes"]``),
    kept equal to the document's; dragging, resizing and renaming them are document commands."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas
        self._items: dict[str, list[Any]] = {"backdrops": [], "notes": []}   # view items by index
        self._by_view: dict[str, tuple[str, int]] = {}                       # NG id -> (kind, index)

    def reset(self) -> None:
        self._items = {"backdrops": [], "notes": []}
        self._by_view.clear()

    def key_of(self, ng_id) -> tuple[str, int] | None:
        return self._by_view.get(ng_id)

    def view(self, kind: str) -> list[Any]:
        """The canvas items of the backdrops or notes, in the model's order."""
        return list(self._items[kind])

    def of(self, ng) -> tuple[str, int] | None:
        return self._by_view.get(getattr(ng, "id", None))

    @staticmethod
    def _geometry(kind: str, b: dict) -> tuple[float, float, float, float, str]:
        x, y = b.get("pos") or [0.0, 0.0]
        text = str(b.get("title" if kind == "backdrops" else "text") or "")
        if b.get("size"):
            w, h = b["size"]
        elif kind == "notes":
            w, h = NOTE_WIDTH, note_height(text)
        else:
            w, h = 400.0, 200.0
        if kind == "notes" and b.get("size"):  # a saved size too small for its text (a converted workflow's note
            h = max(float(h), note_height(text, max(40.0, float(w))))  # cut its last line, issue 116): all of it
        return float(x), float(y), max(40.0, float(w)), max(30.0, float(h)), text

    def _apply(self, bd, kind: str, b: dict) -> None:
        x, y, w, h, text = self._geometry(kind, b)
        item = bd.view
        item.kind, item.label = kind, text
        item.minimum_size = (40, 30)
        color = tuple(b.get("color") or (NOTE_COLOR if kind == "notes" else BACKDROP_COLOR))[:3]
        if tuple(bd.color()[:3]) != color:
            bd.set_property("color", (*color, 255), push_undo=False)
        if [round(v, 3) for v in bd.pos()] != [round(x, 3), round(y, 3)]:
            bd.set_property("pos", [x, y], push_undo=False)
        if (round(item.width, 3), round(item.height, 3)) != (round(w, 3), round(h, 3)):
            # on the item and NodeGraphQt's model both: its sizer changes only the item, so
            # set_property would compare with a stale model value and do nothing
            item.width, item.height = w, h
            bd.model.width, bd.model.height = w, h
        item.setToolTip(text if kind == "notes" else f"backdrop: {text}<br><i>double-click to rename</i>")
        item.update()

    def sync(self, kind: str) -> None:
        """Make the canvas items of ``kind`` the model's, in place when their number is unchanged."""
        model = self.canvas.doc.annotations(kind)
        items = self._items[kind]
        if len(items) != len(model):
            for bd in items:
                self._by_view.pop(bd.id, None)
                try:
                    self.canvas.node_graph.remove_node(bd, push_undo=False)
                except RuntimeError:
                    pass
            items = self._items[kind] = []
            for b in model:
                try:
                    bd = self.canvas.node_graph.create_node(
                        AnnotationNode.type_, name="Note" if kind == "notes" else "Backdrop",
                        push_undo=False, selected=False)
                except Exception as e:  # noqa: BLE001 - a malformed note must not stop a load
                    self.canvas.message.emit(f"{kind[:-1]} not shown: {e}")
                    continue
                items.append(bd)
        for i, (bd, b) in enumerate(zip(items, model)):
            self._by_view[bd.id] = (kind, i)
            try:
                self._apply(bd, kind, b)
            except (TypeError, ValueError, IndexError) as e:  # a malformed entry in a file
                self.canvas.message.emit(f"{kind[:-1]} {i} not shown properly: {e}")

    def add(self, kind: str, pos=None, size=None, text: str | None = None) -> int:
        """Add a backdrop (around the selected nodes when there are some) or a note; undoable."""
        sel = [self.canvas.index.view_of(i).view for i in self.canvas.selected_ids()]
        if kind == "backdrops" and sel and pos is None:
            r = sel[0].sceneBoundingRect()
            for v in sel[1:]:
                r = r.united(v.sceneBoundingRect())
            r = r.adjusted(-40, -40 - HEADER_H, 40, 60)  # room for the status line under nodes
            pos, size = [r.x(), r.y()], [r.width(), r.height()]
        if pos is None:
            c = self.canvas.view.mapToScene(self.canvas.view.viewport().rect().center())
            pos = [c.x(), c.y()]
        item: dict[str, Any] = {"pos": [float(pos[0]), float(pos[1])]}
        if kind == "backdrops":
            item["title"] = "Backdrop" if text is None else text
            item["size"] = list(size or [400.0, 200.0])
        else:
            item["text"] = "Note" if text is None else text
            if size is not None:
                item["size"] = list(size)
        idx = self.canvas.doc.add_annotation(kind, item)
        self.select([(kind, idx)])
        return idx

    def select(self, keys) -> None:
        self.canvas.node_graph.clear_selection()
        for kind, i in keys:
            if 0 <= i < len(self._items[kind]):
                self._items[kind][i].set_selected(True)

    def selected(self) -> list[tuple[str, int]]:
        out = []
        for n in self.canvas.node_graph.selected_nodes():
            k = self._by_view.get(n.id)
            if k is not None:
                out.append(k)
        return out

    def rename(self, kind: str, index: int) -> bool:
        """Ask for a backdrop's title or a note's text (one undo step)."""
        b = self.canvas.doc.annotations(kind)[index]
        key = "title" if kind == "backdrops" else "text"
        text = self.canvas.ask_text("Rename backdrop" if kind == "backdrops" else "Edit note",
                             "Title:" if kind == "backdrops" else "Text:", b.get(key, ""), kind == "notes")
        if text is None:
            return False
        return self.canvas.doc.update_annotation(kind, index, undo_text=f"rename {kind[:-1]}", **{key: text})

    def fit_backdrop(self, index: int) -> bool:
        """Resize a backdrop around the nodes it touches (one undo step)."""
        bd = self._items["backdrops"][index]
        size = bd.view.calc_backdrop_size()
        return self.canvas.doc.update_annotation("backdrops", index, undo_text="fit backdrop", pos=size["pos"],
                                          size=[size["width"], size["height"]])

    def user_resized(self, ng_id: str, what: str, value: dict) -> None:
        key = self._by_view.get(ng_id)
        if key is None:
            return
        kind, i = key
        pos = [float(value["pos"][0]), float(value["pos"][1])]
        size = [float(value["width"]), float(value["height"])]
        text = "fit backdrop" if what == "sizer_double_clicked" else f"resize {kind[:-1]}"
        if not self.canvas.doc.update_annotation(kind, i, undo_text=text, pos=pos, size=size):
            self.sync(kind)

    def on_double_clicked(self, ng) -> None:
        key = self.of(ng)
        if key is not None:  # after the mouse event is done (a dialog may open)
            QTimer.singleShot(0, lambda: self.rename(*key))
