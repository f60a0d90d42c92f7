"""What the passing-over (passing.py) needs beyond a node's own declared types: the types of a node the catalogue does
not hold, in an API file (which saves no types), told by its neighbours' declared types (the type an input of it is
fed by the output feeding it; the type of an output of it by the declared inputs reading it); a node whose output
only reaches nodes passed over (a loader of a step's model file, the step not applied), said in one sentence with
them; and a constant whose readers a pack's translation rewrote with its value (the readers read it, no link left).
Linear in the workflow's size. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.given_nothing import given_nothing
from ..reading.workflow import CNode, Workflow

LOOSE = frozenset({"", "*"})  # a socket of any type: says nothing of its neighbour's type
VALUES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN"})


def _declared(n: CNode) -> tuple[dict[str, str], list[str]] | None:
    """(input name -> type, output types) as the catalogue or the UI file declares them; None when neither."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None and t.outputs is not None:  # (a widget wired in is typed too)
        return {i.name: i.type for i in t.inputs}, list(t.output_types)
    if n.out_types:
        return dict(n.in_types), list(n.out_types)
    return None


def _concrete(t: str | None) -> bool:
    return isinstance(t, str) and t not in LOOSE and not t.startswith("COMFY_")  # (V3's match-type templates)


def infer(wf: Workflow, readers: dict[str, list[tuple[CNode, str, int]]]) -> None:
    """Sets ``in_types`` / ``out_types`` on each node whose types neither the catalogue nor the file declares, from
    its neighbours' declared types: an output's type where every reader declaring its input's type agrees, an input's
    where the output feeding it is declared (or told so by its other readers). Nothing is set where a neighbour says
    nothing or two disagree, so a node stays unknown rather than guessed."""
    declared = {k: _declared(n) for k, n in wf.nodes.items()}

    def read_as(src: str, slot: int) -> str | None:
        """The one concrete type the declared readers of output ``slot`` of ``src`` take it as."""
        seen = {declared[m.id][0].get(name) for m, name, s in readers.get(src, ()) if s == slot
                and declared.get(m.id) is not None}
        seen = {t for t in seen if _concrete(t)}
        return seen.pop() if len(seen) == 1 else None

    for n in wf.nodes.values():
        if declared.get(n.id) is not None:
            continue
        slots = {s for _, _, s in readers.get(n.id, ())}
        outs = {s: read_as(n.id, s) for s in slots}
        if not slots or any(t is None for t in outs.values()):
            continue
        ins: dict[str, str] = {}
        for name, (src, slot) in n.links.items():
            d = declared.get(src)
            t = d[1][slot] if d is not None and 0 <= slot < len(d[1]) else read_as(src, slot)
            if not _concrete(t):
                break
            ins[name] = t
        else:
            n.in_types, n.out_types = ins, [outs.get(i, "") for i in range(max(slots) + 1)]


def behind_passed(n: CNode, rs: list[tuple[CNode, str, int]], passed: dict[str, str], settings: str,
                  kind: str = "") -> str | None:
    """The sentence for a node with nothing wired in (a loader, a settings node) none of whose outputs Studio reads
    but through nodes it passed over (a loader of an upsampler's model file whose upsampler is not applied): it is
    not applied either. None otherwise (a sampler, a text encoder fed by others is never passed over so)."""
    if n.links or not rs or not all(passed.get(r.id) for r, _, _ in rs):
        return None
    reader, name, _ = rs[0]
    more = f" (and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''})" if len(rs) > 1 else ""
    tail = f" (its settings: {settings})" if settings else ""
    if given_nothing(n, kind):  # (heldout25 13: an API file's DF_Integer given nothing: no value, not one passed over)
        tail = (" (it is given no input at all in the file: not one of its settings written; a node needing one is "
                "refused by ComfyUI as saved)")
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) gives only '{reader.title or reader.shown_cls}' "
            f"(#{reader.id})'s '{name}'{more}, passed over: not applied either{tail}")


def folded(wf: Workflow, read: set[str], done: dict[str, str],
           readers: dict[str, list[tuple[CNode, str, int]]]) -> dict[str, str]:
    """The constants (a value out, nothing wired in) that no node reads any more because a pack's translation put
    their value into the core node it made (kijai's wrappers' samplers), by id, each with '' (read: nothing to
    say): their value was worked out while converting."""
    out: dict[str, str] = {}
    for n in wf.nodes.values():
        if n.id in read or n.id in done or not n.enabled or n.links or readers.get(n.id):
            continue
        d = _declared(n)
        if d is None or not d[1] or not set(d[1]) <= VALUES:
            continue
        if any(wf.worked_out(n.id, s) is not None for s in range(len(d[1]))):
            out[n.id] = ""
    return out
