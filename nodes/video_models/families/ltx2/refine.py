"""LTX-2 Latent Upscale's refine pass (issue 59): the second pass of LTX-2's two-pass recipe. The
upsampled latents are not decoded at once but renoised to the first refine sigma and denoised for a
few steps at the full size by the LTX-2 model (with the distilled LoRA the user wires in through
Video LoRA), then decoded by the pipeline.

Followed: diffusers' LTX-2 docs, "Two-stages Generation" (huggingface/diffusers
``docs/source/en/api/pipelines/ltx2.md``, commit 0191986a239eeb7a2fa8f2efbaf943fe9a360d1e): the
upsample pipeline called with ``output_type="latent"``, the scheduler rebuilt with
``use_dynamic_shifting=False, shift_terminal=None`` so the sigmas are used as given, and
``LTX2Pipeline(latents=..., sigmas=..., num_inference_steps=len(sigmas), noise_scale=sigmas[0],
guidance_scale=1.0)``. The sigmas default to ComfyUI's ``video_ltx2_3_t2v`` template's second-pass
ManualSigmas (whose trailing 0 diffusers' scheduler adds itself), its CFGGuider of 1 (no guidance of
any kind: STG and modality guidance off too) and its fixed seed 42.

The take's sound is kept: the clip's own track goes out unchanged, and while the picture is
denoised it is held clean (sound_drive.py: encoded by LTX-2's audio VAE, the transformer told it is
clean), so the picture is refined with the sound it was made with. A clip without sound is refined
with the pipeline's own audio latents, whose sound is dropped."""
from __future__ import annotations

import math
from contextlib import nullcontext

import numpy as np

from studio.core.errors import StudioError

TEMPLATE_SIGMAS = "0.85, 0.725, 0.4219, 0.0"  # video_ltx2_3_t2v.json, the second pass's ManualSigmas
TEMPLATE_SEED = 42  # its RandomNoise, fixed


def parse_sigmas(text: str) -> list[float]:
    """The refine schedule: falling numbers in (0, 1], a trailing 0 (ComfyUI writes it) dropped."""
    parts = [s for s in str(text).replace(";", ",").split(",") if s.strip()]
    try:
        vals = [float(s) for s in parts]
    except ValueError:
        vals = []
    if vals and vals[-1] == 0.0:
        vals = vals[:-1]
    if not vals or any(not 0.0 < v <= 1.0 for v in vals) or any(b >= a for a, b in zip(vals, vals[1:])):
        raise StudioError(f"refine sigmas '{text}': give falling numbers between 0 and 1 separated by commas "
                          f"(optionally ending in 0), e.g. the LTX-2.3 template's {TEMPLATE_SIGMAS}")
    return vals


def sigmas_as_given(pipe):
    """The pipeline's scheduler for one call rebuilt without dynamic shifting or terminal stretch
    (diffusers' two-stage example), the model's own put back however the call ends."""
    from diffusers import FlowMatchEulerDiscreteScheduler

    from ...base.schedulers import swapped
    return swapped(pipe, FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                      shift_terminal=None))


def window_sound(audio, start: int, given: int, fps: float):
    """The clip's sound under frames [start, start + given), silence where it runs out."""
    from nodes.edit.audio import fit_length
    from studio.core.values import Audio
    first = math.floor(start / fps * audio.rate)
    need = math.floor(given / fps * audio.rate)
    from studio.engine.voice_budget import voice_span
    return Audio(fit_length(voice_span(audio, first, need), need), audio.rate)  # only the window's span decoded


def refine_kwargs(latents, words: dict, sigmas: list[float], seed: int, size: tuple[int, int],
                  frames: int, fps: float) -> dict:
    """The LTX2Pipeline call of the second pass (diffusers' two-stage example, the template's guidance);
    ``words``: the prompt, or its embeddings from the prompt-embedding cache."""
    import torch
    w, h = size
    return dict(latents=latents, **words, height=h, width=w,
                num_frames=frames, frame_rate=fps, num_inference_steps=len(sigmas), sigmas=sigmas,
                noise_scale=sigmas[0], guidance_scale=1.0, audio_guidance_scale=1.0, stg_scale=0.0,
                audio_stg_scale=0.0, modality_scale=1.0, audio_modality_scale=1.0,
                generator=torch.Generator().manual_seed(seed), output_type="np", return_dict=False)


def refine(ctx, steps, pipe, kwargs: dict, sound=None, ref=None) -> np.ndarray:
    """The refined frames ``[frames, H, W, 3]`` of one window's upsampled latents, its steps made by ``steps``
    (sampling/chain_steps.ChainSteps: the Sampler's step work); ``sound`` (the window's part of the clip's track)
    held clean while the picture is denoised; the LoRAs wired on the model (``ref``: the distilled LoRA through
    Video LoRA) on for the call, off after it."""
    from ...loading.loras import loras_applied
    held = nullcontext()
    if sound is not None:
        from .sound_drive import encoded_sound, sound_held
        kwargs = dict(kwargs, audio_latents=encoded_sound(ctx, pipe, sound, kwargs["num_frames"], kwargs["frame_rate"]))
        held = sound_held(pipe, kwargs["audio_latents"])
    loras = loras_applied(ref, pipe, ctx.warn, ctx.info) if ref is not None else nullcontext()
    with loras, held, sigmas_as_given(pipe):
        video = steps(pipe, kwargs["num_frames"], **kwargs)[0]
    return np.asarray(video[0], np.float32)
