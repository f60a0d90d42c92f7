"""An output whose only pass is the first part of one sampling: a later pass (of another output) samples on from its
latent adding no noise (ComfyUI's Wan 2.2 pair: the high-noise expert's leftover noise, or its denoised estimate, the
low-noise expert's to finish), so what this output writes is that pass's take unfinished - a progress preview.
Studio's generator makes every take whole: this output's is made whole on that pass's model alone, said (heldout39
09: a 'Progress - HIGH' save was made a second whole take of the high-noise expert, unsaid). Told by the samplers'
declared shapes and links (takes.passes, tracing.walks), never by a pack's name. Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from ..tracing.walks import adds_noise
from ..values.shown import pass_range, shown
from .passes import is_pass, latent_back


def later_pass(wf: Workflow, first: CNode) -> CNode | None:
    """The pass that samples on from ``first``'s latent straight (nothing between) adding no noise; None where none
    does."""
    for n, _ in consumers(wf).get(first.id, ()):  # (straight: it reads ``first`` itself; the table made once)
        if n is first or not is_pass(wf, n) or adds_noise(wf, n):
            continue
        before, between = latent_back(wf, n)
        if before is first and not between:
            return n
    return None


def line(first: CNode, later: CNode) -> str:
    """The sentence of an output whose one pass ``first`` ``later`` finishes."""
    name = first.title or first.shown_cls
    return (f"'{later.title or later.shown_cls}' ({later.shown_cls}, #{later.id}) samples on from this pass's latent "
            f"adding no noise (the rest of one sampling), so this output writes the take of '{name}' (#{first.id}) "
            "unfinished in ComfyUI; Studio's generator makes its takes whole: this one is made whole on this pass's "
            "model alone")


def range_lines(wf: Workflow, main: Any, rest: list) -> list[str]:
    """The note's lines of an output's first pass ``main`` (a tracing.sampling.Sampling): the steps of its schedule
    it runs, where it runs part of them; and, where it is the output's only pass and a later one finishes it, that
    its take is made whole (``line``)."""
    of = f"of {shown(main.steps)}" if main.steps is not None else "of the schedule its sigmas give"  # (never 'None')
    out = [f"- first sampler runs {pass_range(main.start, main.end)} {of}"] \
        if main.start is not None and main.end is not None else []
    if not rest and (later := later_pass(wf, main.node)) is not None:
        out.append(f"- {line(main.node, later)}")
    return out
