"""What else a held pack task's makers give, where it ends at nodes of types no pack in Studio's catalogue declares
(heldout98 02, 03: an LTX-2.3 pack's streaming sampler whose video half is written as frames by its own
'CLSSVideoDecodeSave', or by a '[Movie Tools] Save images' after a tiled decode, and whose sound by a save Studio
knows, was said "This workflow makes a sound ('Save Audio (Advanced)', #95)", its video not named): each such end, a
node nothing reads that is given pictures, a video or a latent made from the makers' take, is named beside the output
held, with what it is given there; what it does with it is not known. Told by declared types; plain stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type
from .unknown_types import known

MEDIA = ("IMAGE", "VIDEO", "LATENT")
DEPTH = 8  # nodes passed through from a maker, at most


def _readers(wf: Workflow) -> dict[str, list[CNode]]:
    out: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values():
            out.setdefault(src, []).append(m)
    return out


def ends(wf: Workflow, makers: list[CNode], outs: set[str]) -> list[tuple[CNode, list[str]]]:
    """The unknown ends the makers' take reaches (not one of ``outs``, the outputs Studio knows), each with its inputs
    given a picture, a video or a latent on the way."""
    readers, seen = _readers(wf), {m.id for m in makers}
    todo, found = [(m, 0) for m in makers], {}
    while todo:
        m, depth = todo.pop()
        for r in readers.get(m.id, ()):
            if r.id in seen or not r.enabled or r.id in outs:
                continue
            seen.add(r.id)
            ports = [k for k, (src, _) in r.links.items() if src == m.id and in_type(r, k) in MEDIA]
            if not readers.get(r.id) and not known(r) and ports:
                found[r.id] = (r, ports)
            elif depth < DEPTH:
                todo.append((r, depth + 1))
    return [found[k] for k in sorted(found)]


def clause(wf: Workflow, makers: list[CNode], outs: set[str]) -> str:
    """', and what reaches 'X' (#37) on its 'latent' (...)' for each unknown end; '' for none."""
    got = ends(wf, makers, outs)
    if not got:
        return ""
    named = ", ".join(f"{n.named()} on its {', '.join(repr(k) for k in ports)}" for n, ports in got)
    one = len(got) == 1
    return (f", and what reaches {named} ({'a node' if one else 'nodes'} of {'a type' if one else 'types'} no pack "
            f"in Studio's catalogue declares, read by nothing: what {'it does' if one else 'they do'} with "
            f"{'it' if one else 'them'} is not known, a save of the take's pictures maybe)")
