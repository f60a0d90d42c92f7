"""Where nothing was made though the workflow has a sampler Studio knows (heldout85 06: a RunPod worker's MiniMax H3
graph, its SamplerCustomAdvanced given its conditioning and latent by the worker's own 'H3MediaConditioning' and its
take written by its own 'H3MediaExportVideo', was said "no video output with a sampler found", its reference and plan
nodes named as maybe the sampler). Such a sampler (a type the catalogue declares, a sampler by its role) is named with
the nodes of types no pack declares on its ways: those it is given what it samples by (back through declared nodes:
a guider, a conditioning step), and those its take reaches (on through declared nodes: a decode, CreateVideo); None
where no declared sampler has such a node on its ways (mapping/unknown_types.py then says the types). Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..tracing.roles import role
from .unknown_types import declared

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
            if declared(s) is None:
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
    for n in sorted(wf.nodes.values(), key=lambda m: str(m.id)):
        if not n.enabled or declared(n) is None or role(wf, n) != "sampler":
            continue
        given, reached = _back(wf, n), _on(wf, n, readers)
        if not given and not reached:
            continue
        parts = []
        if given:
            parts.append(f"it is given what it samples by {', '.join(g.named() for g in sorted(given, key=_id))}")
        if reached:
            parts.append(f"its take reaches {', '.join(r.named() for r in sorted(reached, key=_id))}")
        return (f"no video output Studio reads after the sampler {n.named()}: only notes made ("
                f"{' and '.join(parts)}, of types no pack in Studio's catalogue declares: what they do is not known)")
    return None


def _id(n: Any):
    return (len(str(n.id)), str(n.id))
