"""Help holds the manual, not only the shortcuts (issue 61, item 13): a Guides submenu opening
each page of docs/ (and README) as a local file, a docs folder entry and About, on the real
window; what is opened is caught by a Qt URL handler for file: URLs."""
from __future__ import annotations

import os

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from studio.ui.window.help_menu import GUIDES, guide_path, project_root


class _Opened(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def take(self, url):
        self.urls.append(url)


def _help(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&Help")


def test_every_guide_of_the_readme_is_in_help_and_opens_its_file(qtbot, open_window):
    win = open_window()
    guides = next(a.menu() for a in _help(win).actions() if a.text() == "&Guides")
    entries = {a.text(): a for a in guides.actions()}
    assert len(entries) == len(GUIDES) >= 10
    with open(os.path.join(project_root(), "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for _, rel in GUIDES:  # each a page the README links, and there
        assert rel == "README.md" or f"({rel})" in readme, rel
        assert os.path.isfile(guide_path(rel)), rel
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "take")
    try:
        for title, rel in GUIDES:
            assert entries[title].isEnabled()
            entries[title].trigger()
        folder = next(a for a in _help(win).actions() if a.text() == "Docs &folder")
        folder.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    paths = [os.path.normpath(u.toLocalFile()) for u in opened.urls]
    assert paths == [os.path.normpath(guide_path(rel)) for _, rel in GUIDES] + [os.path.join(project_root(), "docs")]


def test_about_says_the_version_and_where_studio_is(qtbot, open_window):
    import studio
    from PySide6.QtWidgets import QMessageBox
    win = open_window()
    about = next(a for a in _help(win).actions() if a.text() == "&About Studio")
    about.trigger()
    box = next(w for w in win.findChildren(QMessageBox) if w.windowTitle() == "About Studio")
    assert box.isVisible() and not box.isModal()
    assert f"Studio {studio.__version__}" in box.text() and project_root() in box.text()
    box.close()


def test_a_guide_not_beside_the_installation_is_said_in_the_log(qtbot, open_window, monkeypatch):
    from studio.ui.window import help_menu
    win = open_window()
    monkeypatch.setattr(help_menu, "project_root", lambda: "/nonexistent-studio-root")
    assert not help_menu.open_guide(win, "docs/window.md")
    assert "the guide docs/window.md is not here" in win.log_view.toPlainText()
