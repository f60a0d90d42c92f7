"""A placeholder, told by its declared type: a node that takes nothing, has no setting and gives one output of any
type (Impact's ImpactDummyInput), wired where a socket must be filled (a pipe's 'vae' field). Where every node ComfyUI
runs that reads it is a pipe node Studio read through (packs/pipes.py: each field rewired to the node that gave it,
so a node taking the field would read the placeholder itself) or a node passed over with its own sentence, no node
Studio makes takes what it gives: passed over in one sentence naming the input it fills. Another reader leaves it to
the other rules (listed where none covers it). Linear. Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow


def _placeholder(n: CNode) -> bool:
    t = catalogue.node_type(n.origin or n.cls)
    return (t is not None and t.inputs is not None and t.outputs is not None and not t.inputs and not n.links
            and bool(t.outputs) and all(o == "*" for o in t.output_types))


def passed(wf: Workflow, read: set[str], out: dict[str, str],
           readers: dict[str, list[tuple[CNode, str, int]]]) -> dict[str, str]:
    """The placeholders left (not ``read``, not in ``out``) whose readers are all pipe nodes read through or nodes
    in ``out``, by id, each with its sentence."""
    said: dict[str, str] = {}
    for n in wf.nodes.values():
        if not n.enabled or n.id in read or n.id in out or not _placeholder(n):
            continue
        rs = [(m, name) for m, name, _ in readers.get(n.id, ()) if m.enabled]
        if not rs or not all(m.id in wf.taken or m.id in out for m, _ in rs):
            continue
        rs.sort(key=lambda r: r[0].id not in wf.taken)  # a pipe read through named first
        m, name = rs[0]
        more = f" (and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''})" if len(rs) > 1 else ""
        piped = sum(1 for r, _ in rs if r.id in wf.taken)
        why = ("a pipe's field read through, which no node Studio makes takes" if piped else
               "its readers are passed over, each said") + ("; its other readers are passed over, each said"
                                                           if 0 < piped < len(rs) else "")
        said[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) fills {m.where(name)}{more} with a "
                      f"placeholder (it takes nothing, has no setting and gives a value of any type): {why}; nothing "
                      "is lost")
    return said
