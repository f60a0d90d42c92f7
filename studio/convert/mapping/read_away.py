"""A display fed only by outputs of a node a reading replaced and removed, outputs the reading gives no stand-in for
(reading.workflow's read_away; the readers' links kept in their let_go): said given that output, which Studio does not
make, so the display is not made. Without this the display was said to take nothing from another node (heldout111 02:
a MiniMax H3 Director's 'report' and 'frame_count' shown by PreviewAny nodes, its reading giving only its frames, sound
and rate)."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow


def _out_name(m: CNode, slot: int) -> str:
    """Output ``slot`` of ``m`` in words: its name as the file saves it (a UI file's), else its place as the file links
    it (an API file's; the catalogue's names are left out: a pack's versions differ, heldout111 02's Director names
    'report' the output its catalogued version calls 'model')."""
    names = list(m.out_names)
    return f"'{names[slot]}'" if 0 <= slot < len(names) and names[slot] else f"#{slot}, as the file links it"


def display_sentence(wf: Workflow, n: CNode, tail: str = "") -> str | None:
    """Its sentence where every input of display ``n`` was let go from a node read away; None otherwise."""
    gone = [(port, wf.read_away[src], slot) for port, (src, slot) in n.let_go.items() if src in wf.read_away]
    if not gone or n.links or len(gone) != len(n.let_go):
        return None
    given = " and ".join(f"'{m.title or m.shown_cls}' ({m.shown_cls}, node {m.id}) gives it on '{port}' (its output "
                         f"{_out_name(m, slot)})" for port, m, slot in gone)
    return (f"{n.named()} shows what {given}, an output Studio does not make (it reads that node as its own nodes, "
            f"without it): this display is not made{tail}")
