"""A step giving one picture (or pose) for each frame it is given, told by its types: no pick of frames
(extend.pick_of), no more than one picture input wired, and none of its settings named for frames, a count, a rate or
a repeat (reading.decoded_count.COUNTING: an interpolation's 'multiplier', a repeat's 'amount'), by its declared
inputs, else (a step Studio makes, of a type the catalogue does not follow: comfyui_controlnet_aux' DWPreprocessor)
the names its file saves.
A count of a clip's frames taken before such steps is the count of the clip they give (mapping/loaded_count: a video
loader's frame_count as the length of the pose clip drawn of its frames, measures11). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.decoded_count import COUNTING
from ..reading.workflow import CNode, Workflow
from .extend import pick_of

PICTURES = ("IMAGE", "VIDEO")


def keeps_count(wf: Workflow, node: CNode, made: frozenset | set = frozenset()) -> bool:
    """True where step ``node`` gives one picture for each frame it is given (see the module's words); a type the
    catalogue does not follow only where Studio makes it (``made``: ids of the steps Studio makes on the way, a
    preprocessor each of whose frames it draws: comfyui_controlnet_aux' DWPreprocessor)."""
    if node.cls == "Reroute":
        return True
    if pick_of(node) is not None:
        return False
    t = catalogue.node_type(node.origin or node.cls)
    if t is not None and t.inputs is not None:
        names = [i.name for i in t.inputs]
        pics = [k for k in node.links if (i := t.input(k)) is not None and i.type in PICTURES]
    else:  # a type the catalogue does not follow, a step Studio makes: as its file saves it
        names = [*node.in_types, *(node.widgets or {}), *node.links]
        if not names or node.id not in made:
            return False
        pics = [k for k in node.links if node.in_types.get(k) in PICTURES]
    return len(pics) <= 1 and not any(COUNTING.search(k) for k in names)
