"""Loaders show their file's first frame in the viewer as soon as their path is set, before any
run (issue 48, item 9; Nuke's Read does): Load Video, Load Image Sequence, Load Image, and any
node whose declaration has ``first_frame`` (``spec.shows_first_frame``). Selecting such a node
without a result, or changing its parameters while it is selected, asks the viewer for it; the
file is read off the GUI thread (preview/first_frame.py)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from studio.engine.plan import resolve_paths
from studio.ui.window import plates

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi


def show_first_frame(win: WindowApi, nid: str) -> bool:
    """Ask the viewer for node ``nid``'s first frame; False when it has none to show."""
    inst = win.doc.graph.nodes.get(nid)
    if win.preview is None or inst is None or inst.spec is None or not inst.spec.shows_first_frame:
        return False
    base = win.doc.graph.base_dir
    params = resolve_paths(inst, base)  # here: the worker thread never touches the graph
    read = inst.spec.cls.first_frame
    key = f"first:{nid}:" + json.dumps(params, sort_keys=True, default=str)
    win.preview.show_first_frame(nid, inst.label, key, lambda: read(params, base))
    return True


def bind(win: WindowApi) -> None:
    """A loader's parameters changed while it is selected: its (new) first frame is shown. Drawn
    Tracks' 'frames' changed while it is selected, not run: its plate spans the new length."""
    def changed(e) -> None:
        if win.canvas.selected_ids() != [e.node_id]:
            return
        if e.name == "frames" and not win.runs.outputs.get(e.node_id) and plates.own_frames(
                win.doc.graph.nodes[e.node_id]) is not None:
            plates.show_plate(win, e.node_id)
            return
        show_first_frame(win, e.node_id)
    win.doc.events.param_changed.connect(changed)
