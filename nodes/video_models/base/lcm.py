"""The generators' 'lcm' sampler: a model sampling on discrete betas (AnimateDiff's DDIM, schedule.py of its family, or
a diffusers folder's DDIM / PNDM / Euler) sampled for one run with diffusers' LCMScheduler on the same betas, the
sampler latent-consistency models are distilled for (AnimateLCM's motion module, an LCM LoRA): each step predicts the
clean latent and noises it again to the next timestep, as ComfyUI's 'lcm' sampler does.

The scheduler is made as AnimateLCM's own released code makes it (G-U-N/AnimateLCM, MIT, commit f873122:
animatelcm_sd15/batch_inference.py builds its LCMScheduler from animatelcm_sd15/configs/inference-t2v.yaml's
noise_scheduler_kwargs: beta_start 0.00085, beta_end 0.012, beta_schedule 'linear', original_inference_steps 100,
steps_offset 1, every other value LCMScheduler's default): the model's own betas and step offset (for Studio's
AnimateDiff from ComfyUI's files, exactly those), AnimateLCM's 100-step original schedule. Plain data until a run
asks it (diffusers imported then)."""
from __future__ import annotations

from studio.core.errors import StudioError

DISCRETE = {"lcm": "LCMScheduler"}  # the generators' samplers of models on discrete betas -> diffusers' class
ORIGINAL_STEPS = 100  # AnimateLCM's original_inference_steps (configs/inference-t2v.yaml)
# the config values of the model's scheduler LCMScheduler takes over: its betas, its training steps, what its
# network predicts and its step offset; the rest LCMScheduler's own defaults, as AnimateLCM's
KEPT = ("num_train_timesteps", "beta_start", "beta_end", "beta_schedule", "trained_betas", "prediction_type",
        "steps_offset", "rescale_betas_zero_snr")


def discrete(sched) -> bool:
    """A scheduler on discrete betas (a DDPM-type one: DDIM, PNDM, Euler...), not a flow-matching or EDM one."""
    cfg = dict(getattr(sched, "config", {}) or {})
    return not type(sched).__name__.startswith("FlowMatch") and not cfg.get("use_flow_sigmas") and "beta_schedule" in cfg and cfg.get("timestep_type", "discrete") == "discrete" \
        and cfg.get("prediction_type", "epsilon") in ("epsilon", "v_prediction", "sample")


def config_of(sched) -> dict:
    """LCMScheduler's config for a model whose scheduler is ``sched``: its betas kept, AnimateLCM's original schedule."""
    cfg = dict(sched.config)
    return {**{k: cfg[k] for k in KEPT if k in cfg}, "original_inference_steps": ORIGINAL_STEPS}


def scheduler_for(ctx, sched, sampler: str, shift: float):
    """The scheduler of ``sampler`` (an entry of DISCRETE) for a model sampling with ``sched``; refused in words where
    the model does not sample on discrete betas, or a shift is asked (a flow model's setting)."""
    name = type(sched).__name__
    if not discrete(sched):
        raise StudioError(f"'sampler' {sampler} ({DISCRETE[sampler]}) samples models on discrete betas (AnimateDiff, "
                          f"AnimateLCM's motion module); this model samples with {name}: set sampler to auto, or to "
                          "euler, unipc or dpm++ for a flow-matching model")
    if shift:
        raise StudioError(f"'shift' applies to flow-matching models; this model samples on discrete betas ({name}): "
                          f"set shift to 0 for 'sampler' {sampler}")
    import diffusers
    new = getattr(diffusers, DISCRETE[sampler])(**config_of(sched))
    ctx.info(f"sampling with {type(new).__name__} on the model's betas ({new.config.beta_schedule} "
             f"{new.config.beta_start:g}-{new.config.beta_end:g}), {ORIGINAL_STEPS}-step original schedule")
    return new
