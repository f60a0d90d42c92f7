"""The generators' 'sampler' and 'shift': a flow-matching model's scheduler swapped for the length of
one run (FlowMatchEuler, UniPC or DPM++ with flow sigmas, its shift set) and put back after it,
however the run ends, so the cached pipeline is never left changed; a model sampling on discrete betas (AnimateDiff's
DDIM) swapped for LCMScheduler on the same betas by 'lcm' (AnimateLCM's sampler: lcm.py). 'auto' with shift 0 leaves
the model's own scheduler as it is."""
from __future__ import annotations

from contextlib import contextmanager

from studio.core.errors import StudioError

from . import lcm

SAMPLER_CHOICES = ("auto", "euler", "unipc", "dpm++", "lcm")
SAMPLER_HELP = ("auto: the model's own scheduler. Flow-matching models (Wan, LTX-Video, LTX-2, HunyuanVideo): "
                "euler: FlowMatchEulerDiscreteScheduler; unipc: UniPCMultistepScheduler; dpm++: "
                "DPMSolverMultistepScheduler (the last two with flow sigmas). Models on discrete betas (AnimateDiff): "
                "lcm: LCMScheduler on the model's betas, the sampler of latent-consistency models (AnimateLCM's "
                "motion module, LCM LoRAs), few steps at low guidance")
SHIFT_HELP = "flow shift of the schedule (Wan 2.1 480p: 3, 720p: 5; ComfyUI's ModelSamplingSD3); 0: the model's own"
CLASSES = {"euler": "FlowMatchEulerDiscreteScheduler", "unipc": "UniPCMultistepScheduler",
           "dpm++": "DPMSolverMultistepScheduler"}


def is_flow(sched) -> bool:
    cfg = dict(getattr(sched, "config", {}) or {})
    return type(sched).__name__.startswith("FlowMatch") or bool(cfg.get("use_flow_sigmas")) or \
        cfg.get("prediction_type") == "flow_prediction"


def own_shift(sched) -> float:
    cfg = dict(sched.config)
    return float(cfg.get("shift") if type(sched).__name__.startswith("FlowMatch") else cfg.get("flow_shift") or 1.0)


def scheduler_for(sched, sampler: str, shift: float):
    """A new scheduler from ``sched``'s config: ``sampler`` (or its own class) at ``shift`` (or its own)."""
    import diffusers
    name = type(sched).__name__ if sampler == "auto" else CLASSES[sampler]
    s = float(shift) if shift else own_shift(sched)
    cfg = dict(sched.config)
    if cfg.get("use_dynamic_shifting"):
        if shift:
            raise StudioError(f"'shift' is not used by this model: its scheduler ({type(sched).__name__}) shifts "
                              "with the clip's size (LTX-Video's dynamic shifting); set shift to 0")
        if not name.startswith("FlowMatch"):
            raise StudioError(f"'sampler' {sampler} cannot follow this model's size-dependent shift: use auto or euler")
    cls = getattr(diffusers, name)
    if name.startswith("FlowMatch"):
        return cls.from_config(cfg, shift=s)
    return cls.from_config(cfg, use_flow_sigmas=True, prediction_type="flow_prediction", flow_shift=s)


@contextmanager
def scheduler_applied(ctx, pipe, params):
    """The run's sampler and shift on ``pipe`` inside the block; the model's own after it."""
    get = params.get if hasattr(params, "get") else (lambda k, d=None: d)
    sampler = get("sampler", "auto") or "auto"
    shift = float(get("shift", 0.0) or 0.0)
    old = getattr(pipe, "scheduler", None)
    if (sampler == "auto" and not shift) or old is None:
        yield
        return
    if sampler in lcm.DISCRETE:  # (a model on discrete betas: AnimateLCM's sampler, lcm.py)
        with swapped(pipe, lcm.scheduler_for(ctx, old, sampler, shift)):
            yield
        return
    if not is_flow(old):
        raise StudioError(f"'sampler' and 'shift' apply to flow-matching models (Wan, LTX-Video, LTX-2, "
                          f"HunyuanVideo); this model samples with {type(old).__name__}: set sampler to auto "
                          + ("(or lcm: LCMScheduler on its betas) " if lcm.discrete(old) else "") + "and shift to 0")
    from .sampler_fit import refusal  # (a pipeline that hands its scheduler sigmas: diffusers' own words otherwise)
    if why := refusal(type(pipe).__name__, sampler, CLASSES):
        raise StudioError(why)
    new = scheduler_for(old, sampler, shift)
    own = dict(new.config).get("_studio_schedule") if own_shift(new) == 1.0 and \
        type(new).__name__.startswith("FlowMatch") else None  # a family's own schedule at shift 1 (FLUX.2 klein's)
    ctx.info(f"sampling with {type(new).__name__}, " + (own or f"shift {own_shift(new):g}"))
    with swapped(pipe, new):
        yield


@contextmanager
def swapped(pipe, new):
    """``pipe.scheduler`` is ``new`` inside the block; the model's own is put back however it ends (the
    cached pipeline is never left changed)."""
    old = pipe.scheduler
    pipe.scheduler = new
    try:
        yield
    finally:
        pipe.scheduler = old


@contextmanager
def sigmas_as_given(ctx, pipe, recipe):
    """For a recipe with its own sigmas: the flow-matching scheduler without its shift (size-dependent or
    fixed) for the run, so the sigmas run as the template gives them; the model's own after it."""
    old = getattr(pipe, "scheduler", None)
    if recipe is None or not recipe.sigmas or old is None or not type(old).__name__.startswith("FlowMatch"):
        yield
        return
    cfg = dict(old.config)
    if not (cfg.get("use_dynamic_shifting") or float(cfg.get("shift", 1.0) or 1.0) != 1.0 or cfg.get("shift_terminal")):
        yield
        return
    ctx.info(f"draft: {recipe.title}'s sigmas as given ({type(old).__name__}'s shift off for this run)")
    with swapped(pipe, type(old).from_config(cfg, use_dynamic_shifting=False, shift=1.0, shift_terminal=None)):
        yield


@contextmanager
def one_step_unstretched(ctx, pipe, steps: int):
    """A one-step run on a flow-matching scheduler that stretches its sigmas to a terminal value
    (LTX-Video's and LTX-2's ``shift_terminal`` 0.1): diffusers' stretch divides by 1 - the last
    sigma, which is 0 when 1.0 is the only one, and every frame came out NaN. For that run the
    scheduler without the stretch (one step from 1 to 0), said; the model's own after it."""
    old = getattr(pipe, "scheduler", None)
    cfg = dict(getattr(old, "config", None) or {})
    if steps != 1 or not cfg.get("shift_terminal") or not type(old).__name__.startswith("FlowMatch"):
        yield
        return
    ctx.info(f"one step: the schedule's stretch to its last sigma ({cfg['shift_terminal']:g}) needs two steps or "
             "more; this step goes from noise to the picture without it")
    with swapped(pipe, type(old).from_config(cfg, shift_terminal=None)):
        yield
