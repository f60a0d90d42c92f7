"""Nodes named by the ids the file gives them. A pack's node read as several of ComfyUI's (a wrapper's encoder as a
positive and a negative '<id>:neg', a LoRA stack as one loader per LoRA '<id>:lora1', a pack's sampler as a sampler
'<id>:sampler' and its settings) is held under ids the file does not have; a sentence naming one of those names a node
nobody can find. Once the workflow is converted, each such id in the Log and the notes is said as the file's node it
was read from (the longest part of it, cut at ':', '.' or '~', that is a node of the file as read)."""
from __future__ import annotations

import re

from .base import Conversion

_SAID = re.compile(r"(#|\bnode )([0-9A-Za-z_][0-9A-Za-z_:.~]*[0-9A-Za-z_])")


def file_id(nid: str, read: frozenset[str]) -> str:
    """The id of the file's node ``nid`` was read from (``nid`` itself where it is one, or none is found)."""
    if nid in read:
        return nid
    cuts = [m.start() for m in re.finditer(r"[:.~]", nid)]
    return next((nid[:i] for i in reversed(cuts) if nid[:i] in read), nid)


def said_ids(text: str, read: frozenset[str], made: set[str] | dict) -> str:
    """``text`` with each id of a node made while reading (in ``made``, not in ``read``) said as the file's."""
    def one(m: re.Match) -> str:
        nid = m.group(2)
        return m.group(1) + file_id(nid, read) if nid in made and nid not in read else m.group(0)
    return _SAID.sub(one, text) if ":" in text or "." in text or "~" in text else text


def say_file_ids(conv: Conversion, read: frozenset[str], made: set[str] | dict) -> None:
    """The Log and the canvas notes of ``conv`` with the file's ids (see the module)."""
    conv.log[:] = [said_ids(x, read, made) for x in conv.log]
    for note in conv.graph.ui.get("notes") or []:
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            note["text"] = said_ids(note["text"], read, made)
