"""The plate under a mask (issue 61 item 1: clicking an object for Segment meant clicking blind).

A node that makes a mask or points from a clip (Segment, Control Mask, Pose Estimate...) has a
plate: the clip wired into its first Video or Image input (a pinned clip stays pinned). The viewer
always draws the node's mask or points over that plate (or, with Matte on, the mask alone), and a
node that has no result yet shows its plate, so clicks, boxes and polygons land on the footage:
its input's last result, or, before any run, the loader's clip opened lazily (``Node.open_clip``:
the timeline spans it and the frame under the playhead is decoded off the GUI thread, so keys go
at any frame), else its first frame (the title says a run is needed to scrub). A node whose points
have a length of their own (Drawn Tracks' 'frames') shows its plate as that many frames, its
last held, as after a run. One rule, whatever was viewed before (the last video viewed used to be
the underlay: a matte one time, an overlay the next). A plate made by another node (not a loader)
needs a run: the status bar says so, once a node."""
from __future__ import annotations

import json
import weakref
from typing import TYPE_CHECKING, Any

from studio.engine.clip import as_clip
from studio.engine.plan import resolve_paths
from studio.ui.preview.first_frame import HeldClip

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

PLATE_TYPES = ("Video", "Image")
MAKES = ("Mask", "Keypoints")  # a node whose output is one of these is drawn over its plate
_TOLD: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()  # "run to scrub", said once a node


def plate_link(graph, nid: str):
    """The link into ``nid``'s first Video or Image input, for a node that makes a mask or points;
    None otherwise (or when nothing is wired there)."""
    inst = graph.nodes.get(nid)
    spec = inst.spec if inst is not None else None
    if spec is None or not any(o.type in MAKES for o in spec.outputs):
        return None
    for port in spec.inputs:
        if port.type in PLATE_TYPES:
            link = graph.input_link(nid, port.name)
            if link is not None:
                return link
    return None


def plate_result(win: WindowApi, nid: str) -> tuple[Any, str] | None:
    """(the plate's value, its key) from its node's last result, or None."""
    link = plate_link(win.doc.graph, nid)
    if link is None:
        return None
    outs = win.runs.outputs.get(link.src) or {}
    if link.src_port not in outs:
        return None
    sig = win.runs.state.output_signatures.get(link.src, link.src)
    return outs[link.src_port], f"{sig}:{link.src_port}"


def set_plate(win: WindowApi, nid: str) -> None:
    """Give the viewer node ``nid``'s plate (or none) before its result is shown."""
    if win.preview is None or not hasattr(win.preview, "set_plate"):
        return
    got = plate_result(win, nid)
    win.preview.set_plate(nid, got[0] if got else None, got[1] if got else "")


def own_frames(inst) -> int | None:
    """The length of a node's points when they have one of their own (a Keypoints maker with a
    'frames' parameter: Drawn Tracks), else None (a mask is as long as its plate)."""
    spec = inst.spec
    frames = inst.params.get("frames")
    if spec is None or not any(o.type == "Keypoints" for o in spec.outputs) or spec.param("frames") is None:
        return None
    return frames if isinstance(frames, int) and frames > 0 else None


def held(value: Any, frames: int | None) -> Any:
    """``value`` (a clip or an image) as ``frames`` frames; itself when ``frames`` is None."""
    return value if frames is None else HeldClip(as_clip(value), frames)


def show_plate(win: WindowApi, nid: str) -> bool:
    """A mask or points node with no result: its plate in the viewer under the node's own name
    (so its clicks land there): the input's last result, else the loader's clip opened lazily (or
    its first frame). False when it has no plate to show."""
    link = plate_link(win.doc.graph, nid)
    if link is None or win.preview is None:
        return False
    inst = win.doc.graph.nodes[nid]
    src = win.doc.graph.nodes[link.src]
    title = f"{inst.label} · plate: {src.label}"
    got = plate_result(win, nid)
    frames = own_frames(inst)
    win.preview.set_plate(nid, None, "")
    if got is not None:
        key = "plate:" + got[1] + (f":{frames}" if frames else "")
        win.preview.show_value(nid, title, held(got[0], frames), key)
        return True
    if src.spec is None or not src.spec.shows_first_frame:
        told = _TOLD.setdefault(win, set())
        if nid not in told:
            told.add(nid)
            win.statusBar().showMessage(f"{inst.label}: its plate is made by {src.label}: run to scrub the plate", 8000)
        return False
    base = win.doc.graph.base_dir
    params = resolve_paths(src, base)
    cls = src.spec.cls
    key = f"plate-first:{link.src}:{frames}:" + json.dumps(params, sort_keys=True, default=str)

    def read() -> Any:
        """On the fetcher's thread: the loader's clip opened lazily (its sound read here, not on
        the GUI thread), else its first frame."""
        clip = cls.open_clip(params, base)
        if clip is None:
            return cls.first_frame(params, base)
        clip = held(as_clip(clip), frames)
        _ = clip.audio
        return clip
    win.preview.show_first_frame(nid, title, key, read, plate=True)
    return True
