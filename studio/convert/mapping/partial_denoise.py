"""A first pass that denoises only part of its schedule (KSampler's denoise below 1, a pack's sampler read as it) on a
latent no clip is encoded into (an empty latent, a task node's): ComfyUI samples only the last part of the schedule
from it; a generator samples the whole, so the value is said as not applied, naming the sampler (a video to video's
denoise is its strength: intent.py). Plain data."""
from __future__ import annotations

from ..tracing.sigma_steps import sigma_steps, split
from ..tracing.walks import sampler_denoise
from ..values.shown import g4


def denoise_line(wf, node, params: dict) -> str | None:
    """The note's line for ``node``'s denoise below 1 where the generator has no strength to take it; None else."""
    d = sampler_denoise(wf, node)
    if d is None and "strength" not in params and (line := _split_line(wf, node)) is not None:
        return line
    if d is None or d >= 1 or "strength" in params:
        return None
    share = f"only the last {g4(round(d * 100, 1))} % of its schedule from the latent it is given; not applied, the " \
            "generator samples the whole schedule"
    name = f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id})"
    if (start := _start_step(wf, node)) is not None:  # its start step, not a denoise it has (heldout60 06)
        return f"- {name} starts at step {start[0]} of its {start[1]} steps: ComfyUI samples {share}"
    if "denoise" in getattr(node, "placed", ()):  # a value at denoise's place of an undeclared node: a guess
        return f"- {name}'s value {g4(d)} at the place {node.cls} declares 'denoise' in (its values named by " \
               f"place): were it its denoise, ComfyUI would sample {share}"
    return f"- denoise {g4(d)} of {name}: ComfyUI samples {share}"


def _start_step(wf, node) -> tuple[int, int] | None:
    """(start, steps) where a sampler read as KSamplerAdvanced starts part way down its steps and has no denoise below
    1 of its own (a pack's sampler kept as it was may: walks.sampler_denoise): its share of the schedule is its start
    step's, which a 'denoise' it does not have would misname (heldout60 06: WanVideoSampler's start_step 2 of 4)."""
    if node.cls != "KSamplerAdvanced":
        return None
    own = node.widgets.get("denoise")
    if isinstance(own, (int, float)) and not isinstance(own, bool) and own < 1:
        return None
    steps, start = wf.value(node, "steps"), wf.value(node, "start_at_step")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (steps, start)) or not 0 < start < steps:
        return None
    return start, steps


def _split_line(wf, node) -> str | None:
    """The line for a first pass given the later part of ComfyUI's SplitSigmas (its steps from the splitter's on;
    heldout59 07: LTX-Video's video to video sampled the 19 sigmas after SplitSigmas' first of 20, named nowhere)."""
    given, first, last, splitters = split(wf, node)
    if not splitters or not first:
        return None
    sig, _ = sigma_steps(wf, given)
    steps = wf.value(sig, "steps") if sig is not None else None
    if not isinstance(steps, int) or isinstance(steps, bool) or steps <= first:
        return None
    cut = splitters[-1]
    return (f"- '{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) samples steps {first} to "
            f"{steps if last is None else last} of {steps} ({cut.shown_cls}, #{cut.id}, at step {first}): ComfyUI "
            "starts part way down the schedule, from the latent it is given; not applied, the generator samples the "
            "whole schedule")
