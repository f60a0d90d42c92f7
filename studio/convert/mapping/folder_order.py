"""A pack's folder loader read as Studio's Load Image Sequence takes the folder's pictures by its files, as the packs
count them (missing frame numbers closed up, not held), and in the pack's direction: a sort last first (Inspire's
LoadImagesFromDir '... (DESC)': reading.sequence_picks.backwards) played backwards by Studio's Time before the picks
(its Trim). The sentences are reading.sequence_picks.said's."""
from __future__ import annotations

from ..reading import sequence_picks


def ordered(b, loader) -> dict | None:
    """The folder ``loader``'s Load Image Sequence (made: ``b.loaded[loader.id]``) set to close its gaps, reversed by
    a Time where the pack sorts last first (kept as ``b.loaded[loader.id + '#']``); the Trim of its picks, or None."""
    seq = b.loaded[loader.id]
    b.g.set_param(seq, "gaps", "close")
    if sequence_picks.backwards(b.wf, loader):
        nid = b.add("edit.time", {"mode": "reverse"}, loader)
        b.g.connect(seq, "video", nid, "video")
        b.loaded[f"{loader.id}#"] = nid
    return sequence_picks.params(b.wf, loader)
