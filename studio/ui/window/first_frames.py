"""Loaders show their file's first frame in the viewer as soon as their path is set, before any
run (issue 48, item 9; Nuke's Read does): Load Video, Load Image Sequence, Load Image, and any
node whose declaration has ``first_frame`` (``spec.shows_first_frame``). Selecting such a node
without a result, or changing its parameters while it is selected, asks the viewer for it; the
file is read off the GUI thread (preview/first_frame.py). A node whose result is no picture but
whose preview is one (Camera Path: the view through its camera, keyed on the viewer) shows that
preview when selected, after a run too (:func:`prefers_preview`), with its keys on the timeline."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from studio.engine.plan import resolve_paths
from studio.ui.window import key_marks, plates

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi


def show_first_frame(win: WindowApi, nid: str, keep: bool = False) -> bool:
    """Ask the viewer for node ``nid``'s first frame; False when it has none to show. ``keep``: its
    settings changed, its picture stays up until the new one is read."""
    inst = win.doc.graph.nodes.get(nid)
    if win.preview is None or inst is None or inst.spec is None or not inst.spec.shows_first_frame:
        return False
    base = win.doc.graph.base_dir
    params = resolve_paths(inst, base)  # here: the worker thread never touches the graph
    read = inst.spec.cls.first_frame
    key = f"first:{nid}:" + json.dumps(params, sort_keys=True, default=str)
    win.preview.show_first_frame(nid, inst.label, key, lambda: read(params, base), keep=keep)
    key_marks.show_marks(win, nid)
    return True


PICTURES = ("Video", "Image", "Mask", "Keypoints", "Flow")


def prefers_preview(win: WindowApi, nid: str) -> bool:
    """Whether node ``nid`` shows its preview rather than its result: its outputs hold no picture
    (a camera path) while its declaration draws one (``first_frame``)."""
    inst = win.doc.graph.nodes.get(nid)
    spec = inst.spec if inst is not None else None
    return spec is not None and spec.shows_first_frame and not any(o.type in PICTURES for o in spec.outputs)


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
        show_first_frame(win, e.node_id, keep=True)
    win.doc.events.param_changed.connect(changed)
