"""A first pass that denoises only part of its schedule (KSampler's denoise below 1, a pack's sampler read as it) on a
latent no clip is encoded into (an empty latent, a task node's): ComfyUI samples only the last part of the schedule
from it; a generator samples the whole, so the value is said as not applied, naming the sampler (a video to video's
denoise is its strength: intent.py). Plain data."""
from __future__ import annotations

from ..tracing.walks import sampler_denoise
from ..values.shown import g4


def denoise_line(wf, node, params: dict) -> str | None:
    """The note's line for ``node``'s denoise below 1 where the generator has no strength to take it; None else."""
    d = sampler_denoise(wf, node)
    if d is None or d >= 1 or "strength" in params:
        return None
    return (f"- denoise {g4(d)} of '{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}): ComfyUI samples "
            f"only the last {g4(round(d * 100, 1))} % of its schedule from the latent it is given; not applied, the "
            "generator samples the whole schedule")
