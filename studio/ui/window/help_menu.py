"""Help's guides and About: the manual's pages (docs/ beside the studio package) opened as local
files in the user's viewer for Markdown, and what Studio this is."""
from __future__ import annotations

import os
import platform

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

import studio

# the guides, as README's "The guides" lists them (title, file under docs/ or the project's root)
GUIDES = (("&Read me: a first session", "README.md"),
          ("The &window: canvas, timeline, keys", "docs/window.md"),
          ("&Templates", "docs/templates.md"),
          ("Your &models folder", "docs/models-folder.md"),
          ("Big models on the card you &have", "docs/video-models-memory.md"),
          ("&ComfyUI workflows", "docs/comfyui-workflows.md"),
          ("&Long takes and keyframes", "docs/long-takes.md"),
          ("Real &footage: sequences, editing, masks, tracking", "docs/real-footage.md"),
          ("Motion and sound as contro&l", "docs/control-and-sound.md"),
          ("T&raining: generators and video LoRAs", "docs/training.md"),
          ("Rendering without a window, on a &farm", "docs/render-farm.md"),
          ("&Security: what Studio reads and writes", "docs/security.md"),
          ("Carrying Studio to a &GPU machine", "docs/gpu.md"))


def project_root() -> str:
    """The folder holding the studio package, README.md and docs/ (a source checkout)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(studio.__file__)))


def guide_path(rel: str) -> str:
    return os.path.join(project_root(), *rel.split("/"))


def open_guide(win, rel: str) -> bool:
    """Open a guide in the system's viewer; said in the Log when it is not there or cannot open."""
    path = guide_path(rel)
    if not os.path.exists(path):
        win.log(f"the guide {rel} is not here ({path}): the manual ships with Studio's source", "warn")
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        win.log(f"no program opened {path}: open it in a text editor or a Markdown viewer", "warn")
        return False
    return True


def add_guides(win, menu, add_action) -> None:
    """One entry per guide (greyed, saying where it was looked for, when the file is missing)."""
    guides = menu.addMenu("&Guides")
    for title, rel in GUIDES:
        a = add_action(win, title, lambda rel=rel: open_guide(win, rel), menu=guides, tip=f"open {rel}")
        if not os.path.exists(guide_path(rel)):
            a.setEnabled(False)
            a.setToolTip(f"{rel} is not beside this installation ({project_root()})")
    add_action(win, "Docs &folder", lambda: open_guide(win, "docs"), menu=menu,
               tip="the folder of the manual's pages")


def about_text() -> str:
    from PySide6 import __version__ as pyside
    return (f"<b>Studio {studio.__version__}</b><br>Node-graph video generation: open video models, "
            f"editing, motion and sound as control, training.<br><br>Python {platform.python_version()}, "
            f"PySide6 {pyside}, on {platform.system()} {platform.machine()}<br>"
            f"Installed at {project_root()}<br>The manual: Help &gt; Guides, or docs/ there.")


def show_about(win) -> QMessageBox:
    """Help > About (not modal: the window stays usable)."""
    box = QMessageBox(QMessageBox.Information, "About Studio", about_text(), QMessageBox.Ok, win)
    box.setTextFormat(Qt.RichText)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.setModal(False)
    box.show()
    return box
