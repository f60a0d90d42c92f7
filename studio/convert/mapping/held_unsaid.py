"""The nodes a held output's readings counted read whose only sentences were written for its generator's note
(``Output.said``), which a held output never has: counted unread again, so the note of what Studio does not convert
lists them with their settings (heldout90 02: AnimateDiff's context options, said only as "the take's context
windows" of a take never made, were named nowhere). Told by the sentences themselves (the '#id' they name), not by
any node's name. Plain stdlib."""
from __future__ import annotations

import re

NAMED = re.compile(r"#([^\s)]+)\)")  # a node as the sentences name it: "'Title' (Type, #12)"


def count_unread(b, o) -> None:
    """Each node ``o.said`` names, counted read, that no Log line, note (a made pipeline's reading it too), first
    note, passed-over sentence or Studio node made for it names: no longer counted read (the passing rules or the
    note of what is not converted say it)."""
    told = " ".join([*b.out.log, *b.first_notes, *b.over.values(), *(n.get("text", "") for n in b.notes)])
    made = set(b.out.origin.values())
    for nid in dict.fromkeys(m for line in o.said for m in NAMED.findall(line)):
        node = b.wf.nodes.get(nid)
        if node is None or nid not in b.used or nid in made or not node.enabled:
            continue
        if f"#{nid})" in told or f"node {nid})" in told or f"node {nid}," in told:
            continue
        b.used.discard(nid)
