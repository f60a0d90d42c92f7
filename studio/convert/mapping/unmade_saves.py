"""A pack's save read by its shape (packs/save_shapes.py) that Studio makes nothing for: its sentence, said before the
graph is built ("read as a video output, which Studio's Save Video writes at its rate 16"), is replaced by the one
saying it is not made, in the Log and on the canvas (heldout27 04: a front-end's loop, held, whose SaveVideoWithPath
was said to be written by a Save Video the graph does not hold). Plain stdlib."""
from __future__ import annotations

from .base import Conversion


def correct(conv: Conversion, name: str, saves: list[tuple[str, str, str]]) -> None:
    """``saves``: (ComfyUI id, sentence, sentence where nothing is made for it); each of a node no Studio node was made
    for (``conv.origin``) said the second way."""
    made = set(conv.origin.values())
    swaps = [(line, alt) for nid, line, alt in saves if nid not in made and line != alt]
    if not swaps:
        return
    for line, alt in swaps:
        conv.log = [f"{name}: {alt}" if x == f"{name}: {line}" else x for x in conv.log]
    notes = conv.graph.ui.get("notes")
    if isinstance(notes, list):
        for note in notes:
            if isinstance(note, dict) and isinstance(note.get("text"), str):
                for line, alt in swaps:
                    note["text"] = note["text"].replace(line, alt)
