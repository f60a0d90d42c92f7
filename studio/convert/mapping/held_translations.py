"""A pack translation's sentences about a node of a held task (mend19). The translations (packs/, the families'
comfy*.py) speak before any output is made, as of the generator their node will feed ("'WanFMLF' (#175)'s middle_image
... is read as Image to Video's middle picture at frame 24"); where the node's task is then held with no generator
(mapping.outputs._hold: no Image to Video is made), such a sentence tells of something Studio does not make. Each
translation sentence whose subject (the first node it names) is on a held task's way and on no made generator's way
is said as what Studio would make of it, with the task held, in the Log and on the canvas (as held_prompts says a
held task's prompt sentences and held_models its model sentences). Told by the held task's nodes, not by any node's
type. Plain stdlib."""
from __future__ import annotations

import re

from ..reading.file_ids import file_id
from ..tracing.walks import upstream
from .base import Conversion

HELD = " (as Studio would read it for a generator; the task is held with no generator)"
SUBJECT = re.compile(r"#([0-9][0-9:]*)")  # a node's id as a sentence names it ('#175', a subgraph's '#72:69')
# a sentence of what Studio makes of the node (a generator's input or setting, a value used): not one of what the
# converter read a pack node as (its ComfyUI counterpart), of a file's own facts, nor of what is not applied alone
STUDIO = r"(?:Studio's )?(?:Image to Video|Text to Video|Video to Video|Wan VACE|the generator)"
MAKES = re.compile(STUDIO + r"|\bis used\b")
SAID_HELD = re.compile(r"task is held|with no generator|\bnot made\b")  # (one telling of the holding itself)
WOULD = re.compile(r" (?:is|are) (read|made) as (?=" + STUDIO + ")")


def hold_way(b, nodes) -> None:
    """The ComfyUI nodes of a held task's way (``nodes``) kept on the builder (mapping.outputs._hold)."""
    b.held_ways = getattr(b, "held_ways", set()) | {n.id for n in nodes}


def made_from(b) -> set[str]:
    """The ComfyUI nodes a made Studio node (not one of a held task's band) was made from, with the nodes upstream of
    them as the converter reads the file."""
    held_band = {nid for band in getattr(b, "held_bands", ()) for nid in band}
    made: set[str] = set()
    for nid, cid in b.out.origin.items():
        if nid in held_band or cid in made or cid not in b.wf.nodes:
            continue
        made |= {n.id for n in upstream(b.wf, b.wf.nodes[cid])} | {cid}
    return made


def held_only(b) -> set[str]:
    """The file ids of the nodes on a held task's way and on no way a made Studio node (not one of a held task's
    band) was made from."""
    return {file_id(k) for k in getattr(b, "held_ways", set()) - made_from(b)}


def reworded(line: str, held: set[str]) -> str:
    """``line`` said as of a held task where its subject is one of ``held``; as it is otherwise."""
    m = SUBJECT.search(line)
    if m is None or m.group(1).rstrip(":") not in held or not MAKES.search(line) \
            or SAID_HELD.search(line):
        return line
    return WOULD.sub(r" would be \1 as ", line, count=1) + HELD


def correct(conv: Conversion, name: str, said: list[str], b) -> None:
    """The translation sentences ``said`` (as the Log has them, after ``name``) and the canvas note holding them,
    each of a held task's node said as of the held task (:func:`reworded`)."""
    held = held_only(b)
    swaps = {line: new for line in dict.fromkeys(said) if (new := reworded(line, held)) != line}
    if not swaps:
        return
    conv.log = [f"{name}: {swaps[x[len(name) + 2:]]}" if x.startswith(f"{name}: ") and x[len(name) + 2:] in swaps
                else x for x in conv.log]
    notes = conv.graph.ui.get("notes")
    if isinstance(notes, list):
        for note in notes:
            if isinstance(note, dict) and isinstance(note.get("text"), str):
                note["text"] = "\n".join(swaps.get(x, x) for x in note["text"].split("\n"))
