"""LTX-2's Video to Video through its condition pipeline (diffusers 0.42.1, LTX2ConditionPipeline): the call takes
``latents`` (the VAE's raw latents of a clip, unpacked [B, C, F, H, W]: the pipeline normalises them itself with the
VAE's statistics and scaling factor), a custom schedule ``sigmas`` and ``noise_scale`` (by default ``sigmas[0]``):
``prepare_latents`` starts from ``noise_scale * noise + (1 - noise_scale) * latents`` and denoises along ``sigmas``
- the library's own partial denoise of given latents (its ``conditions`` are frame conditions, not this).

So the generic Video to Video call (``video``: the window's frames, ``strength``: how far from them) is given as
``latents`` (the frames resized and cropped by the pipeline's own ``preprocess_conditions``, encoded by its VAE with
the distribution's mode, as it encodes its conditions: no sample drawn, the seed's noise is the pipeline's alone),
``sigmas`` (the last ``int(steps * strength)`` of the schedule the call would run: the call's own ``sigmas`` - a
draft recipe's - or the pipeline's default ``linspace(1, 1/steps, steps)``) and ``noise_scale`` (the first sigma the
scheduler runs of them, after its shift for the clip's size: what the pipeline's ``retrieve_timesteps`` makes of
them), so the clip is noised to the step the schedule starts at. At strength 1 the whole schedule is run from
``noise_scale`` 1: the latents are ignored (pure noise), as Video to Video's strength 1 says.

Its sound: no ``audio_latents`` are given, so the pipeline draws the sound's latents from noise alone and denoises
them along the cut schedule; that sound is not kept (Video to Video's output is the picture: family.py's V2V_SOUND, said on the run)."""
from __future__ import annotations

PIPELINE = "LTX2ConditionPipeline"


def is_v2v_call(pipe, call: dict) -> bool:
    """The generic Video to Video call (a clip of frames and a strength, no conditions) to the condition pipeline."""
    return (type(pipe).__name__ == PIPELINE and isinstance(call.get("video"), (list, tuple))
            and call.get("conditions") is None and call.get("latents") is None)


def v2v_call(pipe, call: dict) -> dict:
    """``call`` with its clip encoded as the pipeline's ``latents`` and its strength as the tail of the schedule
    (``sigmas``) and the noise the clip is given (``noise_scale``)."""
    call = dict(call)
    frames, strength = call.pop("video"), min(1.0, max(0.0, float(call.pop("strength", 1.0))))
    h, w = int(call["height"]), int(call["width"])
    call.setdefault("num_frames", len(frames))
    call["latents"] = encoded_clip(pipe, frames, h, w, int(call["num_frames"]))
    sigmas = kept_sigmas(call.pop("sigmas", None), int(call.get("num_inference_steps") or 30), strength)
    call.pop("timesteps", None)  # (a schedule given as sigmas only)
    call["sigmas"], call["num_inference_steps"] = sigmas, len(sigmas)
    call["noise_scale"] = first_sigma(pipe, sigmas, call["latents"].shape)
    return call


def kept_sigmas(sigmas, steps: int, strength: float) -> list[float]:
    """The last ``int(n * strength)`` (at least one) of the schedule: ``sigmas`` given, else the pipeline's default
    for ``steps`` (LTX2ConditionPipeline: ``np.linspace(1.0, 1 / steps, steps)``)."""
    import numpy as np
    full = [float(s) for s in (sigmas if sigmas is not None else np.linspace(1.0, 1.0 / steps, steps))]
    keep = max(1, min(len(full), int(len(full) * strength)))
    return full[-keep:]


def first_sigma(pipe, sigmas: list[float], shape) -> float:
    """The first sigma the pipeline's scheduler runs of ``sigmas`` for latents of ``shape`` [B, C, F, H, W]: its
    shift for the size (``mu`` as the pipeline computes it from the packed sequence length) applied on a copy."""
    import copy

    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import calculate_shift
    _, _, f, h, w = shape
    p, pt = int(pipe.transformer_spatial_patch_size), int(pipe.transformer_temporal_patch_size)
    seq = (f // pt) * (h // p) * (w // p)
    cfg = pipe.scheduler.config
    mu = calculate_shift(seq, cfg.get("base_image_seq_len", 1024), cfg.get("max_image_seq_len", 4096),
                         cfg.get("base_shift", 0.95), cfg.get("max_shift", 2.05))
    sched = copy.deepcopy(pipe.scheduler)
    sched.set_timesteps(sigmas=sigmas, device="cpu", mu=mu)
    return float(sched.sigmas[0])


def encoded_clip(pipe, frames: list, height: int, width: int, num_frames: int):
    """The frames (PIL) as the pipeline prepares a clip it is given (``preprocess_conditions``: resized to cover
    ``height`` x ``width``, centre-cropped, in [-1, 1]), encoded by its VAE (the distribution's mode), raw: the
    pipeline normalises ``latents`` itself. Float32, on the VAE's execution device."""
    import torch
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    from diffusers.utils.torch_utils import get_module_execution_device
    vae = pipe.vae
    device = get_module_execution_device(vae)  # (a CPU-offloaded VAE: the device its hooks run it on)
    with torch.no_grad():
        pixels = pipe.preprocess_conditions([LTX2VideoCondition(frames=list(frames), index=0, strength=1.0, crf=0)],
                                            height, width, num_frames, device=device)[0][0]
        return vae.encode(pixels.to(device, dtype=vae.dtype)).latent_dist.mode().float()
