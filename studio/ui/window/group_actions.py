"""Group nodes from the window: group the selection, ungroup, edit inside a group (a dialog with
a breadcrumb), save a group to the library. A part of
:class:`~studio.ui.window.main_window.MainWindow` (``window.group_actions``)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from studio.core.errors import StudioError
from studio.core.library import list_subgraphs, save_subgraph
from studio.ui.dialogs.group_dialog import GroupDialog, GroupEditor

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi


class GroupActions:
    """Edit > Group Selection, Ungroup, Edit Group, Save Group to Library."""

    def __init__(self, win: WindowApi):
        self.win = win

    def _selected_groups(self) -> list[str]:
        return [i for i in self.win.canvas.selected_ids() if self.win.doc.graph.nodes[i].subgraph is not None]

    def group_selection(self) -> str | None:
        """Edit > Group Selection (Ctrl+Shift+G): the selected nodes become one group node."""
        ids = self.win.canvas.selected_ids()
        if not ids:
            self.win.log("select the nodes to group first", "warn")
            return None
        dlg = GroupDialog(self.win.doc.graph, ids, self.win)
        try:
            if not self.win.run_dialog(dlg):
                return None
            title, expose = dlg.title(), dlg.exposed()
        finally:
            dlg.deleteLater()
        try:
            gid = self.win.doc.group(ids, title, expose)
        except StudioError as e:
            self.win.log(f"cannot group: {e}", "error")
            return None
        if gid is not None:
            self.win.canvas.select([gid])
            self.win.log(f"grouped {len(ids)} node(s) as '{title}'", "ok")
        return gid

    def ungroup_selection(self) -> list[str]:
        """Edit > Ungroup (Ctrl+Shift+U): each selected group's nodes come back in its place."""
        groups = self._selected_groups()
        if not groups:
            self.win.log("select a group node to ungroup", "warn")
            return []
        out: list[str] = []
        stack = self.win.doc.undo_stack
        if len(groups) > 1:
            stack.beginMacro(f"ungroup {len(groups)} groups")
        try:
            for gid in groups:
                out += self.win.doc.ungroup(gid)
        finally:
            if len(groups) > 1:
                stack.endMacro()
        self.win.canvas.select(out)
        return out

    def on_double_click(self, ng) -> None:
        mid = self.win.canvas.model_id(ng)
        if mid is not None and mid in self.win.doc.graph.nodes and self.win.doc.graph.nodes[mid].subgraph is not None:
            QTimer.singleShot(0, lambda: self.edit_group(mid))  # after the mouse event is done

    def edit_group(self, group_id: str | None = None) -> bool:
        """Edit > Edit Group (Ctrl+Shift+E, or double-click a group): its inside opens in an
        editor with a breadcrumb; OK applies the edit to the group as one undo step."""
        if group_id is None:
            groups = self._selected_groups()
            if len(groups) != 1:
                self.win.log("select one group node to edit inside it", "warn")
                return False
            group_id = groups[0]
        name = os.path.basename(self.win.doc.path) if self.win.doc.path else "untitled"
        dlg = GroupEditor(self.win.doc.graph, group_id, self.win, crumbs=name)
        try:
            if not self.win.run_dialog(dlg) or dlg.doc.undo_stack.count() == 0:
                return False
            inner = dlg.result_graph()
        finally:
            dlg.deleteLater()
        if not inner.nodes:
            self.win.log("a group cannot be empty: delete the group instead", "warn")
            return False
        try:
            dropped = self.win.doc.set_subgraph(group_id, inner)
        except StudioError as e:
            self.win.log(f"cannot apply the edit: {e}", "error")
            return False
        if dropped:
            self.win.log(f"the group no longer shows {', '.join(dropped)} (its node was removed)", "warn")
        self.win.canvas.select([group_id])
        return True

    def save_group_to_library(self) -> str | None:
        """Edit > Save Group to Library: the selected group becomes a palette entry under Library."""
        groups = self._selected_groups()
        if len(groups) != 1:
            self.win.log("select one group node to save it to the library", "warn")
            return None
        inst = self.win.doc.graph.nodes[groups[0]]
        name = self.win.ask_text("Save group to library", "Name in the library:", inst.label)
        if not name:
            return None
        if any(n.lower() == name.lower() for n, _ in list_subgraphs()) and not self.win.confirm(
                "Replace", f"The library already has '{name}'. Replace it?"):
            return None
        try:
            path = save_subgraph(inst, name)
        except (StudioError, OSError, ValueError) as e:
            self.win.log(f"cannot save '{name}' to the library: {e}", "error")
            return None
        self.win.palette.refresh_library()
        self.win.log(f"saved '{name}' to the library ({path})", "ok")
        return path
