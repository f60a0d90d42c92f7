"""Issue 76: a graph that would read a file outside the folders the user gave asks in the window, as a write
outside does (the same real dialog, saying 'read'); allowed for the session, the run reads it and goes on."""
from __future__ import annotations

import json
import os

from studio.core.fileformat import graph_to_dict
from studio.core.graph import Graph
from tests.ui.test_allow_folder import click_when_shown, run


def test_a_read_outside_asks_read_then_runs_when_allowed(qtbot, open_window, place):
    shared, outside = place
    import numpy as np
    from PIL import Image
    Image.fromarray(np.full((16, 16, 3), 200, np.uint8)).save(outside / "still.png")
    g = Graph()
    load = g.add_node("io.load_image", {"path": str(outside / "still.png")})
    save = g.add_node("io.save_video", {"path": "out.mp4"})
    g.connect(load.id, "image", save.id, "video")
    path = os.path.join(str(shared), "graph.json")
    with open(path, "w") as f:
        json.dump(graph_to_dict(g), f)
    win = open_window()
    assert win.files.open_path(path, ask=False)
    seen: list[str] = []
    click_when_shown("Allow for this session", seen)
    result, error = run(qtbot, win)
    assert error is None and (shared / "out.mp4").stat().st_size > 0
    assert len(seen) == 1 and "wants to read" in seen[0] and str(outside) in seen[0]


def test_a_file_picked_in_the_dialog_is_read_again_next_session_without_asking(qtbot, open_window, place):
    """Picking a file is the artist giving its folder: kept in the settings' read_dirs (read, not write), so
    the graph they made opens and runs another day; a graph from elsewhere gains nothing from it."""
    from studio.core import confine
    from studio.core.settings import load_settings
    shared, outside = place
    import numpy as np
    from PIL import Image
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(outside / "plate.png")
    win = open_window()
    node = win.doc.add_node("io.load_image", (0, 0), {"path": ""})
    win.canvas.select([node])
    ed = win.properties.editors["path"]
    ed.ask_path = lambda p, start: str(outside / "plate.png")
    ed.button.click()
    assert load_settings()["read_dirs"] == [confine.real(str(outside))]
    confine.forget_session()  # another day: only the settings remain
    dirs = confine.readable_dirs(str(shared))
    assert confine.real(str(outside)) in dirs
    assert confine.real(str(outside)) not in confine.allowed_dirs(str(shared))  # read from, never written into
