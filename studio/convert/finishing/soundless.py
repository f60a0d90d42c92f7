"""A utility's output that writes no sound (found by the eleventh held-out set: Load Video -> an upscale -> a Video
Combine given no 'audio' wrote a silent file in ComfyUI, where Studio's Save Video wrote the loaded clip's own sound,
unsaid): told by the save's declared wiring, a Video Combine given no 'audio' or a SaveVideo of a video made by a node
whose AUDIO input is left empty (CreateVideo). Plain data."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type


_name = CNode.named  # the node in a sentence


def writes_none(wf: Workflow, end: CNode) -> str | None:
    """Why ``end`` writes the frames without sound, in words; None where it writes a sound (or may)."""
    if end.cls == "VHS_VideoCombine":
        return None if "audio" in end.links else f"{_name(end)} is given no 'audio'"
    src = wf.source(end, "video") if end.cls == "SaveVideo" else None
    if src is None or any(in_type(src, k) == "AUDIO" for k in src.links):
        return None
    t = catalogue.node_type(src.origin or src.cls)  # an AUDIO input it declares, left empty (CreateVideo's)
    empty = next((i.name for i in (t.inputs or ()) if i.type == "AUDIO" and i.name not in src.links), None) \
        if t is not None else None
    return f"{_name(src)} before {_name(end)} is given no '{empty}'" if empty else None
