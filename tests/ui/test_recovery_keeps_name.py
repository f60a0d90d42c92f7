"""Issue 104's walk: a graph recovered after a crash came back as 'untitled.json', its template's name lost. The
autosave keeps the graph's name (the template it came from, the file it was saved as) and recovery gives it back:
in the window's title, and where Save As opens, the file's own folder even when the file is gone."""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from studio.core.assets import TEMPLATES_DIR
from studio.ui.window.main_window import MainWindow


def _crash_and_recover(qtbot, win, tmp_path, registry, name: str):
    """The window's autosave left behind as a crashed one's, and a new window's recovery of it."""
    path = win.files.autosave()
    assert path and os.path.exists(path)
    os.replace(path, os.path.join(os.path.dirname(path), "autosave-999999999.json"))
    win2 = MainWindow(settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.IniFormat),
                      data_dir=str(tmp_path / "data"), registry=registry)
    qtbot.addWidget(win2)
    asked: list[str] = []
    win2.files.ask_recover = lambda info: asked.append(info) or True
    win2.files.ask_unsaved = lambda: "discard"
    assert win2.files.offer_recovery()
    return win2, asked[0]


def test_a_templates_graph_is_recovered_under_the_templates_name(qtbot, nodes_window, nodes_registry, tmp_path):
    win = nodes_window
    assert win.files.open_template(str(TEMPLATES_DIR / "music_visualiser.json"))
    title = win.files.template_name
    assert title
    win.doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    assert win.doc.dirty  # an edit: autosave writes only unsaved work
    win2, info = _crash_and_recover(qtbot, win, tmp_path, nodes_registry, "t")
    assert f"the template '{title}'" in info, info  # the question names it
    assert win2.windowTitle().startswith(f"{title} (template, not saved)"), win2.windowTitle()
    start = win2.files.save_as_start()
    assert os.path.basename(start) != "untitled.json" and os.path.basename(start).startswith("music"), start
    assert win2.doc.path is None  # still a template's unsaved graph: Save asks where
    win2.close()


def test_a_saved_graph_whose_file_is_gone_is_recovered_under_its_name_and_folder(qtbot, nodes_window,
                                                                                  nodes_registry, tmp_path):
    win = nodes_window
    win.doc.add_node("source.shapes", (0, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    saved = tmp_path / "shots" / "my_shot.json"
    saved.parent.mkdir()
    assert win.files.save_to(str(saved))
    win.doc.add_node("source.shapes", (200, 0), {"frames": 4, "width": 32, "height": 24, "sound": False})
    saved.unlink()  # the file moved away before the crash
    win2, info = _crash_and_recover(qtbot, win, tmp_path, nodes_registry, "s")
    assert "my_shot.json" in info
    assert win2.doc.path is None  # not written to a file that is not there without asking
    assert win2.windowTitle().startswith("my_shot.json (recovered, not saved)"), win2.windowTitle()
    assert win2.files.save_as_start() == str(saved)  # Save As proposes where it was
    assert win2.files.autosave() and "my_shot.json" in _crash_and_recover(qtbot, win2, tmp_path, nodes_registry,
                                                                        "s2")[1]  # kept through a second crash
    win2.close()
