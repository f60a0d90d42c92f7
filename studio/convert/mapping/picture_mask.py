"""A MASK taken from a file's picture by one colour channel on the way to a generator's Mask input (ComfyUI's
ImageToMask 'red' of a Load Image's picture: a speaker's face painted in red, twotalk23): Studio's Mask Tools picking
that channel of the Load Image's picture, made as a step of the way (mapping.inputs). Told by declared types
(tracing.mask_round_trip.picked); a MASK made a picture and taken back is not a step at all (mask_round_trip.carried).
Before, the picture was wired without the step, and a Mask input refused it."""
from __future__ import annotations

from ..tracing.mask_round_trip import picked

OUT = "mask"


def is_step(wf, n) -> bool:
    return picked(wf, n) is not None


def make(b, n, src: tuple[str, str]) -> str:
    """Mask Tools on ``src`` (the picture) picking ``n``'s channel."""
    nid = b.add("edit.mask_tools", {"channel": picked(b.wf, n)}, n)
    b.g.connect(*src, nid, "mask")
    return nid
