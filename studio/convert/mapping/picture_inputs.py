"""The picture inputs of a node on a sampler's way, read by declared types: its inputs of type IMAGE whose name says
a picture ('image', 'start_image', 'ref_image', 'reference_image'...), not a clip ('control_video', 'frames').
outputs._generated asks whether any of them is made by a sampler (heldout67 09: Wan22FunControlToVideo's 'ref_image'
from a Flux Kontext pass was said "none of them samples it"). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode


def picture_inputs(n: CNode) -> list[str]:
    """``n``'s wired inputs of type IMAGE (as the file saves them, else as the catalogue declares them) named as a
    picture; 'image' wired to anything (a node the catalogue lacks, an API file's) as before."""
    t = catalogue.node_type(n.shown_cls)
    declared = {i.name: i.type for i in (t.inputs or ())} if t is not None else {}
    return [k for k in n.links if k == "image" or
            "image" in k and (n.in_types.get(k) or declared.get(k)) == "IMAGE"]
