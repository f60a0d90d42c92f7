"""The generators' guidance on a take's first steps only (guidance_steps: ComfyUI's ScheduledCFGGuidance window from
step 0): the setting declared once here, and the family's GuidanceSteps capability applied around the take's calls
(families/wan/guidance_steps.py for Wan); said where it is not applied, never dropped silently. A take in context
windows is guided so too: the sampler enters the windows' hook on the denoiser before this one (sampler._sample), and
diffusers' HookRegistry wraps the forward of the hooks registered before a new one, so the family's hook is the
outermost and sees each step's whole conditional and unconditional calls, each made window by window within it."""
from __future__ import annotations

from contextlib import contextmanager

from studio.core.params import Int

from ..base.capabilities import GuidanceSteps

PARAMS = (Int("guidance_steps", 0, min=0, max=1000,
              help="classifier-free guidance on the take's first this many steps only, the rest sampled with the "
                   "prompt alone (guidance 1), as ComfyUI's ScheduledCFGGuidance does outside its window; 0: every "
                   "step"),)


@contextmanager
def guided_steps(sampler, call: dict):
    """The call guided on its first ``guidance_steps`` steps only, where the node asks for it and the family has it;
    said at the sampler's first call."""
    ctx, fam, pipe = sampler.ctx, sampler.fam, sampler.pipe
    p = ctx.params
    k = int(getattr(p, "guidance_steps", 0) or 0)
    steps = int(call.get("num_inference_steps") or getattr(p, "steps", 0) or 0)  # (the call's: a draft's fewer)
    guided = max(float(call.get("guidance_scale") or 0), float(call.get("guidance_scale_2") or 0)) > 1.0
    say = not getattr(sampler, "guidance_steps_said", False)
    sampler.guidance_steps_said = True
    if k <= 0 or k >= steps or not guided:
        yield
        return
    cap = fam.capability(GuidanceSteps)
    why = "" if cap is not None else f"{fam.title}: {fam.why_without(GuidanceSteps)}"
    if why:
        if say:
            ctx.warn(f"guidance_steps {k} not applied: {why}; every step is guided")
        yield
        return
    with cap.applied(ctx if say else _Quiet(ctx), pipe, k, steps):
        yield


class _Quiet:
    """A context that says nothing (a take's later calls: said once)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def info(self, *_):
        pass

    def warn(self, *_):
        pass
