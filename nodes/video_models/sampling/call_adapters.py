"""A pipeline call adapted to a pipeline whose ``__call__`` lacks what the sampler passes:
diffusers 0.42.1's HunyuanVideo 1.5 pipelines take no ``callback_on_step_end`` (so the sampler's
per-step work, progress, previews, Stop and timing, runs after each scheduler step instead, where
the pipeline's own callback would) and no ``guidance_scale`` (their guidance is their ``guider``'s:
a copy with the node's scale is used for the call); the image-to-video one takes no size either
(it picks the bucket of its ``target_size`` nearest the image's aspect: the image is cropped to the
node's size and the target set to that size's area, so the bucket is the node's size). Everything
is put back after the call."""
from __future__ import annotations

import math
from contextlib import ExitStack, contextmanager
from typing import Any, Callable

from ..base.calls import call_params
from ..base.errors import ModelError

STEP_CALLBACK = "callback_on_step_end"


def guided_by_guider(pipe) -> bool:
    """The pipeline's guidance scale is its guider's, not a call argument."""
    guider = getattr(pipe, "guider", None)
    return (guider is not None and "guidance_scale" in getattr(guider, "config", {})
            and "guidance_scale" not in call_params(pipe))


def sized_by_buckets(pipe) -> bool:
    """The pipeline makes the size of its bucket nearest the image (HunyuanVideo 1.5 I2V), not a
    height and width it is given."""
    params = call_params(pipe)
    return ("height" not in params and hasattr(pipe, "target_size")
            and hasattr(getattr(pipe, "video_processor", None), "calculate_default_height_width"))


@contextmanager
def adapted_call(pipe, call: dict[str, Any]):
    """``call`` less what the pipeline does not take, with what it stood for applied for the call."""
    params = call_params(pipe)
    call = dict(call)
    with ExitStack() as stack:
        if STEP_CALLBACK in call and STEP_CALLBACK not in params:
            on_step = call.pop(STEP_CALLBACK)
            call.pop("callback_on_step_end_tensor_inputs", None)
            stack.enter_context(after_each_scheduler_step(pipe, on_step))
        if "guidance_scale" in call and guided_by_guider(pipe):
            stack.enter_context(_guider_scale(pipe, float(call.pop("guidance_scale"))))
        if "guidance_scale" in call and getattr(pipe, "guidance_as_true_cfg", False) and "true_cfg_scale" in params:
            call["true_cfg_scale"] = call.pop("guidance_scale")  # (Qwen-Image's: true CFG with the negative prompt,
            if call["true_cfg_scale"] > 1 and call.get("negative_prompt") is None:  # an empty one as ComfyUI's)
                call["negative_prompt"] = ""
        if "height" in call and "image" in call and sized_by_buckets(pipe):
            stack.enter_context(_bucket_of(pipe, call, int(call.pop("height")), int(call.pop("width"))))
        yield call


@contextmanager
def after_each_scheduler_step(pipe, on_step: Callable):
    """``on_step(pipe, i, t, {"latents": ...})`` after each of the call's scheduler steps, as the
    pipeline's own step callback would be called; latents it returns replace the step's (also the step
    work of a modular pipeline's call, whose blocks take no callback: chain_steps.ChainSteps)."""
    import types
    sched = pipe.scheduler
    step, i = sched.step, [0]

    def stepped(this, model_output, timestep, sample, *args, **kwargs):
        # a copy of the scheduler the pipeline makes and swaps in mid-call (Text2Video-Zero's) steps by its own state
        own = step if this is sched else type(this).step.__get__(this)
        out = own(model_output, timestep, sample, *args, **kwargs)
        latents = out[0] if isinstance(out, tuple) else out.prev_sample
        new = on_step(pipe, i[0], timestep, {"latents": latents}).get("latents", latents)
        i[0] += 1
        if new is latents:
            return out
        if isinstance(out, tuple):
            return (new, *out[1:])
        out.prev_sample = new
        return out

    sched.step = types.MethodType(stepped, sched)  # this instance only (a deep copy of it rebinds), for this call
    try:
        yield
    finally:
        # from a copy swapped in too: the next call's work is not stepped through this one's
        for s in {id(s): s for s in (sched, getattr(pipe, "scheduler", None)) if s is not None}.values():
            if getattr(vars(s).get("step"), "__func__", None) is stepped:
                del s.step


@contextmanager
def _guider_scale(pipe, scale: float):
    guider = pipe.guider
    pipe.guider = guider.new(guidance_scale=scale)
    try:
        yield
    finally:
        pipe.guider = guider


@contextmanager
def _bucket_of(pipe, call: dict, h: int, w: int):
    """The image cropped to ``w`` x ``h`` (the library's own crop) and the pipeline's target size set
    so that its bucket list holds exactly that size, for the call; refused when it cannot."""
    vp = pipe.video_processor
    patch = int(vp.config.vae_scale_factor)
    if h % patch or w % patch:
        raise ModelError(f"{type(pipe).__name__} makes sizes in steps of {patch} pixels: {w}x{h} is not one")
    target = patch * math.sqrt((h // patch) * (w // patch))
    if tuple(vp.calculate_default_height_width(h, w, target)) != (h, w):
        raise ModelError(f"{type(pipe).__name__} cannot make {w}x{h}: its sizes are buckets near a target size")
    call["image"] = vp.resize(call["image"], height=h, width=w, resize_mode="crop")
    old = pipe.target_size
    pipe.target_size = target
    try:
        yield
    finally:
        pipe.target_size = old
