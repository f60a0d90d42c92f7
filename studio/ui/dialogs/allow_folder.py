"""The window's side of output confinement (studio.core.confine): a run refused because a graph
would write outside the allowed folders asks the artist, once per folder, whether to allow that
folder for this session or always (then it joins the settings' ``allowed_dirs``, the list that
Preferences > allowed folders edits). Declined folders are not asked about again this session:
the refusal then shows as any other error."""
from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox

from studio.core import confine

SESSION, ALWAYS, NO = "session", "always", "no"


def outside_errors(e: BaseException) -> list[confine.OutsideAllowedError]:
    """The 'outside the allowed folders' refusals in ``e`` (itself, or one of a PreflightError's)."""
    errs = list(getattr(e, "errors", None) or [e])
    return [x for x in errs if isinstance(x, confine.OutsideAllowedError)]


def only_outside(e: BaseException) -> bool:
    """Whether every problem in ``e`` is a refusal the artist can lift by allowing a folder."""
    errs = list(getattr(e, "errors", None) or [e])
    return bool(errs) and all(isinstance(x, confine.OutsideAllowedError) for x in errs)


class FolderConsent:
    """Asks about each refused folder once per session; remembers the answers."""

    def __init__(self, parent=None):
        self.parent = parent
        self.asked: dict[str, str] = {}  # real folder -> the answer

    def ask(self, e: BaseException) -> bool:
        """Ask about the folders ``e`` refused that were not asked about yet; allow those the
        artist allows. True when at least one folder was allowed now (run again)."""
        allowed = False
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
        return allowed

    def prompt(self, err: confine.OutsideAllowedError) -> str:
        """The question (tests replace this): SESSION, ALWAYS or NO."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Warning)
        box.setWindowTitle("Allow this folder?")
        name = os.path.basename(err.path) or err.path
        from html import escape
        box.setText(f"'{escape(err.label)}' wants to write <b>{escape(name)}</b> into<br><b>{escape(err.folder)}</b>,<br>"
                    "outside its own folder, the project folder and the folders you allowed.")
        box.setInformativeText("A graph from elsewhere writes only where you allow it. "
                               "Allow writing into this folder?")
        box.setDetailedText(str(err))
        session = box.addButton("Allow for this session", QMessageBox.AcceptRole)
        always = box.addButton("Always allow", QMessageBox.AcceptRole)
        no = box.addButton("Don't allow", QMessageBox.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        clicked = box.clickedButton()
        return SESSION if clicked is session else ALWAYS if clicked is always else NO
