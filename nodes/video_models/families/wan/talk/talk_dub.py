"""InfiniteTalk dubbing from a start step (issue 112): each window of a clip to dub starts from the clip's own frames,
encoded and noised to the schedule at a start step, and is sampled from that step on.

After kijai's ComfyUI-WanVideoWrapper (Apache-2.0; read for its meaning, written anew here): a WanVideoSampler given
the clip's latents on 'samples' (a WanVideoEncode of the clip), a start_step k of its steps and add_noise_to_samples
makes each InfiniteTalk window from its slice of those latents noised to the first timestep left,
``(1 - t / 1000) latents + t / 1000 noise`` (``multitalk/multitalk_loop.py``), and samples the steps from k on
(``wanvideo/schedulers`` ``get_scheduler``: the schedule sliced at k). MeiGen-AI's reference makes every window from
noise; its video input is the picture each window sees (talk_frames.clip_frame), which stays as it is here.

Studio's setting is a share, as its Video to Video's: 'strength' s runs the last int(steps x s) steps of the
schedule (diffusers' video-to-video get_timesteps), so the start step is steps minus that; s = 1 starts every
window from noise, as before. The window's clean latents are its own frames (the clip's from the window's first,
its last past its end) fitted to the take's size and encoded (the wrapper slices one encode of the whole clip at
the window's latent frames). The noise level is the call's scheduler's sigma at the start step (a flow-matching
scheduler: ``(1 - sigma) clean + sigma noise``, the wrapper's mix); the call samples its timesteps from there, the
scheduler begun at that step (its set_begin_index, as diffusers' video-to-video pipelines begin theirs)."""
from __future__ import annotations

from contextlib import contextmanager

from ....base.errors import ModelError


def start_step(steps: int, strength: float) -> int:
    """The first step a window runs at ``strength`` of ``steps``: 0 at strength 1 (from noise)."""
    steps = int(steps)
    if float(strength) >= 1.0:
        return 0
    return steps - min(steps, int(steps * float(strength) + 1e-6))


def call_scheduler(pipe, params):
    """A copy of the scheduler the call samples with (the run's 'sampler' and 'shift' swap one in:
    base.schedulers.scheduler_applied), for its sigmas before the call."""
    from ....base.schedulers import scheduler_for
    get = params.get if hasattr(params, "get") else (lambda k, d=None: d)
    sampler, shift = get("sampler", "auto") or "auto", float(get("shift", 0.0) or 0.0)
    own = pipe.scheduler
    return type(own).from_config(own.config) if sampler == "auto" and not shift else scheduler_for(own, sampler, shift)


def start_sigma(pipe, params, steps: int, start: int, title: str) -> float:
    """The noise level of step ``start`` of the call's ``steps`` (its scheduler's sigma there); refused in words where
    the scheduler is not a flow-matching one (its noise is not the wrapper's mix)."""
    from ....base.schedulers import is_flow
    sched = call_scheduler(pipe, params)
    if not is_flow(sched):
        raise ModelError(f"{title}: 'strength' below 1 starts each window from the clip's frames noised part way down a "
                         f"flow-matching schedule; this model samples with {type(sched).__name__}: set strength to 1")
    sched.set_timesteps(int(steps))
    return float(sched.sigmas[start])


def noised(clean, noise, sigma: float):
    """The clean latents noised to ``sigma`` (flow matching: ``(1 - sigma) clean + sigma noise``)."""
    return (1.0 - sigma) * clean.to(noise.device, noise.dtype) + sigma * noise


@contextmanager
def sampled_from(pipe, start: int, sigma: float, title: str):
    """Inside the block the pipeline's call samples from step ``start`` on: once it has set its timesteps (at its
    prepare_latents, which follows), the loop's timesteps are cut to those from ``start`` (the tensor the loop holds,
    in place) while the scheduler keeps its whole list, begun at ``start``. Its sigma there is checked against
    ``sigma`` (the one the latents were noised to). Put back however the call ends."""
    own, had = pipe.prepare_latents, "prepare_latents" in vars(pipe)

    def prepare(*args, **kwargs):
        out = own(*args, **kwargs)
        sched = pipe.scheduler
        got = float(sched.sigmas[start])
        if abs(got - sigma) > 1e-4:
            raise ModelError(f"{title}: the call's schedule has sigma {got:.4f} at step {start}, not the {sigma:.4f} the "
                             "clip's latents were noised to")
        ts = sched.timesteps
        whole = ts.clone()
        ts.set_(whole[start:].clone())  # the loop's own list (the pipeline holds this tensor)
        sched.timesteps = whole  # the scheduler's (a multistep solver's order reads its whole length)
        sched.set_begin_index(start)
        return out
    pipe.prepare_latents = prepare
    try:
        yield
    finally:
        if had:
            pipe.prepare_latents = own
        else:
            del pipe.prepare_latents
