"""A picture a step takes as its reference, not as the frames it changes: a colour match's 'reference' or
'image_ref' beside the 'image' or 'image_target' it gives back changed (essentials' ImageColorMatch+, KJNodes'
ColorMatch and ColorMatchV2), told by the declared types and the words of its inputs' names. The walk from an output
back to its samplers does not follow it: the still such a reference often is (a first frame another model draws) is
not a pass of the take (heldout18: a Z-Image first frame taken for a VACE take's first sampler). Plain stdlib."""
from __future__ import annotations

import re

from ..reading.workflow import CNode
from .roles import in_type

REFERENCE_WORDS = {"ref", "reference", "refs", "references"}


def _words(name: str) -> set[str]:
    return set(re.split(r"[_\W\d]+", name.lower())) - {""}


def is_reference_picture(n: CNode, name: str) -> bool:
    """True where ``n``'s input ``name`` is a picture it takes as a reference: an IMAGE input whose name says so,
    on a node that gives pictures and has another picture input wired whose name does not."""
    if in_type(n, name) != "IMAGE" or not _words(name) & REFERENCE_WORDS:
        return False
    if n.out_types and "IMAGE" not in n.out_types:
        return False
    return any(k != name and in_type(n, k) == "IMAGE" and not _words(k) & REFERENCE_WORDS for k in n.links)
