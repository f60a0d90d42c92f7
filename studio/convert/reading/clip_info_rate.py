"""A VideoHelperSuite Video Info node's frame rate read as the rate of the clip its loader gives (heldout75 04): its one
socket of the type a loader gives its information as (VHS_VIDEOINFO: reading.loaded_clip), its output a source or
loaded fps, of a loader reading its file's every frame at the file's rate (no forced rate, no frame skipped): both fps
are then the file's, the rate of the clip Studio's Load Video gives. Read by mapping/clip_rate (a generator following
that clip at 'fps' 0) and a family's reading of a voice's rate (InfiniteTalk's wrapper). Plain data."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from .aspect_size import plain_name
from .loaded_clip import INFO
from .workflow import LOADER_NODES, CNode


def info_rate(wf: Any, src: CNode, slot: int) -> CNode | None:
    """The video loader whose clip's rate output ``slot`` of ``src`` gives, where ``src`` is a Video Info node (one
    socket of the type a loader gives its information as, VHS_VIDEOINFO: reading.loaded_clip) and that output its
    source or loaded fps, of a loader reading every frame of its file at the file's rate (no forced rate, no frame
    skipped: both fps are then the file's, the rate of the clip Studio's Load Video gives; heldout75 04's
    VHS_VideoInfo); else None."""
    t = catalogue.node_type(src.origin or src.cls)
    if t is None or t.inputs is None or len(t.sockets) != 1 or t.sockets[0].type != INFO:
        return None
    outs = t.outputs or ()
    if not 0 <= slot < len(outs) or outs[slot].type != "FLOAT" or not plain_name(outs[slot].name).endswith("fps"):
        return None
    loader = wf.source(src, t.sockets[0].name)
    if loader is None or LOADER_NODES.get(loader.cls, ("", ""))[1] != "video":
        return None
    forced, nth = wf.value(loader, "force_rate"), wf.value(loader, "select_every_nth")
    return loader if forced in (None, 0) and nth in (None, 1) else None
