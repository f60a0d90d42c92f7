"""A WanVideoSampler's denoise_strength below 1 given no latent on 'samples' (heldout32 03: a serverless request's
0.8 on an image-to-video take was dropped unsaid). The wrapper then starts its fresh noise part-way down its
schedule, at step steps - int(steps x denoise_strength) - 1 (its sampler's rule, read for meaning, nothing copied),
skipping the steps before it; Studio's generators start from pure noise at the top of their schedule, so the value
is said as not applied, naming the step. Where that step is 0 the wrapper samples the whole schedule: nothing is
said. Plain data."""
from __future__ import annotations

from studio.convert.api import CNode, finite


def fresh_start(n: CNode, w: dict) -> str | None:
    """The sentence for sampler ``n`` (its settings ``w``) skipping the first steps of its schedule on fresh noise;
    None where it samples the whole (denoise_strength 1, a start step of its own, or a skip of none)."""
    d, steps, start = w.get("denoise_strength"), w.get("steps"), w.get("start_step")
    if not (finite(d) and finite(steps)) or d >= 1 or d <= 0 or "steps" in n.links or "denoise_strength" in n.links:
        return None
    if finite(start) and start > 0:  # (the wrapper refuses a start step beside a denoise_strength below 1)
        return None
    k = int(steps) - int(int(steps) * float(d)) - 1
    if k <= 0:
        return None
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s denoise_strength {float(d):g} on no latent "
            f"(nothing on its 'samples'): the wrapper starts its fresh noise at step {k} of its {int(steps)}, "
            f"skipping the first {'step' if k == 1 else f'{k} steps'}; not applied, the generator samples its whole schedule from pure noise")


SAMPLERS = ("WanVideoSampler", "WanVideoSamplerSettings", "KSamplerAdvanced")  # (a pass as translated, or not yet)


def continues(t, n: CNode, samples, start, denoise, w: dict) -> bool:
    """Whether sampler ``n`` samples on from another pass's latent adding no noise: given another sampler's latent on
    'samples', from a later step of the schedule (start_step above 0), its whole denoise, add_noise_to_samples off
    (the wrapper then takes the latent as it is: its sampler's rule, read for meaning). ComfyUI's KSamplerAdvanced
    says so with add_noise 'disable'; a clip encoded on 'samples' (video to video) is noised as before."""
    src = t.wf.nodes.get(samples[0]) if samples is not None else None
    if src is None or (src.origin or src.cls) not in SAMPLERS or not (finite(start) and start > 0):
        return False
    return not (finite(denoise) and denoise < 1) and w.get("add_noise_to_samples") is not True
