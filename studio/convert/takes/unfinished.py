"""An output whose only pass is the first part of one sampling: a later pass (of another output) samples on from its
latent adding no noise (ComfyUI's Wan 2.2 pair: the high-noise expert's leftover noise, or its denoised estimate, the
low-noise expert's to finish), so what this output writes is that pass's take unfinished - a progress preview.
Studio's generator makes every take whole: this output's is made whole on that pass's model alone, said (heldout39
09: a 'Progress - HIGH' save was made a second whole take of the high-noise expert, unsaid). Told by the samplers'
declared shapes and links (takes.passes, tracing.walks), never by a pack's name. Nothing is said where the first pass
runs its whole schedule (its steps window reaching its step count, or ComfyUI's 'to the end': its sigmas end at 0, so
its take is finished whatever its 'return_with_leftover_noise'); a later pass ComfyUI does not run (reaching no
output: mapping/unrun.idle) is named as such, the take written as the first pass leaves it (heldout70 01: a 0-20 of 20
high-noise take was said "unfinished in ComfyUI" because a low-noise pass nothing read "samples on" from it). Plain
stdlib."""
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


def idle_line(first: CNode, later: CNode, steps: str) -> str:
    """The sentence of an output whose one pass ``first`` runs ``steps`` (its window, in words) and whose later pass
    ``later`` ComfyUI does not run (it reaches no output)."""
    name = first.title or first.shown_cls
    return (f"'{later.title or later.shown_cls}' ({later.shown_cls}, #{later.id}), which would sample on from this "
            f"pass's latent, reaches no output, so ComfyUI writes the take of '{name}' (#{first.id}) as it leaves it "
            f"after {steps}; Studio's generator makes its takes whole: this one is made whole on this pass's model "
            "alone")


def runs_whole(main: Any) -> bool:
    """Whether the pass ``main`` (a tracing.sampling.Sampling) runs to the end of its schedule: its window's end a
    number at or past its step count, or one ComfyUI reads as 'to the end' (10000 and more, -1): its last sigma is
    0, so its take is finished in ComfyUI (False where either is not a number: not known)."""
    end, steps = main.end, main.steps
    if not isinstance(end, (int, float)) or isinstance(end, bool):
        return False
    return end < 0 or end >= 10000 or (isinstance(steps, int) and not isinstance(steps, bool) and end >= steps)


def range_lines(wf: Workflow, main: Any, rest: list, idle: frozenset[str] = frozenset()) -> list[str]:
    """The note's lines of an output's first pass ``main`` (a tracing.sampling.Sampling): the steps of its schedule
    it runs, where it runs part of them; and, where it is the output's only pass, does not run its whole schedule
    and a later one samples on from it, that its take is made whole (``line``; ``idle_line`` where that later pass
    is in ``idle``, what ComfyUI does not run)."""
    of = f"of {shown(main.steps)}" if main.steps is not None else "of the schedule its sigmas give"  # (never 'None')
    out = [f"- first sampler runs {pass_range(main.start, main.end)} {of}"] \
        if main.start is not None and main.end is not None else []
    if rest or runs_whole(main) or (later := later_pass(wf, main.node)) is None:
        return out
    if later.id in idle:
        out.append(f"- {idle_line(main.node, later, f'{pass_range(main.start, main.end)} {of}')}")
    else:
        out.append(f"- {line(main.node, later)}")
    return out
