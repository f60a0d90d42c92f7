"""Classifier-free guidance on a take's first steps only (KJNodes' ScheduledCFGGuidance window from step 0, the
wrapper's cfg lists of one value then 1): after step ``k`` the pipeline's unconditional call is given the
conditional call's output of the same step, so the guided prediction is the conditional one (guidance 1), as
ComfyUI samples those steps with no unconditional call. Here: a block around one call of a Wan pipeline (diffusers'
WanPipeline / WanImageToVideoPipeline: each step a call under ``cache_context('cond')`` then one under
``cache_context('uncond')``, the scheduler's ``step`` after them) hooking its denoisers and counting its steps."""
from __future__ import annotations

from ...base.hooks import denoiser_hooks

HOOK = "studio_wan_guidance_steps"


def _make_hook(counter):
    from diffusers.hooks import ModelHook

    from ...base.hooks import call_name, call_tracker

    class _Cut(ModelHook):
        _is_stateful = True  # so the pipeline's cache_context('cond' / 'uncond') reaches ``where``

        def __init__(self):
            super().__init__()
            self.where = call_tracker()
            self.last = None  # the conditional output of the step under way
            self.skipped = 0  # unconditional calls given it

        def reset_state(self, module):
            return module

        def new_forward(self, module, *args, **kwargs):
            name = call_name(self.where)
            if name == "uncond" and counter.done >= counter.steps and self.last is not None:
                self.skipped += 1
                return self.last
            out = self.fn_ref.original_forward(*args, **kwargs)
            if name == "cond":
                self.last = out
            return out
    return _Cut()


class guidance_steps_applied(denoiser_hooks):
    """Inside the block ``pipe``'s calls are guided on their first ``steps`` scheduler steps only; ``skipped``: the
    unconditional calls given the conditional output (after the block)."""

    def __init__(self, pipe, steps: int):
        self.steps, self.done = int(steps), 0
        super().__init__(pipe, HOOK, lambda mod: _make_hook(self))
        self._step = None

    def __enter__(self):
        sched = self.pipe.scheduler
        own = "step" in vars(sched)
        self._step = (sched, own, vars(sched).get("step"))
        orig = sched.step

        def step(*args, **kwargs):
            out = orig(*args, **kwargs)
            self.done += 1
            for h in self.hooks:
                h.last = None
            return out
        sched.step = step
        return super().__enter__()

    def __exit__(self, *exc):
        sched, own, value = self._step
        if own:
            sched.step = value
        else:
            del sched.step
        return super().__exit__(*exc)

    @property
    def skipped(self) -> int:
        return sum(h.skipped for h in self.hooks)


def guidance_steps_on(ctx, pipe, steps: int, of: int):
    """Wan's guidance on the first ``steps`` of the take's ``of`` steps (the GuidanceSteps capability), said."""
    ctx.info(f"classifier-free guidance on the first {steps} of the {of} steps only; the {of - steps} after are "
             "sampled with the prompt alone (guidance 1), as ComfyUI samples the steps outside a guidance window")
    return guidance_steps_applied(pipe, steps)
