"""An output whose frames a node Studio does not know puts together from a file's clip and what the sampler makes
(found by the fifteenth held-out set: blob8's VideoImageWarp warps the picture an SDXL sampler makes along the loaded
clip's motion; the held task was said to be 'a video from video given to the sampler', as if the sampler made it).
Told by structure and types: on the output's way after the first sampler, a node no catalogued pack declares giving
frames (pictures, a clip; no latent, no conditioning: not a later shot's or stage's maker) with one input reached from
the sampler and another reached from one of the files the task cannot carry, not behind the sampler on that input. The held task is then said as made by that node. A catalogued pack's node counts where it runs a model of its own (an
input of a type no picture, value or conditioning is, from a loader: LivePortraitKJ's pipeline), and the file may be one
brought in after the sampler only (heldout26 11: LivePortrait animating an SD 1.5 still by a driving clip was said to
be 'a video from image given to the sampler by IPAdapterAdvanced'). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading import gathers
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import Task
from ..tracing.walks import upstream
from ..finishing.beside import direction, side_by_side
from ..finishing.core import OPS as core_ops

MEDIA_IN = frozenset({"IMAGE", "VIDEO"})
FRAMES_OUT = MEDIA_IN | {"MASK", "AUDIO", "INT", "FLOAT"}  # what a node on the frames' way gives
SAMPLED = frozenset({"LATENT", "CONDITIONING", "MODEL", "CLIP", "VAE", "GUIDER", "SIGMAS", "NOISE", "SAMPLER"})
PLAIN = FRAMES_OUT | SAMPLED | {"STRING", "BOOLEAN", "COMBO", "*", ""}  # types that carry no model of a pack's own


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


def _outs(n: CNode) -> set[str]:
    t = catalogue.node_type(n.origin or n.cls) if not n.out_types else None  # (an API file names no types)
    return {k for o in (n.out_types or (t.output_types if t is not None else ())) for k in o.split(",")}


def _in_type(n: CNode, k: str) -> str:
    if k in n.in_types:
        return n.in_types[k]
    t = catalogue.node_type(n.origin or n.cls)
    return next((i.type for i in (t.inputs or ()) if i.name == k), "") if t is not None else ""


def frames_out(n: CNode) -> bool:
    """It gives frames and nothing a sampler takes (no latent, no conditioning): a node on the frames' way (a
    pack's own type beside them - LivePortrait's LP_OUT - as well)."""
    kinds = _outs(n)
    return bool(kinds & MEDIA_IN) and not kinds & SAMPLED


def _unread(wf: Workflow, n: CNode, after: set[str]) -> bool:
    """No catalogued pack declares it, or it runs a model of its own: an input of a pack's own type (no picture,
    value or conditioning) given by a node before the sampler's take (a loader's pipeline)."""
    if n.cls in core_ops and side_by_side(n) >= 2 and direction(wf, n) is not None:  # a core node placing pictures
        return False  # side by side (ImageStitch): Studio's Stitch, made after the take as finishing.beside reads it
    if catalogue.node_type(n.origin or n.cls) is None or gathers.gathered(n, templates=False):  # (a batch of pictures:
        return True  # what it makes is not the sampler's alone, heldout26 03)
    return any(src not in after and _in_type(n, k) not in PLAIN for k, (src, _) in n.links.items())


def maker(wf: Workflow, save: CNode, first: CNode, lost: list[CNode],
          files: list[CNode] = ()) -> tuple[CNode, CNode] | None:
    """(the node putting the output's frames together, the lost file's loader it reads, or a file's brought in
    after the sampler only: ``files``, the workflow's) where there is one; None."""
    after, before = _after(wf, first), {n.id for n in upstream(wf, first)}
    lost_ids = {n.id for n in lost} | {f.id for f in files if f.id not in before}
    for n in upstream(wf, save):
        if n.id == save.id or n.id not in after or not n.enabled or not frames_out(n) or not _unread(wf, n, after):
            continue
        ins = {k: (src, _in_type(n, k)) for k, (src, _) in n.links.items()}
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
    t = catalogue.node_type(n.origin or n.cls)
    own = n.cls in core_ops  # a core node Studio makes node for node (ImageBatch: Concatenate) where all it is given
    # is made: not here, the take it is given held (not 'a node Studio does not convert')
    whose = "a node no catalogued pack declares," if t is None else (
        f"a node of {t.pack}," if own else f"a node of {t.pack} that Studio does not convert,")
    return Task(f"a video from {words(b, file)} and what its sampler makes, put together by {name}, {whose}", None,
                family=fam,
                cannot=f"convert {name}{' here' if own else ''}, which makes the video from them (what the sampler "
                       "makes alone would be another video)")
