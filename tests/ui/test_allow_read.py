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
