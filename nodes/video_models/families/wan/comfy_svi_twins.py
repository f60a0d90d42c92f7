"""A pack's SVI node read as KJNodes' WanImageToVideoSVIPro by the types both declare (issue 112: heldout45 03, 04),
for comfy_frames: a node whose declared inputs hold every input of KJNodes' node (same names, same types) and whose
outputs are its outputs (a positive, a negative, a latent) is that node's twin, read as it: its anchor latent's
picture Wan's start image, its previous segment's latent the take it continues. Of what it declares beyond, a LATENT
input whose name says 'end' ('end_samples', the Wan SVI 2 Pro FLF pack's: its latent locks the segment's last
slots) is read as Wan's end image where it encodes a picture (a VAEEncode's pixels); any other wired input beyond is
said not taken by the reader. The 'end' word is the one thing read by a name: which extra latent ends the segment
cannot be told from its type (a LATENT like the others). Also the pack each read type is of, as the catalogue files
it, for the sentence saying what was read as what. Plain data and stdlib."""
from __future__ import annotations

import re

from studio.convert.api import CNode, node_type

SVI_PRO = "WanImageToVideoSVIPro"  # KJNodes': its anchor latent encoded from the start image
END = re.compile(r"(^|_)end(_|$)")  # an input's name saying it ends the segment


def svi_twin(cls: str) -> bool:
    """``cls`` is KJNodes' WanImageToVideoSVIPro or declares every one of its inputs and its outputs."""
    if cls == SVI_PRO:
        return True
    mine, theirs = node_type(cls), node_type(SVI_PRO)
    if mine is None or theirs is None or not mine.inputs or not theirs.inputs or mine.outputs is None:
        return False
    have = {i.name: i.type for i in mine.inputs}
    return all(have.get(i.name) == i.type for i in theirs.inputs) and \
        tuple(mine.output_types) == tuple(theirs.output_types)


def end_latent(n: CNode) -> str | None:
    """The wired LATENT input beyond KJNodes' node's that ends ``n``'s segment (its name says 'end'), or None."""
    mine, theirs = node_type(n.cls), node_type(SVI_PRO)
    if mine is None or theirs is None or not mine.inputs or not theirs.inputs or n.cls == SVI_PRO:
        return None
    known = {i.name for i in theirs.inputs}
    found = [i.name for i in mine.inputs if i.name not in known and i.type == "LATENT" and i.name in n.links
             and END.search(i.name.lower())]
    return found[0] if len(found) == 1 else None


def pack_of(cls: str, default: str) -> str:
    """The repository name of the pack the catalogue files ``cls`` under ('ComfyUI-KJNodes'), else ``default``."""
    t = node_type(cls)
    return t.pack.split("/")[-1] if t is not None and t.pack else default
