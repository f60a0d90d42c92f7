"""The shift a sampler's schedule is made with (heldout45 04): a scheduler given a model of its own (BasicScheduler's
'model') makes the sigmas the samplers take from that model's sampling, so a shift node (ModelSamplingSD3) on that
model's way, and on none of the samplers' own model ways, is the take's shift: read as the generator's where no
other shift is read; where the samplers' model ways set another, said not taken. Plain data and stdlib."""
from __future__ import annotations

from ..reading.model_way import model_input
from ..reading.workflow import CNode, Workflow
from ..tracing.prompts import walk
from .kinds import LOADERS, SHIFTS


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def schedule_shift(wf: Workflow, main, shifts: list, shift_at: list[CNode], used: set, said: list[str]) -> None:
    """Adds to ``shifts`` / ``shift_at`` the shift on the model way of the scheduler sampler ``main`` (a
    tracing.sampling Sampling) takes its sigmas from, where none is read; says it where another is."""
    sig = main.at.get("steps")
    if sig is None or "model" not in sig.links:
        return
    node = walk(wf, wf.source(sig, "model"), ("model",), lambda x: x.cls in SHIFTS or x.cls in LOADERS, set(),
                through=model_input)
    if node is None or node.cls not in SHIFTS or node in shift_at:
        return
    v = wf.value(node, "shift")
    if not _number(v):
        return
    used.add(node.id)
    if not [s for s in shifts if _number(s)]:
        shifts.append(v)
        shift_at.append(node)
        return
    if all(s == v for s in shifts if _number(s)):
        return
    said.append(f"{node.named()}'s shift {v:g}, on the model {sig.named()} makes its sigmas with, is not taken: the "
                "shift on the samplers' own model ways stands")
