"""Where nothing was made though the workflow has a sampler Studio knows (heldout85 06: a RunPod worker's MiniMax H3
graph, its SamplerCustomAdvanced given its conditioning and latent by the worker's own 'H3MediaConditioning' and its
take written by its own 'H3MediaExportVideo', was said "no video output with a sampler found", its reference and plan
nodes named as maybe the sampler). Such a sampler (a type the catalogue declares, a sampler by its role) is named with
the nodes of types no pack declares on its ways: those it is given what it samples by (back through declared nodes:
a guider, a conditioning step), and those its take reaches (on through declared nodes: a decode, CreateVideo); None
where no declared sampler has such a node on its ways (mapping/unknown_types.py then says the types). Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import MODES
from ..tracing.roles import role
from . import unrun
from .unknown_types import declared, known

DEPTH = 12  # declared nodes passed through on a way, at most


def _undeclared_on(n: Any, step: Any) -> list:
    """The nodes of undeclared types met from ``n`` going by ``step`` (a node -> the nodes next to it on the way),
    on through declared ones."""
    found, seen, todo = [], {n.id}, [(n, 0)]
    while todo:
        m, depth = todo.pop()
        for s in step(m):
            if s is None or s.id in seen or not s.enabled:
                continue
            seen.add(s.id)
            if not known(s):  # (a type Studio reads by its name is passed through, as a declared one)
                found.append(s)
            elif depth < DEPTH:
                todo.append((s, depth + 1))
    return found


def _back(wf: Any, n: Any) -> list:
    """The nodes of undeclared types ``n`` is given something by, back through declared ones."""
    return _undeclared_on(n, lambda m: (wf.nodes.get(src) for src, _ in m.links.values()))


def _on(wf: Any, n: Any, readers: dict) -> list:
    """The nodes of undeclared types ``n``'s take reaches, on through declared ones."""
    return _undeclared_on(n, lambda m: readers.get(m.id, ()))


def sentence(wf: Any) -> str | None:
    """'no video output Studio reads after the sampler ...: only notes made (...)' for the first declared sampler with
    undeclared nodes on its ways; None where there is none."""
    readers: dict[str, list] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values():
            readers.setdefault(src, []).append(m)
    idle, off = unrun.idle(wf), None
    for n in sorted(wf.nodes.values(), key=lambda m: str(m.id)):
        if not n.enabled or declared(n) is None or role(wf, n) != "sampler":
            continue
        if n.id in idle:  # ComfyUI does not run it: no node on its ways holds it (heldout92 09)
            off = off or n
            continue
        given, reached = _back(wf, n), _on(wf, n, readers)
        if not given and not reached:
            continue
        if _saved_known(n, readers) and not any(not any(m.enabled for m in readers.get(r.id, ())) for r in reached):
            continue  # its take reaches a save Studio knows and ends at no unknown node: those do not hold it
        parts = []
        if given:
            parts.append(f"it is given what it samples by {', '.join(g.named() for g in sorted(given, key=_id))}")
        if reached:
            parts.append(f"its take reaches {', '.join(r.named() for r in sorted(reached, key=_id))}")
        return (f"no video output Studio reads after the sampler {n.named()}: only notes made ("
                f"{' and '.join(parts)}, of types no pack in Studio's catalogue declares: what they do is not known)")
    return _idle(wf, off, readers) if off is not None else None


def _saved_known(n: Any, readers: dict) -> bool:
    """Whether ``n``'s take reaches, on through declared nodes, an enabled output node its declared type says is one
    (heldout92 09: a Flux still's KSampler saved by SaveImage, said held by an ExecutionGate its picture goes on to)."""
    seen, todo = {n.id}, [(n, 0)]
    while todo:
        m, depth = todo.pop()
        for r in readers.get(m.id, ()):
            if r.id in seen or not r.enabled:
                continue
            seen.add(r.id)
            t = declared(r)
            if t is not None and t.output_node:
                return True
            if t is not None and depth < DEPTH:
                todo.append((r, depth + 1))
    return False


def _idle(wf: Any, n: Any, readers: dict) -> str:
    """'no video output: the sampler ... reaches no output ComfyUI runs ...' for a declared sampler whose take ends
    only at outputs switched off (a bypassed save: heldout92 09's trailer builder, its video pass not run as shipped,
    was said held by the unknown nodes it is given its picture through)."""
    seen, todo, ends = {n.id}, [n], []
    while todo and len(seen) <= len(wf.nodes):
        for m in readers.get(todo.pop().id, ()):
            if m.id in seen:
                continue
            seen.add(m.id)
            if not m.enabled and not readers.get(m.id):
                ends.append(m)  # an output switched off, where the take ends
            else:
                todo.append(m)
    named = ", ".join(f"{m.named()} ({MODES.get(m.mode, 'off')} in ComfyUI)" for m in sorted(ends, key=_id))
    return (f"no video output: the take of the sampler {n.named()} reaches no output ComfyUI runs"
            + (f" (it ends at {named})" if named else "") + ", so ComfyUI does not run that sampler and nothing of it "
            "is lost: only notes made")


def _id(n: Any):
    return (len(str(n.id)), str(n.id))
