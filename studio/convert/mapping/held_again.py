"""Another output of a task Studio holds (heldout71 03: LongCat-Video's five segments, each its own sampler and save,
all one task in words): the task's sentence is said once, for its words, with the first output's settings; each
further output whose own settings (its sampler's seed, its size...) are not said yet is named with them, so no pass
of the workflow is held unsaid. An output whose settings were said (a second save of the same pass) is not repeated,
its writer's rate aside (each output's own: heldout86, the rate said among a held task's values). Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.walks import upstream_run
from . import held_values


def said(b, save: CNode | None, what: str, fam: str, up: list[CNode]) -> None:
    """The sentence of ``save``, another output of the held task ``what`` with ``fam`` (``b``: the conversion)."""
    if save is None:
        return
    region = up or upstream_run(b.wf, save)
    values, passes = held_values.said(b.wf, region), held_values.said(b.wf, region, rates=False).strip()
    if not values or passes and any(passes in line or passes[:-1] + "; " in line for line in b.out.log):
        return
    base, _, k = save.id.partition("~")  # (one take of several an output joins, read as its own save: takes.joined)
    joined = b.wf.nodes.get(base) if k else None
    who = f"The take {k} {CNode.named(joined)} joins" if joined is not None else CNode.named(save)
    b.say(f"{who} is another output of that task ({what} with {fam}), held the same way, with no generator of its "
          f"own.{values}")
