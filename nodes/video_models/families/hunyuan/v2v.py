"""HunyuanVideo's Video to Video through its text-to-video pipeline (diffusers 0.42.1, HunyuanVideoPipeline, which has
no video-to-video pipeline of its own): the call takes ``latents`` (used as they are: ``prepare_latents`` returns
given latents unchanged) and a custom schedule ``sigmas`` (by default ``linspace(1, 0, steps + 1)[:-1]``, which its
flow-matching scheduler shifts by its ``shift``). So the clip is restyled the way the library's own image-to-image
pipelines do it with a flow-matching scheduler: the clip encoded by the pipeline's VAE (the distribution's mode,
times the VAE's ``scaling_factor``: the inverse of the pipeline's decode, ``latents / scaling_factor``), the last
``int(steps * strength)`` sigmas of the schedule kept, and the latents noised to the first sigma the scheduler runs
of them (after its shift) as its ``scale_noise`` does: ``sigma * noise + (1 - sigma) * latents``, the noise drawn from
the call's seeded generator. The pipeline then denoises the rest of the schedule from there.

So the generic Video to Video call (``video``: the window's frames, ``strength``: how far from them) is given as
``latents`` and ``sigmas`` (``v2v_call``). At strength 1 the whole schedule is run from sigma 1: the clip is ignored
(noise alone), as Video to Video's strength 1 says."""
from __future__ import annotations

PIPELINE = "HunyuanVideoPipeline"


def is_v2v_call(pipe, call: dict) -> bool:
    """The generic Video to Video call (a clip of frames and a strength) to the text-to-video pipeline."""
    return (type(pipe).__name__ == PIPELINE and isinstance(call.get("video"), (list, tuple))
            and call.get("latents") is None)


def v2v_call(pipe, call: dict) -> dict:
    """``call`` with its clip encoded and noised to the schedule's kept tail as the pipeline's ``latents`` and that
    tail as its ``sigmas``."""
    call = dict(call)
    frames, strength = call.pop("video"), min(1.0, max(0.0, float(call.pop("strength", 1.0))))
    if not frames:
        raise ValueError("Video to Video was given a clip of no frames")
    h, w = int(call["height"]), int(call["width"])
    call.setdefault("num_frames", len(frames))
    sigmas = kept_sigmas(call.pop("sigmas", None), int(call.get("num_inference_steps") or 50), strength)
    call.pop("timesteps", None)  # (a schedule given as sigmas only)
    call["sigmas"], call["num_inference_steps"] = sigmas, len(sigmas)
    clip = encoded_clip(pipe, frames, h, w)
    call["latents"] = noised(clip, first_sigma(pipe, sigmas), call.get("generator"))
    return call


def kept_sigmas(sigmas, steps: int, strength: float):
    """The last ``int(n * strength)`` (at least one) of the schedule: ``sigmas`` given, else the pipeline's default
    for ``steps`` (HunyuanVideoPipeline: ``np.linspace(1.0, 0.0, steps + 1)[:-1]``); an array, as the pipeline's
    default is (UniPC's flow sigmas are scaled by array arithmetic: a list fails there)."""
    import numpy as np
    full = np.asarray(sigmas if sigmas is not None else np.linspace(1.0, 0.0, steps + 1)[:-1], dtype=np.float64)
    keep = max(1, min(len(full), int(len(full) * strength)))
    return full[-keep:].copy()


def first_sigma(pipe, sigmas) -> float:
    """The first sigma the pipeline's scheduler runs of ``sigmas`` (its shift applied, on a copy of it). A scheduler
    that takes no sigmas (DPMSolverMultistepScheduler in diffusers 0.42.1: the pipeline's own call refuses it too)
    is refused in words."""
    import copy
    import inspect

    import numpy as np
    sched = copy.deepcopy(pipe.scheduler)
    if "sigmas" not in inspect.signature(sched.set_timesteps).parameters:
        from ...base.errors import ModelError
        raise ModelError(f"HunyuanVideo's pipeline gives its scheduler a schedule of sigmas, which "
                         f"{type(sched).__name__} does not take: set the sampler to 'euler' or 'unipc'")
    sched.set_timesteps(sigmas=np.asarray(sigmas), device="cpu")
    return float(sched.sigmas[0])


def noised(latents, sigma: float, generator):
    """``latents`` noised to ``sigma`` as a flow-matching scheduler's ``scale_noise`` does, the noise drawn from
    ``generator`` (the call's seed) in float32 - the dtype the pipeline prepares its latents in."""
    from diffusers.utils.torch_utils import randn_tensor
    noise = randn_tensor(tuple(latents.shape), generator=generator, device=latents.device, dtype=latents.dtype)
    return sigma * noise + (1.0 - sigma) * latents


def encoded_clip(pipe, frames: list, height: int, width: int):
    """The frames (PIL) resized to ``height`` x ``width`` by the pipeline's video processor, in [-1, 1], encoded by
    its VAE (the distribution's mode: no sample drawn, the seed's noise is the call's alone) and scaled by the VAE's
    ``scaling_factor``. Float32, on the VAE's execution device."""
    import torch
    from diffusers.utils.torch_utils import get_module_execution_device
    vae = pipe.vae
    device = get_module_execution_device(vae)  # (a CPU-offloaded VAE: the device its hooks run it on)
    with torch.no_grad():
        pixels = pipe.video_processor.preprocess_video(list(frames), height, width).to(device, dtype=vae.dtype)
        z = vae.encode(pixels).latent_dist.mode().float()
    return z * float(vae.config.scaling_factor)
