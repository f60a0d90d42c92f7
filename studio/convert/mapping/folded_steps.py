"""A picture step of a type Studio folds into what reads it (kinds.FOLDED: ImageScaleBy, read into a generator's size
or a Scale) that nothing Studio reads reads: it is not folded anywhere, so it is not counted as read (found by the
fifteenth held-out set: a x2 upscale before a held FlashVSR and a x0.5 before a ProPainter node not converted were
named nowhere). Told by its declared types (a picture in, a picture out) and its readers (each enabled one not read:
not converted, held or passed over); such a step is then said by mapping.passing like any other. Plain data."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import Workflow

MAX_ROUNDS = 8  # a chain of such steps one behind another, undone from the end (rare: a few)


def _picture_step(cls: str) -> bool:
    """A picture in and a picture out, or pictures made from settings alone (no socket: heldout37 14, an EmptyImage
    whose solid-colour frames a save not converted writes was named nowhere)."""
    t = catalogue.node_type(cls)
    return t is not None and "IMAGE" in t.output_types and (any(i.type == "IMAGE" for i in t.sockets)
                                                            or not t.sockets)


def unread(wf: Workflow, read: set[str], folded: set[str], kept: set[str]) -> set[str]:
    """The ids in ``folded`` (read for their type alone, not in ``kept``: those a stage used or whose size was worked
    out) of picture steps whose every enabled reader is outside ``read`` (less the ones found here)."""
    readers: dict[str, list[str]] = {}
    for m in wf.nodes.values():
        if m.enabled:
            for src, _ in m.links.values():
                if src in folded:
                    readers.setdefault(src, []).append(m.id)
    out: set[str] = set()
    for _ in range(MAX_ROUNDS):
        more = {k for k in folded - kept - out if k in readers and _picture_step(wf.nodes[k].cls)
                and all(r not in read or r in out for r in readers[k])}
        if not more:
            break
        out |= more
    return out
