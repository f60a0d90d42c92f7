"""Two passes of ComfyUI's KSamplerAdvanced read as one schedule (a Wan 2.2 high- and low-noise expert pair) where the
first returns no leftover noise before its last step (return_with_leftover_noise 'disable': it ends fully denoised at
its end_at_step) and the next, on its latent, adds noise again (add_noise 'enable'): ComfyUI re-noises the take there;
Studio's generator runs the steps as one continuous schedule. Said, never silent. Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.walks import adds_noise


_name = CNode.named  # the node in a sentence


def line(wf: Workflow, first: CNode, later: list[CNode]) -> str | None:
    """The sentence where ``first`` ends denoised part way and a pass of ``later`` on its latent adds noise again."""
    end, steps = wf.value(first, "end_at_step"), wf.value(first, "steps")
    if wf.value(first, "return_with_leftover_noise") != "disable" or not isinstance(end, int) \
            or not isinstance(steps, int) or end >= steps:
        return None
    nxt = next((r for r in later if (src := wf.source(r, "latent_image")) is not None and src.id == first.id
                and adds_noise(wf, r)), None)
    if nxt is None:
        return None
    return (f"{_name(first)} ends at step {end} of {steps} returning no leftover noise (denoised there) and {_name(nxt)} "
            f"adds noise again: ComfyUI re-noises the take at step {end}; Studio's generator runs the steps as one "
            "schedule, without that")
