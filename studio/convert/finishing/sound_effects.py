"""A change of a made sound between its maker and the output that writes it, told by what its pack declares: a node
whose declared sockets are one AUDIO, wired, and values (no pictures, no model, no second sound), giving one AUDIO
(heldout105 04: MMAudio Suite's MMAudioSuitePitchMono raising MMAudio's sound two semitones before VHS_VideoCombine
writes it with the clip; the output was not made at all, its maker out of reach behind the pitch node). Studio has
no node changing a sound so: the way to the maker is followed past such nodes (``past``) and each is said not applied
(``said``), Studio writing the sound as it is made. Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .declared import Sockets

MAX = 4  # effects walked past, one after another


def effect_input(n: CNode | None) -> str | None:
    """The wired sound input of ``n`` where ``n`` changes a sound (see the module's docstring), else None."""
    if n is None or not n.enabled:
        return None
    s = Sockets(n)
    if s.declared is None or list(s.outs) != ["AUDIO"]:
        return None
    sockets = {k: v for k, v in s.ins.items() if k not in s.widgets}
    sounds = [k for k, v in sockets.items() if v == "AUDIO"]
    if len(sounds) != 1 or len(sockets) != 1 or sounds[0] not in n.links:
        return None
    return sounds[0]


def past(wf: Workflow, n: CNode | None) -> tuple[CNode | None, list[CNode]]:
    """(the node the sound comes from past the changes of it starting at ``n``, those changes nearest the output
    first); ``n`` itself and no change where it is none."""
    fx: list[CNode] = []
    while len(fx) < MAX and (name := effect_input(n)) is not None:
        fx.append(n)
        n = wf.source(n, name)
    return n, fx


def between(wf: Workflow, end: CNode, maker: CNode) -> list[CNode]:
    """The changes of ``maker``'s sound on its way into ``end`` (an input of ``end`` wired from them), else []."""
    for name, (sid, _) in end.links.items():
        src, fx = past(wf, wf.nodes.get(sid))
        if fx and src is not None and src.id == maker.id:
            return fx
    return []


def said(b, end: CNode, maker: CNode) -> None:
    """One sentence per change of ``maker``'s sound before ``end`` writes it, each node passed over with it
    (``b.over``: not made, so a display of what it gives says that is not shown either)."""
    for n in between(b.wf, end, maker):
        vals = ", ".join(f"{k} {v}" for k, v in n.widgets.items() if isinstance(v, (int, float, str)))
        b.over[n.id] = (f"{n.named()} changes the sound {maker.named()} makes before {end.named()} writes it"
                        + (f" (its settings: {vals})" if vals else "") + ": not applied, Studio has no node changing "
                        "a sound so; Save Video writes the sound as it is made")
