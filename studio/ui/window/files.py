"""The window's files: new, open (graphs and Studio-rendered clips), templates, save and save
as, recent files, autosave and crash recovery: a part of
:class:`~studio.ui.window.main_window.MainWindow` (``window.files``; it uses the window's ``doc``,
``registry``, ``settings``, ``log``, ``properties``, ``runner``, ``data_dir``, ``autosave_path``)."""
from __future__ import annotations

import glob
import json
import os
import re
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.core.errors import StudioError
from studio.core.fileformat import graph_to_dict, load_graph, parse_graph_text, save_graph
from studio.core.graph import Graph
from studio.core.paths import pid_alive
from studio.ui.dialogs.templates import TemplateBrowser
from studio.ui.window.converting import Conversions, workflow_words
from studio.ui.project_paths import absolutise_inputs, graph_folder, in_templates, rewrite_inputs

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

MAX_RECENT = 10
GRAPH_FILTER = ("Studio graph or ComfyUI workflow (*.json);;"
                "ComfyUI output carrying its workflow (*.png *.webp *.mp4 *.webm *.mov *.mkv *.flac *.mp3);;"
                "Studio-rendered video (*.mp4 *.mov *.mkv);;All files (*)")


def read_graph_file(path: str, registry=None) -> Graph:
    """A graph from a graph file, or from the metadata of a clip Studio rendered."""
    if not os.path.exists(path):
        raise StudioError(f"file not found: {path}")
    from studio.core.limits import regular_file_problem
    why = regular_file_problem(path)  # a FIFO would hang the window, a device never end
    if why:
        raise StudioError(f"cannot open '{path}': {why}")
    if path.lower().endswith(".json") or _json_text(path):  # a graph saved under another name ('x.studio')
        return load_graph(path, registry) if registry is not None else load_graph(path)
    from studio.engine.media import read_graph_json
    text = read_graph_json(path)
    if text is None:
        from studio.convert.reading.embedded import carries
        comfy = " and no ComfyUI workflow (no 'workflow' or 'prompt' in its metadata)" if carries(path) else ""
        raise StudioError(f"'{os.path.basename(path)}' carries no Studio graph (only clips rendered by "
                          f"Studio with 'embed graph' on do){comfy}")
    return parse_graph_text(text, registry, source=path)


def _json_text(path: str) -> bool:
    """The file is JSON text (a graph or workflow named otherwise: 'main.py convert -o x.studio'), not media:
    its first bytes, past a BOM and white space, open an object."""
    from studio.core.checked_open import ReadRefused, checked_file
    try:
        with checked_file(path, "file") as f:  # without blocking: a FIFO opened here would hang the window
            head = f.read(256)
    except (OSError, ReadRefused):
        return False
    return head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{")


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


class FileActions:
    """File menu actions, autosave and recovery (see the module docstring). ``ask_unsaved``,
    ``ask_save_path`` and ``ask_recover`` are the dialogs (tests replace them)."""

    def __init__(self, win: WindowApi):
        self.win = win
        self.template_name = ""  # the template an untitled graph came from (the window's title says it)
        # why the graph shown is not on disk as shown though nothing was edited ("converted from the
        # ComfyUI workflow x.json", "the graph inside the clip x.mp4"): it is asked about like an edit
        self.not_on_disk = ""
        # where a recovered autosave's graph was saved when that file is gone: its name in the title, Save As there
        self.saved_as = ""
        self.conversions = Conversions(win, self._show_converted)  # workflows converted off the GUI thread
        self._edits_at_open = 0  # the undo stack's place when a conversion started (edits since are asked about)

    # -- files ------------------------------------------------------------------------------
    def update_title(self) -> None:
        """The graph file's name; a graph from a template, not saved yet, by the template's name
        ("Demo (template, not saved)": issue 48, the demo said "untitled")."""
        name = os.path.basename(self.win.doc.path) if self.win.doc.path else \
            (f"{self.template_name} (template, not saved)" if self.template_name else
             f"{os.path.basename(self.saved_as)} (recovered, not saved)" if self.saved_as else "untitled")
        self.win.setWindowTitle(f"{name}[*] — Studio")
        self.win.setWindowModified(self.unsaved())

    def unsaved(self) -> bool:
        """Edited since the last save, or shown from something that is not a graph file."""
        return bool(self.win.doc.dirty or self.not_on_disk)

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'. Tests replace this."""
        text = (f"This graph ({self.not_on_disk}) is not saved as a graph file. Save it first?"
                if self.not_on_disk and not self.win.doc.dirty else "The graph has unsaved changes. Save them first?")
        box, buttons = unsaved_box(self.win, text)
        box.exec()
        return buttons.get(box.clickedButton(), "cancel")

    def maybe_save(self) -> bool:
        """True when it is safe to drop the current graph (an edit still in a field counts: committed first)."""
        self.win.properties.flush_edits()
        if not self.unsaved():
            return True
        ans = self.ask_unsaved()
        if ans == "save":
            return self.save()
        return ans == "discard"

    def new_graph(self) -> None:
        if not self.maybe_save():
            return
        self._set_graph(Graph(self.win.registry) if self.win.registry is not None else Graph(), None)
        self.win.log("new graph")

    # -- templates --------------------------------------------------------------------------
    def new_from_template(self) -> bool:
        """File > New from Template: choose a template in the browser; it opens untitled."""
        if not self.maybe_save():
            return False
        dlg = TemplateBrowser(parent=self.win, registry=self.win.doc.graph.registry)
        try:
            if not self.win.run_dialog(dlg) or dlg.chosen() is None:
                return False
            return self.open_template(dlg.chosen())
        finally:
            dlg.deleteLater()

    def open_template(self, path: str) -> bool:
        """A template as a new untitled document: its media paths are made absolute and its
        ``base_dir`` is None, so what it writes (outputs, checkpoints) goes to the project folder,
        wherever the app was started from."""
        try:
            g = read_graph_file(path, self.win.registry)
        except StudioError as e:
            self.win.log(str(e), "error")
            return False
        absolutise_inputs(g)  # media found where they are; outputs go to the project folder
        title = (g.ui.get("template") or {}).get("title") or \
            os.path.splitext(os.path.basename(path))[0].replace("_", " ").capitalize()
        self._set_graph(g, None, template=title)
        self.win.log(f"new graph from the template '{title}' (untitled: Save As to keep it; F5 runs it)", "ok")
        self.win.runs.show_cached()  # a template run before: its results on disk shown
        return True

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.win, "Open graph", self._last_dir(), GRAPH_FILTER)
        if path:
            self.win.settings.setValue("open_dir", os.path.dirname(os.path.abspath(path)))
            self.open_path(path, ask=False)

    @staticmethod
    def _held_pictures(conv) -> list[str]:
        """The pictures a workflow holds as base64 text, written into the project folder (where the untitled graph's
        files go; never beside the workflow opened, a folder nobody allowed writing to), its Load Images pointed
        there; what was written, one sentence each."""
        if not conv.pictures:
            return []
        from studio.convert.mapping.file import write_pictures
        from studio.core.project import project_dir
        folder = project_dir()
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass  # (write_pictures says the file could not be written)
        wrote = write_pictures(conv, folder)
        for n in conv.graph.nodes.values():
            for k, v in n.params.items():
                if isinstance(v, str) and v in conv.pictures and os.path.exists(os.path.join(folder, v)):
                    n.params[k] = os.path.join(folder, v)
        return wrote

    def open_path(self, path: str, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        if path.lower().endswith(".json") and in_templates(path):  # a shipped template: untitled
            return self.open_template(path)
        from studio.convert.mapping.file import is_comfy_file
        if is_comfy_file(path):
            return self.open_comfy(path)
        try:
            g = read_graph_file(path, self.win.registry)
        except StudioError as e:
            self.win.log(str(e), "error")
            return False
        keep_path = path if path.lower().endswith(".json") else None
        self._set_graph(g, keep_path)
        if keep_path is None:
            self.not_on_disk = f"the graph inside {os.path.basename(path)}"
            self.update_title()
        self._add_recent(path)
        self.win.log(f"opened {path}" + ("" if keep_path else " (its embedded graph; Save As to keep it)"), "ok")
        for w in g.warnings():  # nodes read from an older version (said once), parameters from a newer Studio
            self.win.log(w, "info" if w in g.upgraded else "warn")
        for n in g.nodes.values():
            if n.error:
                self.win.log(f"node {n.id}: {n.error}", "warn")
        from studio.ui.dialogs.allow_folder import open_hints
        for hint in open_hints(g):  # a colleague's graph: missing inputs, writes outside its folder (issue 35)
            self.win.log(hint, "warn")
        self.win.runs.show_cached()  # its results on disk shown, not made again (cached_results.py)
        return True

    def open_comfy(self, path: str) -> bool:
        """A ComfyUI workflow (UI or API JSON) converted to a new untitled graph (Save asks where), on a thread
        (converting.py): True when the conversion started; the graph is shown when it is done."""
        self._edits_at_open = self.win.doc.undo_stack.index()
        return self.conversions.start(path)

    @property
    def converting(self) -> bool:
        """A workflow being converted, to be shown when done (its canvas drawn whole)."""
        return self.conversions.running or self.win.canvas.turns.building

    def _show_converted(self, path: str, conv) -> None:
        """The conversion of ``path`` done: its graph in the window; what was made and what was kept as notes said
        in the Log. Edits made while it ran are asked about first, as Open asks."""
        if self.win.doc.undo_stack.index() != self._edits_at_open and not self.maybe_save():
            self.win.log(f"the conversion of {os.path.basename(path)} was not opened: the graph edited meanwhile "
                         "was kept", "warn")
            return
        wrote = self._held_pictures(conv)  # pictures the workflow holds as text: into the project folder
        absolutise_inputs(conv.graph)  # images beside the workflow found; outputs go to the project folder
        self._set_graph(conv.graph, None, in_turns=True)  # drawn a few nodes a turn (canvas/build_turns.py)
        self.not_on_disk = f"converted from {workflow_words(path)}"
        self.update_title()
        first = [line for line in conv.log if line.startswith("This workflow makes")]  # what Studio cannot keep
        for line in first:
            self.win.log(line, "warn")
        self.win.log(f"converted {workflow_words(path)} ({path}) into a new untitled graph (Save As to keep it)", "ok")
        for line in conv.log + wrote:
            if line not in first:
                self.win.log(line)

    def _set_graph(self, g: Graph, path: str | None, template: str = "", in_turns: bool = False) -> None:
        self.conversions.forget()  # a workflow still converting does not replace this graph when done
        self.template_name, self.not_on_disk, self.saved_as = template, "", ""
        if self.win.runner.running:
            self.win.runner.stop()
        self.win.statusBar().clearMessage()  # a message about the graph gone ("B = ...") is stale
        self.win.doc.set_graph(g, path, in_turns=in_turns)

    def save(self) -> bool:
        if not self.win.doc.path or in_templates(self.win.doc.path):
            return self.save_as()
        return self.save_to(self.win.doc.path)

    def save_as(self) -> bool:
        path = self.ask_save_path(self.save_as_start())
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self.save_to(path)

    def save_as_start(self) -> str:
        """Where Save As opens: the graph's folder or the project folder, never the templates'."""
        if not self.win.doc.path and self.saved_as and not in_templates(self.saved_as):
            return self.saved_as  # a recovered graph: where it was saved (its folder made again if need be)
        name = os.path.basename(self.win.doc.path) if self.win.doc.path else "untitled.json"
        if not self.win.doc.path and self.template_name:  # seen under Xvfb (issue 61): 'untitled.json'
            slug = re.sub(r"[^a-z0-9]+", "_", self.template_name.lower()).strip("_")
            name = f"{slug or 'untitled'}.json"
        return os.path.join(graph_folder(self.win.doc.graph, self.win.doc.path), name)

    def ask_save_path(self, start: str) -> str:
        """The Save As dialog (tests replace this)."""
        try:  # the project folder may not exist yet: the dialog opens in it all the same
            os.makedirs(os.path.dirname(start), exist_ok=True)
        except OSError:
            pass
        path, _ = QFileDialog.getSaveFileName(self.win, "Save graph as", start, "Studio graph (*.json)")
        return path

    def save_to(self, path: str) -> bool:
        self.win.canvas.finish_build()  # a graph opened still being drawn: saved as the whole canvas shows it
        self.win.properties.flush_edits()  # what Properties shows is what is saved
        if in_templates(path):
            self.win.log(f"cannot save '{os.path.basename(path)}' in the shipped templates folder "
                     f"({os.path.dirname(os.path.abspath(path))}): templates stay as shipped; "
                     "Save As in another folder", "error")
            return False
        moved = rebase_paths(self.win.doc.graph, os.path.dirname(os.path.abspath(path)))
        if moved and self.win.properties.node_id is not None:
            self.win.properties.show_node(self.win.properties.node_id)
        try:
            save_graph(self.win.doc.graph, path)
        except (OSError, StudioError, ValueError) as e:
            self.win.log(f"cannot save '{path}': {e}", "error")
            return False
        self.win.doc.path = path
        self.not_on_disk = ""
        self.win.doc.undo_stack.setClean()
        self.discard_autosave()  # saved: a crash now offers no older autosave of this work
        self.win.doc.path_changed.emit(path)
        self._add_recent(path)
        self.win.log(f"saved {path}", "ok")
        return True

    def _last_dir(self) -> str:
        """Where Open starts: the folder last opened from (a workflow or clip too), else the newest
        recent graph's, else the graph's own folder."""
        last = self.win.settings.value("open_dir", "")
        if isinstance(last, str) and last and os.path.isdir(last):
            return last
        recent = self.recent_files()
        return os.path.dirname(recent[0]) if recent else graph_folder(self.win.doc.graph, self.win.doc.path)

    def recent_files(self) -> list[str]:
        v = self.win.settings.value("recent_files", [])
        if isinstance(v, str):
            v = [v]
        return [p for p in (v or []) if isinstance(p, str)]

    def last_graph(self) -> str | None:
        """The graph worked on last (the newest recent file that is still there): what a relaunch
        opens (issue 25: it opened the demo)."""
        return next((p for p in self.recent_files() if os.path.isfile(p)), None)

    def _add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        r = [path] + [p for p in self.recent_files() if p != path]
        self.win.settings.setValue("recent_files", r[:MAX_RECENT])
        self.rebuild_recent()

    def rebuild_recent(self) -> None:
        self.win.recent_menu.clear()
        files = self.recent_files()
        for p in files:
            a = self.win.recent_menu.addAction(os.path.basename(p))
            a.setToolTip(p)
            a.setEnabled(os.path.exists(p))
            a.triggered.connect(lambda *_, p=p: self.open_path(p))
        self.win.recent_menu.setEnabled(bool(files))

    # -- autosave and recovery ----------------------------------------------------------------
    def autosave(self) -> str | None:
        """Write the graph to the user's data folder when it has unsaved changes."""
        if not self.win.doc.dirty:
            return None
        # the graph's name kept with it (the walk: a recovered template came back as 'untitled.json')
        doc = {"studio_autosave": 1, "source_path": self.win.doc.path or self.saved_as or None,
               "template_name": self.template_name, "saved_at": time.time(), "pid": os.getpid(),
               "graph": graph_to_dict(self.win.doc.graph)}
        try:
            from studio.core.fileformat import atomic_write
            atomic_write(self.win.autosave_path, json.dumps(doc, allow_nan=False))
        except (OSError, ValueError) as e:
            self.win.log(f"autosave failed: {e}", "warn")
            return None
        return self.win.autosave_path

    def discard_autosave(self) -> None:
        try:
            os.unlink(self.win.autosave_path)
        except OSError:
            pass

    def stale_autosaves(self) -> list[str]:
        """Autosaves left by sessions that did not close cleanly (newest first)."""
        files = glob.glob(os.path.join(self.win.data_dir, "autosave", "autosave-*.json"))
        out = []
        for f in files:
            if os.path.abspath(f) == os.path.abspath(self.win.autosave_path):
                continue
            try:
                pid = int(os.path.basename(f)[len("autosave-"):-len(".json")])
                if pid != os.getpid() and pid_alive(pid):
                    continue  # another open window's autosave
            except ValueError:
                pass
            out.append(f)
        return sorted(out, key=os.path.getmtime, reverse=True)

    def ask_recover(self, info: str) -> bool:
        """Tests replace this."""
        return QMessageBox.question(self.win, "Recover unsaved work",
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
            src = data.get("source_path") if isinstance(data.get("source_path"), str) else ""
            template = data.get("template_name") if isinstance(data.get("template_name"), str) else ""
            named = os.path.basename(src) if src else f"the template '{template}'" if template else ""
            if self.ask_recover(f"at {when}" + (f" (from {named})" if named else "")):
                g = parse_graph_text(json.dumps(data["graph"]), self.win.registry, source=newest)
                self._set_graph(g, src if src and os.path.exists(src) else None, template)
                self.saved_as = os.path.abspath(src) if src and not self.win.doc.path else ""
                self.win.doc.undo_stack.resetClean()  # recovered work is unsaved
                self.update_title()
                self.win.log(f"recovered the autosave of {when}", "ok")
                recovered = True
        except (OSError, ValueError, KeyError, StudioError) as e:
            self.win.log(f"cannot recover '{newest}': {e}", "error")
        for f in stale:
            try:
                os.unlink(f)
            except OSError:
                pass
        return recovered


TYPE_AHEAD_MS = 300  # keys typed this soon after the unsaved-changes box shows were meant for the window


def unsaved_box(parent, text: str):
    """The unsaved-changes question and {button: 'save' | 'discard' | 'cancel'}. Buttons without mnemonics
    (a QMessageBox presses a button on its letter alone: keys typed just after Ctrl+O pressed Save or Discard,
    issue 75); Enter and Escape cancel (Enter saved: typing ahead into the box wrote a stray file, issue 116),
    and for TYPE_AHEAD_MS after it shows neither Save nor Discard takes a key or a click."""
    box = QMessageBox(QMessageBox.Question, "Unsaved changes", text, QMessageBox.NoButton, parent)
    buttons = {box.addButton(t, role): ans for t, role, ans in (
        ("Save", QMessageBox.AcceptRole, "save"), ("Discard", QMessageBox.DestructiveRole, "discard"),
        ("Cancel", QMessageBox.RejectRole, "cancel"))}
    save, discard, cancel = buttons
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    for b in (save, discard):
        b.setEnabled(False)
    QTimer.singleShot(TYPE_AHEAD_MS, box, lambda: (save.setEnabled(True), discard.setEnabled(True)))
    return box, buttons
