"""The window's files: new, open (graphs and Studio-rendered clips), templates, save and save
as, recent files, autosave and crash recovery. A mixin of
:class:`~studio.ui.window.main_window.MainWindow` (it uses ``doc``, ``registry``, ``settings``, ``log``,
``properties``, ``runner``, ``data_dir``, ``autosave_path``), split from it along this seam."""
from __future__ import annotations

import glob
import json
import os
import time

from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.core.errors import StudioError
from studio.core.fileformat import graph_to_dict, load_graph, parse_graph_text, save_graph
from studio.core.graph import Graph

from studio.ui.project_paths import absolutise_inputs, graph_folder, in_templates, rewrite_inputs
from studio.ui.dialogs.templates import TemplateBrowser

MAX_RECENT = 10
GRAPH_FILTER = "Studio graph (*.json);;Studio-rendered video (*.mp4 *.mov *.mkv);;All files (*)"


def read_graph_file(path: str, registry=None) -> Graph:
    """A graph from a graph file, or from the metadata of a clip Studio rendered."""
    if not os.path.exists(path):
        raise StudioError(f"file not found: {path}")
    if path.lower().endswith(".json"):
        return load_graph(path, registry) if registry is not None else load_graph(path)
    from studio.engine.media import read_graph_json
    text = read_graph_json(path)
    if text is None:
        raise StudioError(f"'{os.path.basename(path)}' carries no Studio graph (only clips rendered by "
                          "Studio with 'embed graph' on do)")
    return parse_graph_text(text, registry, source=path)


def rebase_paths(graph: Graph, new_dir: str) -> int:
    """Before saving ``graph`` in ``new_dir``: rewrite the relative paths of files it reads (they
    resolve against ``graph.base_dir``) so they resolve from ``new_dir``, then make ``new_dir``
    its base. A template saved elsewhere keeps finding its media. Returns how many changed."""
    old = graph.base_dir
    new_dir = os.path.abspath(new_dir)
    if not old or os.path.abspath(old) == new_dir:
        graph.base_dir = new_dir
        return 0

    def relative(p: str) -> str:
        try:
            return os.path.relpath(p, new_dir)
        except ValueError:  # another drive (Windows)
            return p
    changed = rewrite_inputs(graph, old, relative)
    graph.base_dir = new_dir
    return changed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class FileActions:
    """File menu actions, autosave and recovery (see the module docstring)."""

    # -- files ------------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = os.path.basename(self.doc.path) if self.doc.path else "untitled"
        self.setWindowTitle(f"{name}[*] — Studio")
        self.setWindowModified(self.doc.dirty)

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'. Tests replace this."""
        b = QMessageBox.question(self, "Unsaved changes",
                                 "The graph has unsaved changes. Save them first?",
                                 QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(b, "cancel")

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current graph."""
        if not self.doc.dirty:
            return True
        ans = self.ask_unsaved()
        if ans == "save":
            return self.save()
        return ans == "discard"

    def new_graph(self) -> None:
        if not self.maybe_save():
            return
        self._set_graph(Graph(self.registry) if self.registry is not None else Graph(), None)
        self.log("new graph")

    # -- templates --------------------------------------------------------------------------
    def new_from_template(self) -> bool:
        """File > New from Template: choose a template in the browser; it opens untitled."""
        if not self.maybe_save():
            return False
        dlg = TemplateBrowser(parent=self)
        try:
            if not self.run_dialog(dlg) or dlg.chosen() is None:
                return False
            return self.open_template(dlg.chosen())
        finally:
            dlg.deleteLater()

    def open_template(self, path: str) -> bool:
        """A template as a new untitled document: its media paths are made absolute and its
        ``base_dir`` is None, so what it writes (outputs, checkpoints) goes to the project folder,
        wherever the app was started from."""
        try:
            g = read_graph_file(path, self.registry)
        except StudioError as e:
            self.log(str(e), "error")
            return False
        absolutise_inputs(g)  # media found where they are; outputs go to the project folder
        self._set_graph(g, None)
        title = (g.ui.get("template") or {}).get("title") or os.path.basename(path)
        self.log(f"new graph from the template '{title}' (untitled: Save As to keep it; F5 runs it)", "ok")
        return True

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open graph", self._last_dir(), GRAPH_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        if path.lower().endswith(".json") and in_templates(path):  # a shipped template: untitled
            return self.open_template(path)
        try:
            g = read_graph_file(path, self.registry)
        except StudioError as e:
            self.log(str(e), "error")
            return False
        keep_path = path if path.lower().endswith(".json") else None
        self._set_graph(g, keep_path)
        self._add_recent(path)
        self.log(f"opened {path}" + ("" if keep_path else " (its embedded graph; Save As to keep it)"), "ok")
        for n in g.nodes.values():
            if n.error:
                self.log(f"node {n.id}: {n.error}", "warn")
        return True

    def _set_graph(self, g: Graph, path: str | None) -> None:
        if self.runner.running:
            self.runner.stop()
        self.doc.set_graph(g, path)

    def save(self) -> bool:
        if not self.doc.path or in_templates(self.doc.path):
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        path = self.ask_save_path(self.save_as_start())
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self._save_to(path)

    def _sync_ui_into_graph(self) -> None:
        """Nothing to copy any more: backdrops and notes live in ``graph.ui`` (edited by commands)."""

    def save_as_start(self) -> str:
        """Where Save As opens: the graph's folder or the project folder, never the templates'."""
        name = os.path.basename(self.doc.path) if self.doc.path else "untitled.json"
        return os.path.join(graph_folder(self.doc.graph, self.doc.path), name)

    def ask_save_path(self, start: str) -> str:
        """The Save As dialog (tests replace this)."""
        try:  # the project folder may not exist yet: the dialog opens in it all the same
            os.makedirs(os.path.dirname(start), exist_ok=True)
        except OSError:
            pass
        path, _ = QFileDialog.getSaveFileName(self, "Save graph as", start, "Studio graph (*.json)")
        return path

    def _save_to(self, path: str) -> bool:
        if in_templates(path):
            self.log(f"cannot save '{os.path.basename(path)}' in the shipped templates folder "
                     f"({os.path.dirname(os.path.abspath(path))}): templates stay as shipped; "
                     "Save As in another folder", "error")
            return False
        self._sync_ui_into_graph()
        moved = rebase_paths(self.doc.graph, os.path.dirname(os.path.abspath(path)))
        if moved and self.properties.node_id is not None:
            self.properties.show_node(self.properties.node_id)
        try:
            save_graph(self.doc.graph, path)
        except (OSError, StudioError, ValueError) as e:
            self.log(f"cannot save '{path}': {e}", "error")
            return False
        self.doc.path = path
        self.doc.undo_stack.setClean()
        self.doc.path_changed.emit(path)
        self._add_recent(path)
        self.log(f"saved {path}", "ok")
        return True

    def _last_dir(self) -> str:
        recent = self.recent_files()
        return os.path.dirname(recent[0]) if recent else graph_folder(self.doc.graph, self.doc.path)

    def recent_files(self) -> list[str]:
        v = self.settings.value("recent_files", [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if isinstance(p, str)]

    def _add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        r = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", r[:MAX_RECENT])
        self._rebuild_recent()

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for p in files:
            a = self.recent_menu.addAction(os.path.basename(p))
            a.setToolTip(p)
            a.setEnabled(os.path.exists(p))
            a.triggered.connect(lambda *_, p=p: self.open_path(p))
        self.recent_menu.setEnabled(bool(files))

    # -- autosave and recovery ----------------------------------------------------------------
    def autosave(self) -> str | None:
        """Write the graph to the user's data folder when it has unsaved changes."""
        if not self.doc.dirty:
            return None
        self._sync_ui_into_graph()
        doc = {"studio_autosave": 1, "source_path": self.doc.path, "saved_at": time.time(),
               "pid": os.getpid(), "graph": graph_to_dict(self.doc.graph)}
        try:
            from studio.core.fileformat import atomic_write
            atomic_write(self.autosave_path, json.dumps(doc, allow_nan=False))
        except (OSError, ValueError) as e:
            self.log(f"autosave failed: {e}", "warn")
            return None
        return self.autosave_path

    def _discard_autosave(self) -> None:
        try:
            os.unlink(self.autosave_path)
        except OSError:
            pass

    def stale_autosaves(self) -> list[str]:
        """Autosaves left by sessions that did not close cleanly (newest first)."""
        files = glob.glob(os.path.join(self.data_dir, "autosave", "autosave-*.json"))
        out = []
        for f in files:
            if os.path.abspath(f) == os.path.abspath(self.autosave_path):
                continue
            try:
                pid = int(os.path.basename(f)[len("autosave-"):-len(".json")])
                if pid != os.getpid() and _pid_alive(pid):
                    continue  # another open window's autosave
            except ValueError:
                pass
            out.append(f)
        return sorted(out, key=os.path.getmtime, reverse=True)

    def ask_recover(self, info: str) -> bool:
        """Tests replace this."""
        return QMessageBox.question(self, "Recover unsaved work",
                                    f"Studio did not close cleanly. Recover the graph autosaved {info}?",
                                    QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes) == QMessageBox.Yes

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosave. Returns True when one was recovered."""
        stale = self.stale_autosaves()
        if not stale:
            return False
        newest, recovered = stale[0], False
        try:
            with open(newest, encoding="utf-8") as f:
                data = json.load(f)
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(data.get("saved_at", os.path.getmtime(newest))))
            src = data.get("source_path")
            if self.ask_recover(f"at {when}" + (f" (from {os.path.basename(src)})" if src else "")):
                g = parse_graph_text(json.dumps(data["graph"]), self.registry, source=newest)
                self._set_graph(g, src if src and os.path.exists(src) else None)
                self.doc.undo_stack.resetClean()  # recovered work is unsaved
                self._update_title()
                self.log(f"recovered the autosave of {when}", "ok")
                recovered = True
        except (OSError, ValueError, KeyError, StudioError) as e:
            self.log(f"cannot recover '{newest}': {e}", "error")
        for f in stale:
            try:
                os.unlink(f)
            except OSError:
                pass
        return recovered
