"""Issue 75, item 4: Camera Path's title follows its preset. The camera_move template titles it by its
preset ('Zoom In'); choosing Orbit CW in Properties renames it 'Orbit CW' on the canvas, and one Ctrl+Z
puts back both. A title the user typed (not the preset's name) is kept."""
from __future__ import annotations

import os

from studio.core.assets import TEMPLATES_DIR


def test_the_title_follows_the_preset_and_one_undo_puts_both_back(qtbot, nodes_window):
    win = nodes_window
    assert win.files.open_path(os.path.join(str(TEMPLATES_DIR), "camera_move.json"), ask=False)
    nid = next(n.id for n in win.doc.graph.nodes.values() if n.type_id == "motion.camera_path")
    win.canvas.select([nid])
    combo = win.properties.editors["preset"].combo
    combo.setCurrentText("Orbit CW")  # as a pick in the list does
    inst = win.doc.graph.nodes[nid]
    assert inst.params["preset"] == "Orbit CW" and inst.label == "Orbit CW"
    assert win.canvas.index.view_of(nid).name() == "Orbit CW" and "<b>Orbit CW</b>" in win.properties.header.text()
    win.doc.undo_stack.undo()
    assert inst.params["preset"] == "Zoom In" and inst.label == "Zoom In"
    win.doc.set_title(nid, "Hero push")
    win.canvas.select([nid])
    win.properties.editors["preset"].combo.setCurrentText("Pan Left")
    assert inst.params["preset"] == "Pan Left" and inst.label == "Hero push"


def test_the_path_is_shown_in_the_viewer_before_a_run_and_after_it_and_follows_the_preset(qtbot, nodes_window):
    """Issue 75, item 4: selecting Camera Path shows its path (the view through the camera above the path
    from above and from the front, a clip of its frames) before any run; choosing another preset draws
    the new one; after a run it is still the picture (to key on), not the result's words."""
    import numpy as np

    from studio.core.values import CameraPath
    from studio.engine.clip import Clip
    win = nodes_window
    nid = win.doc.add_node("motion.camera_path", (0, 0), {"preset": "Zoom In", "frames": 9})
    win.canvas.select([nid])
    area = win.preview
    qtbot.waitUntil(lambda: area.value is not None, timeout=10_000)
    zoom = area.value
    assert (zoom.n_frames, zoom.height, zoom.width) == (9, 600, 640)
    assert area.title_label.summary.startswith("preview · not run yet") and area.timeline.n_frames == 9
    win.properties.editors["preset"].combo.setCurrentText("Orbit CW")
    qtbot.waitUntil(lambda: area.value is not None and area.value is not zoom, timeout=10_000)
    assert not np.array_equal(area.value.frame(8), zoom.frame(8))
    assert not win.runs.outputs  # nothing ran
    win.canvas.select([])
    win.runs.outputs[nid] = {"camera": CameraPath(np.tile(np.eye(4), (9, 1, 1)))}  # as after a run
    win.canvas.select([nid])
    qtbot.waitUntil(lambda: isinstance(area.value, Clip), timeout=10_000)  # not the CameraPath's words
    qtbot.waitUntil(lambda: area.mask_editor.active, timeout=10_000)
    win.runs.outputs.pop(nid)


def test_a_key_moved_on_the_viewer_keeps_the_playhead_on_it_and_the_picture_up(qtbot, nodes_window):
    """The window reads the path again after each edit: the picture and the timeline stay up meanwhile
    (they flashed blank), and Alt+Right leaves the playhead on the moved key (it fell back to 0)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    win = nodes_window
    keys = '[{"frame": 0}, {"frame": 4, "position": [0, 0, 1]}]'
    nid = win.doc.add_node("motion.camera_path", (0, 0), {"preset": "Custom", "frames": 9, "poses": keys})
    win.canvas.select([nid])
    area = win.preview
    qtbot.waitUntil(lambda: area.mask_editor.active, timeout=10_000)
    first = area.value
    area.seek(4)
    view = area.stack.image
    view.setFocus()
    QTest.keyClick(view, Qt.Key_Right, Qt.AltModifier)
    assert area.value is first and area.timeline.n_frames == 9  # still up while the new path is read
    qtbot.waitUntil(lambda: area.value is not first, timeout=10_000)
    assert '"frame": 5' in win.doc.graph.nodes[nid].params["poses"] and area.timeline.current == 5
    assert area.timeline.keyframes == (0, 5)
