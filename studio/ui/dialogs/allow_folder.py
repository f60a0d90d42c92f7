"""The window's side of output confinement (studio.core.confine): a run refused because a graph
would write outside the allowed folders asks the artist, once per folder, whether to allow that
folder for this session or always (then it joins the settings' ``allowed_dirs``, the list that
Preferences > allowed folders edits).

Issue 35 (a colleague's graph): the question comes only once every other problem of the run is
fixed (a missing input file is the more basic problem: :func:`studio.engine.run_state.problems_of` lists them all, each on
its own line); a declined folder is not asked about again this session, but stays visible: a
status-bar note "not allowed: FOLDER · ask again" that undoes the answer from the refusal itself;
opening a graph says at once when it writes outside its folder (:func:`open_hints`)."""
from __future__ import annotations

import os
from html import escape
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from studio.core import confine
from studio.engine.run_state import problems_of

SESSION, ALWAYS, NO = "session", "always", "no"


def outside_errors(e: BaseException) -> list[confine.OutsideAllowedError]:
    """The 'outside the allowed folders' refusals in ``e`` (itself, or one of a PreflightError's)."""
    return [x for x in problems_of(e) if isinstance(x, confine.OutsideAllowedError)]


def only_outside(e: BaseException) -> bool:
    """Whether every problem in ``e`` is a refusal the artist can lift by allowing a folder."""
    errs = problems_of(e)
    return bool(errs) and all(isinstance(x, confine.OutsideAllowedError) for x in errs)


def _graph_paths(graph):
    """(node, parameter, path resolved, writes?) for every file parameter of ``graph``."""
    from studio.core.params import Path as PathParam
    from studio.core.project import resolve
    from studio.engine.preflight import reads_of, writes_of
    for n in graph.nodes.values():
        if n.spec is None or getattr(n, "mode", "normal") == "mute":
            continue
        params = {p.name: (resolve(n.params.get(p.name, p.default) or "", graph.base_dir)
                           if isinstance(p, PathParam) else n.params.get(p.name, p.default)) for p in n.spec.params}
        for pname, path, _p in writes_of(n, params):
            yield n, pname, path, True
        for pname, path in reads_of(n, params):
            yield n, pname, path, False


def open_hints(graph) -> list[str]:
    """What to say on opening ``graph``: the folders outside its own (and the allowed ones) it
    would write into, and the input files it reads that are not there. Cheap: no compile."""
    try:
        dirs = confine.allowed_dirs(graph.base_dir)
        outside, missing = {}, []
        for n, pname, path, writes in _graph_paths(graph):
            if writes and confine.outside(path, dirs):
                outside.setdefault(os.path.dirname(confine.real(path)), []).append(n.label)
            elif not writes and "%" not in path and "#" not in path and not os.path.exists(path):
                missing.append(f"'{n.label}' {pname}: {path}")
    except Exception:  # noqa: BLE001 - a hint must never stop a graph from opening
        return []
    hints = []
    if missing:
        hints.append(f"this graph reads {len(missing)} file(s) not found here: " + "; ".join(missing[:4])
                     + (" …" if len(missing) > 4 else ""))
    for folder, labels in outside.items():
        hints.append(f"this graph writes outside its folder: {', '.join(sorted(set(labels)))} into {folder}; "
                     "you are asked before anything is written there (or allow it in Preferences > allowed folders)")
    return hints


class FolderConsent:
    """Asks about each refused folder once per session; remembers the answers and shows the
    folders declined (``declined_label``, in the window's status bar) with a link to ask again."""

    def __init__(self, parent=None, rerun: Callable[[], object] | None = None):
        self.parent = parent
        self.rerun = rerun  # run again after "ask again" (the window's F5)
        self.asked: dict[str, str] = {}  # real folder -> the answer
        self.declined_label: QLabel | None = None

    def declined(self) -> list[str]:
        return [f for f, a in self.asked.items() if a == NO]

    def ask(self, e: BaseException) -> bool:
        """Ask about the folders ``e`` refused that were not asked about yet; allow those the
        artist allows. True when at least one folder was allowed now (run again). Nothing is
        asked while ``e`` holds other problems: those come first (listed with it)."""
        allowed = False
        if not only_outside(e):
            return False
        for err in outside_errors(e):
            folder = err.folder
            if folder in self.asked:
                continue
            answer = self.prompt(err)
            self.asked[folder] = answer
            if answer == SESSION:
                confine.allow_for_session(folder)
                allowed = True
            elif answer == ALWAYS:
                from studio.core.settings import load_settings, save_settings
                dirs = load_settings()["allowed_dirs"]
                if folder not in dirs:
                    save_settings({"allowed_dirs": [*dirs, folder]})
                confine.allow_for_session(folder)
                allowed = True
        self.show_declined(outside_errors(e))
        return allowed

    def show_declined(self, refused=()) -> None:
        """The status bar's note of the folders declined this session (hidden when none), and a
        log line when this run was refused only for them."""
        folders = self.declined()
        win = self.parent
        if self.declined_label is None and folders and win is not None and hasattr(win, "statusBar"):
            self.declined_label = QLabel(win)
            self.declined_label.setObjectName("declined-folders")
            self.declined_label.setTextFormat(Qt.RichText)
            self.declined_label.linkActivated.connect(lambda *_: self.ask_again())
            win.statusBar().addPermanentWidget(self.declined_label)
        if self.declined_label is not None:
            names = ", ".join(os.path.basename(f) or f for f in folders)
            self.declined_label.setText(
                f"<span style='color:#e6b450'>not allowed: {escape(names)}</span> · "
                f"<a href='ask' style='color:#8ab4f8'>ask again</a>" if folders else "")
            self.declined_label.setToolTip("you chose \"Don't allow\" this session for:\n" + "\n".join(folders)
                                           + "\nclick 'ask again' to be asked (and run again)")
            self.declined_label.setVisible(bool(folders))
        hit = [err.folder for err in refused if err.folder in folders]
        if hit and hasattr(win, "log"):
            win.log(f"not written: you chose \"Don't allow\" for {', '.join(dict.fromkeys(hit))} this session; "
                    "click 'ask again' in the status bar to change it", "warn")

    def ask_again(self) -> None:
        """Forget the "Don't allow" answers (the refusal's link) and run again: asked afresh."""
        for f in self.declined():
            del self.asked[f]
        self.show_declined()
        if self.parent is not None and hasattr(self.parent, "statusBar"):
            self.parent.statusBar().clearMessage()  # "not written: you chose Don't allow" no longer holds
        if self.rerun is not None:
            self.rerun()

    def prompt(self, err: confine.OutsideAllowedError) -> str:
        """The question (tests replace this): SESSION, ALWAYS or NO."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Warning)
        box.setWindowTitle("Allow this folder?")
        name = os.path.basename(err.path) or err.path
        verb, doing, into = (("read", "reading", "from") if isinstance(err, confine.OutsideReadableError)
                             else ("write", "writing", "into"))
        box.setText(f"'{escape(err.label)}' wants to {verb} <b>{escape(name)}</b> {into}<br><b>{escape(err.folder)}</b>,<br>"
                    "outside its own folder, the project folder and the folders you allowed.")
        box.setInformativeText(f"A graph from elsewhere {verb}s only where you allow it. "
                               f"Allow {doing} {into} this folder?\n(\"Don't allow\" holds for this session: "
                               "the status bar then offers to ask again.)")
        box.setDetailedText(str(err))
        session = box.addButton("Allow for this session", QMessageBox.AcceptRole)
        always = box.addButton("Always allow", QMessageBox.AcceptRole)
        no = box.addButton("Don't allow", QMessageBox.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        clicked = box.clickedButton()
        return SESSION if clicked is session else ALWAYS if clicked is always else NO
