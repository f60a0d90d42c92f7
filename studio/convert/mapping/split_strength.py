"""A sampler's Video to Video strength read from the later part of a split schedule (clipwork9, issue 112): ComfyUI's
sampler given a scheduler's sigmas from step k of its N on (SplitSigmas' second part: heldout59 07, LTX-Video 0.9's
video to video at step 1 of 20) samples its latent from the noise level of step k, running the last N - k steps, as
diffusers' video-to-video pipelines run the last int(N x strength) of their N: the strength (N - k) / N (rounded up, so
that it runs no fewer) runs the same steps. Where the sampler's own denoise is read (KSampler's, a BasicScheduler's),
that is taken first. Plain data."""
from __future__ import annotations

import math

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow
from ..tracing.sigma_steps import sigma_steps, split
from ..tracing.walks import sampler_denoise


def strength(wf: Workflow, s: CNode) -> tuple[float, str] | None:
    """(the strength, the sentence saying it) where sampler ``s`` takes the later part of a split of a scheduler's
    whole schedule (its steps known, its own denoise 1); None else."""
    given, first, last, splitters = split(wf, s)
    if not splitters or not first or last is not None:
        return None
    sig, _ = sigma_steps(wf, given)
    steps = wf.value(sig, "steps") if sig is not None else None
    d = wf.value(sig, "denoise") if sig is not None else None
    if not isinstance(steps, int) or isinstance(steps, bool) or steps <= first or d not in (None, 1, 1.0):
        return None
    k = math.ceil((steps - first) / steps * 10_000) / 10_000
    cut, run = splitters[-1], steps - first
    return k, (f"{s.named()} samples steps {first} to {steps} of {steps} ({cut.shown_cls}, #{cut.id}, at step "
               f"{first}): it denoises the latent it is given from that step's noise level, running the last {run}; "
               f"Video to Video's strength {number(k)} runs the last {run} of its {steps} steps")


def denoise(wf: Workflow, s: CNode) -> float | None:
    """How far sampler ``s`` denoises its latent: its own denoise (walks.sampler_denoise), else the strength its
    part of a split schedule gives (``strength``); None unknown."""
    d = sampler_denoise(wf, s)
    return d if d is not None else (strength(wf, s) or (None,))[0]


def said(wf: Workflow, s: CNode) -> list[str]:
    """``strength``'s sentence where sampler ``s`` has no denoise of its own; [] else."""
    got = strength(wf, s) if sampler_denoise(wf, s) is None else None
    return [got[1]] if got else []
