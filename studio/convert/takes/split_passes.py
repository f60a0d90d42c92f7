"""One sampling split over two passes on one model: a later pass that adds no noise and samples on from the leftover
noise an earlier pass returns, from the step that pass ends at, of the same number of steps (ComfyUI's
KSamplerAdvanced pair: 'return_with_leftover_noise' on the first, 'add_noise' off and 'start_at_step' its
'end_at_step' on the second). It is the rest of the one take, not a refine of it (heldout18: a VACE take split at
step 10 of 20 was said to be refined at strength 0.5 by its second half). Plain stdlib."""
from __future__ import annotations

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow
from ..tracing.walks import adds_noise
from .passes import latent_back

ON = (True, "enable")


def continued_from(wf: Workflow, later: CNode) -> CNode | None:
    """The pass whose leftover noise ``later`` samples on from, of the same steps (None where it is not one)."""
    if adds_noise(wf, later):
        return None
    before, between = latent_back(wf, later)
    if before is None or between or wf.value(before, "return_with_leftover_noise") not in ON:
        return None
    steps, start, end = wf.value(later, "steps"), wf.value(later, "start_at_step"), wf.value(before, "end_at_step")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (steps, start, end)):
        return None
    return before if start == end and wf.value(before, "steps") == steps else None


def line(wf: Workflow, later: CNode, before: CNode) -> str:
    """The later half in one sentence."""
    return (f"'{later.title or later.shown_cls}' ({later.shown_cls}, #{later.id}) samples steps "
            f"{number(wf.value(later, 'start_at_step'))} to the end of the same {number(wf.value(later, 'steps'))} "
            f"on from the leftover noise of '{before.title or before.shown_cls}' (#{before.id}): the rest of the one "
            "take, which the generator samples whole")


def said(wf: Workflow, later: CNode) -> str | None:
    """The sentence of ``later`` where it is the rest of one sampling split in two; None else."""
    before = continued_from(wf, later)
    return line(wf, later, before) if before is not None else None
