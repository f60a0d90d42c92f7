"""The road of a modular pipeline's call (modular_call: Wan Animate 2's node makes its call through it too), and Text
to Video with a modular pipeline (MiniMax H3: diffusers' MiniMaxH3ModularPipeline; the distilled
Cosmos 3: Cosmos3DistilledBlocks, its steps fixed by its checkpoint), called as
diffusers documents it: ``pipe(prompt=..., generator=..., num_inference_steps=..., height=..., width=...,
num_frames=..., output_type='np')``, its ``videos`` the clip. One call makes the whole clip (no windows, no kept
steps); its blocks take no step callback, so progress, Stop and step previews come after each of its scheduler steps
(chain_steps.ChainSteps.scheduler_steps); what the node asks that the model does not take is refused or said, before
the call."""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from studio.core.errors import StudioError
from studio.engine.stack import fresh_stack

from ..base.capabilities import Modular


def _refuse_inputs(fam, features, schedule, keys: dict, keyframes: str) -> None:
    if features is not None:
        raise StudioError(f"{fam.title} reads the prompt's text inside its pipeline (its own text encoder or "
                          "tokens): Features cannot stand in for it; connect a Text or type the prompt")
    if schedule is not None:
        raise StudioError(f"{fam.title} makes a clip in one call: a prompt schedule cannot change its prompt")
    if any(v is not None for v in keys.values()) or keyframes.strip():
        raise StudioError(f"{fam.title} takes no keyframes at any frame in Studio's Text to Video")


# the generator's settings a modular pipeline's one call does not take (said when set)
# ('quality' is applied: a draft recipe sets the steps before the call, generators.py)
NOT_APPLIED = ("window", "long_take", "context_schedule", "hold_colour", "sampler", "shift", "compile", "attention",
               "step_cache", "motion", "noise_aug", "min_guidance", "svi_motion_latents")


def refuse_and_say(ctx, ref, params) -> None:
    """Refuse what a modular pipeline's call cannot take (LoRAs, where the family has no reader of them;
    MiniMax H3's are checked here from their headers), and say the settings it does not apply (``params``:
    the node's declared parameters, whose defaults are not said)."""
    fam = ref.fam
    if ref.loras and not fam.capability(Modular).check_loras(ref):
        raise StudioError(f"{fam.title} takes no LoRA in Studio (its modular pipeline is run as diffusers has it): "
                          f"remove the {len(ref.loras)} Load LoRA node(s) before the generator")
    p = ctx.params
    for prm in params:
        if prm.name in NOT_APPLIED and getattr(p, prm.name, prm.default) != prm.default:
            ctx.warn(f"{fam.title} is run in one call of diffusers' modular pipeline: '{prm.name}' is not applied")


def _canvas(pipe, like: tuple[int, int] | None) -> tuple[int, int]:
    """(width, height) the model makes when none is asked: MiniMax H3's canvas for ``like``'s aspect (the
    start image's: diffusers' resolve_canvas_size) or 16:9; a pipeline with no canvas of its own (the
    distilled Cosmos 3) the start image's size, else 1280 x 720 (its blocks' own default)."""
    multiple = getattr(pipe, "canvas_multiple", None)
    if multiple is None:
        return like or (1280, 720)
    from diffusers.modular_pipelines.minimax_h3.modular_pipeline import resolve_canvas_size
    cfg = dict(getattr(pipe, "config", None) or {})
    ch, cw = resolve_canvas_size(*(like or (16, 9)), multiple, int(cfg.get("canvas_short_edge", 768)),
                                 int(cfg.get("canvas_max_pixels", 768 * 1344)))
    return cw, ch


def _size(ctx, fam, pipe, side: int, like: tuple[int, int] | None) -> tuple[int, int]:
    """(width, height): asked (rounded down to the family's multiple, said), else the model's canvas
    (``_canvas``); shrunk to ``side`` on the longest side at preview size (0: not)."""
    p, m = ctx.params, fam.size_multiple
    cw, ch = _canvas(pipe, like)
    w, h = p.width or cw, p.height or ch
    if side and max(w, h) > side:
        k = side / max(w, h)
        pw, ph = max(m, int(w * k) // m * m), max(m, int(h * k) // m * m)
        ctx.info(f"preview size: {pw}x{ph} instead of {w}x{h} (set 'preview size' to off for the full size)")
        return pw, ph
    w2, h2 = max(m, w // m * m), max(m, h // m * m)
    if (w2, h2) != (w, h):
        ctx.warn(f"{fam.title} needs sizes in multiples of {m}: {w}x{h} asked, making {w2}x{h2}")
    return w2, h2


def _fixed_steps(fam, pipe, steps: int) -> None:
    """A distilled checkpoint's schedule is fixed (diffusers' ``distilled_sigmas`` config: the distilled Cosmos
    3's): other steps are refused in words before the call, as its pipeline refuses them."""
    fixed = len(dict(getattr(pipe, "config", None) or {}).get("distilled_sigmas") or ())
    if fixed and steps != fixed:
        raise StudioError(f"{fam.title} is a distilled checkpoint: its schedule is fixed at {fixed} steps (its "
                          f"distilled_sigmas, guidance baked in), not {steps}: set 'steps' to {fixed}, or 'quality' to "
                          "draft")


def denoiser_passes(scheduler, steps: int) -> int | None:
    """The denoiser passes ``steps`` make on ``scheduler`` (None: not known before the call). MiniMax H3's
    scheduler counts the schedule's terminal 0 among its steps (its set_timesteps: N grid points, N - 1 model
    evaluations), as its release does."""
    try:
        from copy import deepcopy
        probe = deepcopy(scheduler)  # the pipeline's own is set again by its call; a copy keeps it untouched
        probe.set_timesteps(steps)
        return len(probe.timesteps)
    except Exception:  # noqa: BLE001 - a scheduler set otherwise (sigmas fixed by a checkpoint): the call's own
        return None


def _passes_said(ctx, fam, pipe, steps: int) -> None:
    """Said before the call where the scheduler makes fewer denoiser passes than the steps asked (nothing is
    skipped: the model's own counting, which a user comparing the progress with 'steps' would otherwise not know)."""
    n = denoiser_passes(getattr(pipe, "scheduler", None), steps)
    if n is not None and 0 < n < steps:
        ctx.info(f"{fam.title}: {steps} steps make {n} denoiser passes (its scheduler, "
                 f"{type(pipe.scheduler).__name__}, counts the schedule's end as a step, as its release does)")


@contextmanager
def _configured(pipe, values: dict):
    """The modular pipeline with ``values`` as its config for the block, its own put back after
    (diffusers' update_components sets config values too)."""
    before = {k: dict(pipe.config).get(k) for k in values}
    if values:
        pipe.update_components(**values)
    try:
        yield pipe
    finally:
        if values:
            pipe.update_components(**before)


def modular_call(ref, kwargs, steps, frames: int, height: int, width: int, calls: int = 1, around=()):
    """The state of one call of ``ref``'s modular pipeline with ``kwargs`` (a dict, or a function giving it once
    ``around`` is entered): the one road of a modular pipeline's call (MiniMax H3's and the distilled Cosmos 3's
    take: modular_video; Wan Animate 2's segments: its node). Its blocks take no step callback
    (ModularPipeline.__call__), so ``steps`` (a chain_steps.ChainSteps) does the Sampler's step work after each of its
    scheduler steps (progress, Stop, a preview of the step's sample in the family's layout: Modular.step_latents);
    ``calls``, the denoising loops inside the call (Wan Animate 2's segments), each ``frames`` frames of ``width`` x
    ``height``; ``around``, contexts the call runs inside (entered in order, left however it ends: the node's config,
    LoRAs, guard); the call in a stack chunk of its own (studio/engine/stack.py)."""
    from contextlib import ExitStack
    pipe, modular = ref.module, ref.fam.capability(Modular)
    with ExitStack() as held:
        for c in around:
            held.enter_context(c)
        held.enter_context(steps.scheduler_steps(pipe, frames, height, width, calls,
                                                 lambda x: modular.step_latents(pipe, x, height, width)))
        return fresh_stack(pipe, **(kwargs() if callable(kwargs) else kwargs))


def modular_video(ctx, ref, text: str, negative: str, features, schedule, keys: dict, n: int, steps: int,
                  preview_side: int, image=None, last_image=None, references=None, configs=None,
                  keep_sound: bool | None = None, previews: bool = True):
    """(the clip of ``text`` made by ``ref``'s modular pipeline in one call, width, height): ``n``
    frames, ``steps`` steps, at most ``preview_side`` pixels on the longest side (0: the size asked);
    from a first (``image``) and / or last frame (``last_image``, float RGB arrays) when given: its
    'fl2va' workflow, the frames stretched onto the canvas (diffusers' MiniMaxH3ResizeStep); from
    ``references`` (the pipeline's reference objects, in order) when given: its 'ref2va' workflow.
    ``configs(width, height)``: the pipeline's config values for this call (set for the call, put
    back after it: the pipeline is the cached model's). ``keep_sound``: the soundtrack it makes goes
    with the clip (else said and dropped); None: as the family's Modular declares (``keeps_sound``). ``previews``: a step preview now and then (progress and Stop
    after every step whatever it is)."""
    from studio.engine.clip import ArrayClip

    from .chain_steps import ChainSteps
    from .sampler import to_pil
    p, fam, pipe = ctx.params, ref.fam, ref.module
    if fam.t2v is None and fam.i2v is None:  # a family run by its own node (Wan Animate 2): refused in its words
        fam.refuse_call("i2v" if image is not None or last_image is not None else "t2v", n, 0, 0)
    _refuse_inputs(fam, features, schedule, keys, getattr(p, "keyframes", ""))
    if negative.strip():
        ctx.warn(f"{fam.title} is guidance-distilled: it takes no negative prompt (not used)")
    if getattr(p, "guidance", 5.0) not in (5.0, 1.0) or getattr(p, "guidance_2", 0.0):  # 1: no guidance, as it runs
        ctx.warn(f"{fam.title} is guidance-distilled: 'guidance' is not used (one pass a step)")
    first = next((np.asarray(x, np.float32) for x in (image, last_image) if x is not None), None)
    w, h = _size(ctx, fam, pipe, preview_side, None if first is None else (first.shape[1], first.shape[0]))
    task = "r2v" if references else "i2v" if first is not None else "t2v"
    fam.refuse_call(task, n, h, w)
    _fixed_steps(fam, pipe, steps)
    _passes_said(ctx, fam, pipe, steps)
    modular = fam.capability(Modular)
    modular.ready(ctx, ref, task)  # MiniMax H3: the transformer the task runs on, read when it is not
    frames_in = {k: to_pil(np.asarray(x, np.float32)) for k, x in (("image", image), ("last_image", last_image))
                 if x is not None}
    if references:
        frames_in["references"] = list(references)
    taken = pipe.blocks.input_names
    extra = [k for k in frames_in if k not in taken]  # the distilled Cosmos 3: no last image
    if extra:
        raise StudioError(f"{fam.title} takes no {extra[0].replace('_', ' ')}: leave '{extra[0]}' unconnected")
    if "fps" in taken:  # the distilled Cosmos 3's prompt says the clip's duration at its rate
        frames_in["fps"] = float(p.fps or fam.fps)
    gen = ctx.torch_generator(device="cpu", salt=0)
    import torch
    # its config and LoRAs for the call, under inference mode (no autograd records, as the sampler's call: a modular
    # call runs under no_grad)
    state = modular_call(ref, dict(prompt=text, generator=gen, num_inference_steps=steps, height=h, width=w,
                                   num_frames=n, output_type="np", **frames_in),
                         ChainSteps(ctx, ref, steps, previews), n, h, w,
                         around=(_configured(pipe, configs(w, h) if configs else {}),
                                 modular.loras(ref, task, ctx.warn, ctx.info), torch.inference_mode()))
    videos = np.asarray(state.get("videos"), np.float32)  # [batch, frames, ...] (MiniMax H3) or [frames, ...] (Cosmos 3)
    frames = np.clip(videos[0] if videos.ndim == 5 else videos, 0, 1)
    rate = state.get("sampling_rate")
    if rate is None:  # a pipeline that makes no sound (the distilled Cosmos 3)
        return ArrayClip(frames, p.fps or fam.fps), w, h
    if (modular.keeps_sound if keep_sound is None else keep_sound) and state.get("audio") is not None:
        from studio.core.values import Audio
        sound = Audio(np.asarray(state.get("audio")[0].float().cpu().numpy(), np.float32).T, int(rate))
        ctx.info(f"{fam.title} made a soundtrack with the video ({rate} Hz stereo, {sound.duration:.2f} s): it goes "
                 "with the clip (Save Video writes it)")
        return ArrayClip(frames, p.fps or fam.fps, audio=sound), w, h
    ctx.info(f"{fam.title} also made a soundtrack ({rate} Hz stereo) beside the video: the node's output is the "
             "video, the sound is not kept")
    return ArrayClip(frames, p.fps or fam.fps), w, h
