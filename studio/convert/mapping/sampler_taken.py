"""The generator's 'sampler' a workflow's sampler maps to (tracing.sampling.studio_sampler), where the pipeline of the
family being made cannot run it (the families' 'sampler_refused' hook, read from diffusers' declarations): its default
'auto' (the model's own scheduler) instead, and the sampling note says why (issue 112, samplers10: a HunyuanVideo
workflow's dpmpp_2m became 'dpm++', which HunyuanVideoPipeline refuses at the run)."""
from __future__ import annotations

from ..families import registry as families
from ..tracing.sampling import studio_sampler


def family_mapping(title: str | None):
    """The mapping of the family titled ``title``: its own or a task's title, else the title its model files name
    ('Wan 2.1': the Wan mapping's files); None where no mapping names it."""
    own = families.lookup("by_title").get(title)
    return own if own is not None or not title else next(
        (m for m in families.mappings() if any(t == title for _, t in m.files)), None)


def refused(b, sampler: str | None, task: str | None = None) -> str | None:
    """Why the generator being made (``task``: its Studio node type, the builder's ``task_now`` where not given)
    cannot take ``sampler``, in words; None where it can, is 'auto' or the family's pipeline is not known."""
    if not sampler or sampler == "auto":
        return None
    own = family_mapping(getattr(b, "family_now", None))
    node = task or getattr(b, "task_now", None)
    if own is None or not node:
        return None
    return next((why for hook in families.lookup("sampler_refused") if (why := hook(own.key, node, sampler))), None)

def own_sampler(title: str | None, sampler: str | None) -> tuple | None:
    """(the generator's 'sampler', its words, {ComfyUI scheduler: its words where its spacing is the sampler's own})
    a family sampling with its own scheduler declares for the workflow's ``sampler`` (hook 'own_samplers', by the
    name's start: AnimateDiff's 'lcm'); None where it declares none."""
    own = families.family_hook(title, "own_samplers") or {}
    return next((v for k, v in own.items() if (sampler or "").startswith(k)), None) if isinstance(sampler, str) else None


def param(b, main, flow: bool) -> str:
    """The generator's 'sampler' for the workflow's sampling ``main`` (tracing.sampling.Sampling): for a family
    sampling with its own scheduler (``flow`` False) the sampler it declares for it (:func:`own_sampler`), else 'auto';
    else the nearest of the generators' samplers, or 'auto' where the generator being made cannot take it
    (:func:`refused`)."""
    declared = own_sampler(getattr(b, "family_now", None), main.sampler) if not flow else None
    sampler = studio_sampler(main.sampler) if flow else declared[0] if declared else "auto"
    return "auto" if refused(b, sampler) else sampler
