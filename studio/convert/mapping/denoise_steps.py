"""A clip's Video to Video read from a sampler that denoises part way, its steps the ones ComfyUI runs. ComfyUI's
KSampler at denoise d runs its 'steps' over the last d of a longer schedule (comfy/samplers.py KSampler.set_steps:
int(steps / d) steps made, the last steps + 1 sigmas kept); a BasicScheduler's denoise gives the same sigmas; a
ManualSigmas list starting below 1 runs its own count from that noise level. Studio's Video to Video, as diffusers'
video-to-video pipelines do, runs int(steps x strength) of its 'steps' (their get_timesteps). So with the same number
its take would run fewer steps than the workflow's (20 at denoise 0.6: 12): Studio's 'steps' is made the smallest
schedule whose strength share is the workflow's count, said in one sentence. A sampler whose steps already count the
whole schedule (KSamplerAdvanced's start_at_step, a wrapper's denoise_strength: int(steps x d) run, as Studio's) is
left as read. Plain stdlib."""
from __future__ import annotations

from studio.core.shown import number

from ..reading.core_nodes import is_core
from ..reading.workflow import CNode, Workflow

RUN_COUNTED = ("BasicScheduler", "ManualSigmas")  # sigma makers whose steps are the steps run at a denoise below 1
MAX_STEPS = 10_000


def schedule(run: int, strength: float) -> int:
    """The fewest steps N (at least ``run``) of which a strength ``strength`` runs ``run``: int(N x strength) >= run."""
    n = max(run, round(run / strength))
    while int(n * strength + 1e-9) < run and n < MAX_STEPS:
        n += 1
    return n


def counts_run(wf: Workflow, sampler: CNode) -> bool:
    """Whether ``sampler``'s steps, as read, are the steps it runs at its denoise (ComfyUI's KSampler, a
    BasicScheduler's or a ManualSigmas' sigmas), not those of its whole schedule."""
    if not is_core(sampler):  # (a pack's sampler read as a core one counts its steps its own way: CogVideoXWrapper's,
        return False  # as diffusers, runs int(steps x denoise); left as read)
    if sampler.cls == "KSampler":
        return True
    sig = wf.source(sampler, "sigmas")
    return sig is not None and sig.cls in RUN_COUNTED and is_core(sig)


def apply(wf: Workflow, sampler: CNode | None, params: dict, said: list[str]) -> None:
    """``params``' steps made those of which its strength runs the workflow's count, said; nothing where the sampler's
    steps count its whole schedule or nothing is to change."""
    # (AnimateDiff ControlNet's restyle: its 'strength' is its ControlNet's weight, the restyle's strength 'denoise')
    key = "denoise" if "denoise" in params else "strength"
    steps, strength = params.get("steps"), params.get(key)
    if sampler is None or not isinstance(steps, int) or isinstance(steps, bool) or steps < 1 \
            or not isinstance(strength, float) or not 0 < strength < 1 or not counts_run(wf, sampler):
        return
    n = schedule(steps, strength)
    if n == steps:
        return
    params["steps"] = n
    sig = wf.source(sampler, "sigmas")
    plural = "s" if steps != 1 else ""
    how = (f"runs {steps} step{plural} from noise level {number(strength)} (its first sigma)"
           if sig is not None and sig.cls == "ManualSigmas" else
           f"runs its {steps} step{plural} over the last {round(100 * strength, 2):g} % of its schedule "
           f"(denoise {number(strength)})")
    what = "Video to Video runs 'strength'" if key == "strength" else "AnimateDiff ControlNet runs 'denoise'"
    said.append(f"{sampler.named()} {how}: Studio's {what} x 'steps' of its own schedule, so "
                f"its steps are {n} ({steps} run at {key} {number(strength)})")
