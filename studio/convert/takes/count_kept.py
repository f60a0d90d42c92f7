"""A step giving one picture (or pose) for each frame it is given, told by its types: no pick of frames
(extend.pick_of), no more than one picture input wired, and none of its settings named for frames, a count, a rate or
a repeat (reading.decoded_count.COUNTING: an interpolation's 'multiplier', a repeat's 'amount'), by its declared
inputs, else the names its file saves (comfyui_controlnet_aux' DWPreprocessor, which the catalogue does not follow).
A count of a clip's frames taken before such steps is the count of the clip they give (mapping/loaded_count: a video
loader's frame_count as the length of the pose clip drawn of its frames, measures11). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.decoded_count import COUNTING
from ..reading.workflow import CNode, Workflow
from .extend import pick_of

PICTURES = ("IMAGE", "VIDEO")


def keeps_count(wf: Workflow, node: CNode) -> bool:
    """True where step ``node`` gives one picture for each frame it is given (see the module's words)."""
    if node.cls == "Reroute":
        return True
    if pick_of(node) is not None:
        return False
    t = catalogue.node_type(node.origin or node.cls)
    if t is not None and t.inputs is not None:
        names = [i.name for i in t.inputs]
        pics = [k for k in node.links if (i := t.input(k)) is not None and i.type in PICTURES]
    else:  # a type the catalogue does not follow (comfyui_controlnet_aux' DWPreprocessor): as its file saves it
        names = [*node.in_types, *(node.widgets or {}), *node.links]
        if not names:
            return False
        pics = [k for k in node.links if node.in_types.get(k) in PICTURES]
    return len(pics) <= 1 and not any(COUNTING.search(k) for k in names)
