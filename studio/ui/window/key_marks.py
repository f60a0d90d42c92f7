"""The keyframes of the generator whose clip the viewer shows, marked on its timeline (issue 47),
and a camera path's keys (a parameter of kind 'camera_keys': Camera Path's 'poses', issue 75).

Any parameter of kind 'frames' (studio.core.params.Frames: a generator's 'keyframes') of the shown
node gives the marks; a node that passes frames through one for one (a FRAME node, or an output
such as Save Video) shows those of the node feeding it. Known by the declarations only: the window
never imports a node's code."""
from __future__ import annotations

from studio.core.camera_keys import CUSTOM, key_frames
from studio.core.errors import ParamRangeError
from studio.core.params import frame_marks
from studio.core.spec import FRAME

MAX_HOPS = 16  # frame-for-frame nodes walked up to the generator


def marks_for(graph, nid: str | None) -> list[int]:
    """The keyframes (frames of the clip, negative from its end) that node ``nid``'s clip shows."""
    for _ in range(MAX_HOPS):
        inst = graph.nodes.get(nid) if graph is not None and nid else None
        if inst is None or inst.spec is None:
            return []
        cams = [q for q in inst.spec.params if q.kind == "camera_keys"]
        if cams:
            if inst.params.get("preset", CUSTOM) != CUSTOM:
                return []  # a preset's path has no keys
            return [f for q in cams for f in key_frames(str(inst.params.get(q.name, q.default) or ""))]
        kinds = [q for q in inst.spec.params if q.kind == "frames"]
        if kinds:
            out = []
            for q in kinds:
                try:
                    out += [at for at, _ in frame_marks(str(inst.params.get(q.name, q.default) or ""), q.name)]
                except ParamRangeError:  # the properties panel and a run say what is wrong with it
                    pass
            return out
        if inst.spec.timing != FRAME and not inst.spec.is_output:
            return []
        links = [graph.input_link(nid, i.name) for i in inst.spec.inputs]
        link = next((k for k in links if k is not None), None)
        if link is None:
            return []
        nid = link.src
    return []


def show_marks(win, nid: str | None) -> None:
    preview = getattr(win, "preview", None)
    if preview is not None and hasattr(preview, "set_keyframes"):
        preview.set_keyframes(marks_for(win.doc.graph, nid))


def bind(win) -> None:
    """A parameter of the shown node (or a node it shows through) changed: its marks again."""
    def changed(_e) -> None:
        preview = getattr(win, "preview", None)
        if preview is not None and getattr(preview, "node_id", None):
            show_marks(win, preview.node_id)
    win.doc.events.param_changed.connect(changed)
