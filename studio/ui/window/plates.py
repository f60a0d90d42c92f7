"""The plate under a mask (issue 61 item 1: clicking an object for Segment meant clicking blind).

A node that makes a mask or points from a clip (Segment, Control Mask, Pose Estimate...) has a
plate: the clip wired into its first Video or Image input (a pinned clip stays pinned). The viewer
always draws the node's mask or points over that plate (or, with Matte on, the mask alone), and a
node that has no result yet shows its plate, so clicks, boxes and polygons land on the footage:
its input's last result, or, before any run, the loader's first frame. One rule, whatever was
viewed before (the last video viewed used to be the underlay: a matte one time, an overlay the
next)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from studio.engine.plan import resolve_paths

if TYPE_CHECKING:
    from studio.ui.window.api import WindowApi

PLATE_TYPES = ("Video", "Image")
MAKES = ("Mask", "Keypoints")  # a node whose output is one of these is drawn over its plate


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


def show_plate(win: WindowApi, nid: str) -> bool:
    """A mask or points node with no result: its plate in the viewer under the node's own name
    (so its clicks land there): the input's last result, else the loader's first frame. False
    when it has no plate to show."""
    link = plate_link(win.doc.graph, nid)
    if link is None or win.preview is None:
        return False
    inst = win.doc.graph.nodes[nid]
    src = win.doc.graph.nodes[link.src]
    title = f"{inst.label} · plate: {src.label}"
    got = plate_result(win, nid)
    win.preview.set_plate(nid, None, "")
    if got is not None:
        win.preview.show_value(nid, title, got[0], "plate:" + got[1])
        return True
    if src.spec is None or not src.spec.shows_first_frame:
        return False
    base = win.doc.graph.base_dir
    params = resolve_paths(src, base)
    read = src.spec.cls.first_frame
    key = f"plate-first:{link.src}:" + json.dumps(params, sort_keys=True, default=str)
    win.preview.show_first_frame(nid, title, key, lambda: read(params, base))
    return True
