"""An output whose frames a node Studio does not know puts together from a file's clip and what the sampler makes
(found by the fifteenth held-out set: blob8's VideoImageWarp warps the picture an SDXL sampler makes along the loaded
clip's motion; the held task was said to be 'a video from video given to the sampler', as if the sampler made it).
Told by structure and types: on the output's way after the first sampler, a node no catalogued pack declares giving
frames (pictures, a clip; no latent, no conditioning: not a later shot's or stage's maker) with one input reached from
the sampler and another reached from one of the files the task cannot carry, not behind the sampler on that input. The held task is then said as made by that node. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import Task
from ..tracing.walks import upstream

MEDIA_IN = frozenset({"IMAGE", "VIDEO"})
FRAMES_OUT = MEDIA_IN | {"MASK", "AUDIO", "INT", "FLOAT"}  # what a node on the frames' way gives


def _after(wf: Workflow, first: CNode) -> set[str]:
    """The nodes reached from ``first`` (``first`` too), through what reads them; linear."""
    readers: dict[str, list[str]] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values():
            readers.setdefault(src, []).append(m.id)
    out, todo = set(), [first.id]
    while todo:
        k = todo.pop()
        if k not in out:
            out.add(k)
            todo += readers.get(k, [])
    return out


def frames_out(n: CNode) -> bool:
    """It gives frames and nothing a sampler takes (no latent, no conditioning): a node on the frames' way."""
    kinds = {t for o in n.out_types for t in o.split(",")}
    return bool(kinds & MEDIA_IN) and kinds <= FRAMES_OUT


def maker(wf: Workflow, save: CNode, first: CNode, lost: list[CNode]) -> tuple[CNode, CNode] | None:
    """(the node putting the output's frames together, the lost file's loader it reads) where there is one; None."""
    after, lost_ids = _after(wf, first), {n.id for n in lost}
    for n in upstream(wf, save):
        if n.id == save.id or n.id not in after or not n.enabled or catalogue.node_type(n.origin or n.cls) is not None \
                or not frames_out(n):
            continue
        ins = {k: (src, n.in_types.get(k, "")) for k, (src, _) in n.links.items()}
        if not any(src in after for src, _ in ins.values()):
            continue
        for k, (src, kind) in ins.items():
            if src in after or not MEDIA_IN & set(kind.split(",")) or src not in wf.nodes:
                continue
            file = next((m for m in upstream(wf, wf.nodes[src]) if m.id in lost_ids), None)
            if file is not None:
                return n, file
    return None


def task(b: Any, found: tuple[CNode, CNode], fam: str, words) -> Task:
    """The held task of an output a node Studio does not know makes from a file and what the sampler makes."""
    n, file = found
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    return Task(f"a video from {words(b, file)} and what its sampler makes, put together by {name}, a node no "
                "catalogued pack declares,", None, family=fam,
                cannot=f"convert {name}, which makes the video from them (what the sampler makes alone would be "
                       "another video)")
