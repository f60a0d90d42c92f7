"""LTX-2.3 with an ID-LoRA: the take's speech made in the voice of a reference clip (the sound input with 'sound: voice').

Followed: the released ID-LoRA inference (github.com/ID-LoRA/ID-LoRA, commit 399bf3e,
``ID-LoRA-2.3/scripts/inference_one_stage.py``: ``_encode_audio``, ``_create_audio_state`` and the
identity guidance in ``denoising_func``). The reference waveform is encoded by the model's own audio VAE
as LTX-2's ``AudioProcessor`` does (sound_drive.log_mel: its rate, mono given to both channels), packed
``[b, t, c*f]`` and normalised; its clean tokens are put before the take's audio tokens, with their own
positions shifted into negative time so that they end one latent before the take starts
(``ref_pos - ref_end - hop * downsample / rate``) and a timestep of 0 (a denoise mask of 0: the
reference is clean). Only the take's tokens go back to the pipeline, so the sound made has the take's
length. Identity guidance: one more call each step with the prompt and without the reference, and the
sound's prediction moved by ``scale * (with - without)`` (in x0 in the reference; the same in the
velocity the pipelines read, x0 and velocity being linear in each other at one sigma). The reference
does it at every step; ComfyUI's LTXVReferenceAudio (read for its meaning) only inside a range of the
schedule: here while the step's sigma lies in ``[1 - end, 1 - start]``.

The release trains with video->reference-audio cross attention and reference-audio->text attention
masked (``ltx_trainer/training_strategies/audio_ref_only_ic.py``, ``training_celebvhq.yaml``) but its
inference and validation do not mask (``mask_cross_attention_to_reference: false`` under
``validation``; the strategy's own note: "Inference scripts do not currently implement this masking"):
followed, so diffusers' transformer runs as it is and no attention mask is made. The reference's
positions are float32 here (the release casts them to bf16).

diffusers' pipelines have no argument for it: a hook on the transformer (base/hooks.py, as
sound_drive.py) extends the audio sequence, positions and per-token timesteps of every call, cuts the
reference's tokens off what it answers, and adds the identity guidance's difference to every call of a
step (the prompt's, the negative's, STG's, modality guidance's), so each guidance difference the
pipeline forms is unchanged and the step's guided prediction moves by that difference exactly once."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError

from ...base.errors import ModelError
from .sound_drive import SILENT, held_tokens, log_mel, to_encoder

HOOK = "studio_ltx2_reference_voice"
MIN_SECONDS = 1.0  # Studio's floor: the release trains on about 5 s of speech
TRAINED_SECONDS = 5.0


def check_voice(ctx, ref, voice, p) -> None:
    """A reference voice ('sound: voice') the node can use, refused in words before anything runs: the
    model must have an audio VAE, the clip must be long enough and not silent."""
    if getattr(ref.module, "audio_vae", None) is None:
        raise ModelError(f"model '{ref.path}' has no audio VAE (a model without sound): a reference voice needs "
                         "LTX-2.3 with its audio VAE, which encodes the voice")
    if voice.duration < MIN_SECONDS:
        raise StudioError(f"the reference voice lasts {voice.duration:.2f} s: give at least {MIN_SECONDS:g} s of "
                          f"speech (the ID-LoRA was trained on about {TRAINED_SECONDS:g} s)")
    from studio.engine.voice_budget import reference_span
    if float(np.abs(reference_span(voice)).max(initial=0.0)) < SILENT:
        raise StudioError("the reference voice is silent: give a clip of the voice speaking")
    if p.identity_start > p.identity_end:
        raise StudioError(f"identity_start ({p.identity_start:g}) is after identity_end ({p.identity_end:g}): the "
                          "identity guidance would never run")
    if voice.duration > 4 * TRAINED_SECONDS:
        ctx.info(f"the reference voice lasts {voice.duration:.1f} s: the ID-LoRA was trained on about "
                 f"{TRAINED_SECONDS:g} s, and every second of it is read beside the take at every step")


def voice_tokens(ctx, pipe, voice):
    """The reference voice as the transformer reads audio: ``[1, t, c*f]``, packed and normalised."""
    import torch
    vae = getattr(pipe, "audio_vae", None)
    if vae is None:
        raise ModelError(f"{type(pipe).__name__} has no audio VAE: a reference voice is encoded with it (use an "
                         "LTX-2.3 model with its sound)")
    cfg = vae.config
    from studio.engine.voice_budget import reference_span
    wave = to_encoder(ctx, reference_span(voice, ctx.info, "the reference voice"), voice.rate, int(cfg.sample_rate),
                      int(cfg.in_channels), "reference voice")
    mel = log_mel(np.ascontiguousarray(wave.T), int(cfg.sample_rate), int(cfg.mel_hop_length), int(cfg.mel_bins))
    with torch.no_grad():
        z = vae.encode(mel.to(vae.device, vae.dtype)).latent_dist.mode()
    wide, made = int(pipe.transformer.config.audio_in_channels), z.shape[1] * z.shape[3]
    if made != wide:
        raise ModelError(f"the audio VAE makes audio tokens {made} wide and the transformer reads {wide}: this "
                         "model's audio VAE does not encode as LTX-2's")
    return held_tokens(pipe, z.float())


def reference_coords(rope, n: int, batch: int, device):
    """``[batch, 1, n, 2]``: a clip of ``n`` audio latents' [start, end) in seconds, moved to end one
    latent before 0 (the release's ``ref_pos - aud_dur - time_per_latent``)."""
    c = rope.prepare_audio_coords(batch, n, device)
    per_latent = rope.hop_length * rope.scale_factors[0] / rope.sampling_rate
    return c - c[..., 1].max() - per_latent


def with_reference(module, kwargs: dict, tokens) -> dict:
    """The transformer call's arguments with the reference before the take's audio: its tokens, its
    positions and a timestep of 0 per reference token (the take's tokens keep theirs)."""
    import torch
    a = kwargs["audio_hidden_states"]
    b, length, n = a.shape[0], a.shape[1], tokens.shape[1]
    t = kwargs.get("audio_timestep")
    t = kwargs["timestep"] if t is None else t
    if t.ndim == 1:
        t = t[:, None].expand(-1, length)
    elif t.shape[1] != length:
        raise ModelError("the LTX-2 transformer was called with a timestep per picture token and none for the sound: "
                         "a reference voice cannot be placed")
    coords = kwargs.get("audio_coords")
    if coords is None:
        coords = module.audio_rope.prepare_audio_coords(b, kwargs["audio_num_frames"], a.device)
    ref = reference_coords(module.audio_rope, n, b, coords.device).to(coords.dtype)
    return dict(kwargs, audio_hidden_states=torch.cat([tokens.to(a.device, a.dtype).expand(b, -1, -1), a], 1),
                audio_coords=torch.cat([ref, coords], 2), audio_timestep=torch.cat([t.new_zeros(b, n), t], 1))


def _audio(out):
    return out[1] if isinstance(out, tuple) else out.audio_sample


def _with_audio(out, audio):
    if isinstance(out, tuple):
        return (out[0], audio) + tuple(out[2:])
    out.audio_sample = audio
    return out


def step_sigma(pipe, kwargs: dict) -> float:
    """The step's sigma (the pipelines give the transformer ``sigma`` = the scheduler's timestep)."""
    t = kwargs.get("sigma")
    t = kwargs["timestep"] if t is None else t
    return float(t.flatten()[0]) / float(pipe.scheduler.config.num_train_timesteps)


def make_hook(pipe, tokens, scale: float, start: float, end: float):
    from diffusers.hooks import ModelHook

    class _ReferenceVoice(ModelHook):
        """The reference before the take's sound at every call; identity guidance once a step."""

        def __init__(self):
            super().__init__()
            self.sigma, self.delta, self.extra_calls = None, None, 0

        def new_forward(self, module, *args, **kwargs):
            if "audio_hidden_states" not in kwargs:
                raise ModelError("the LTX-2 transformer was called without audio_hidden_states by name: a "
                                 "reference voice cannot be placed")
            out = self.fn_ref.original_forward(*args, **with_reference(module, kwargs, tokens))
            audio = _audio(out)[:, tokens.shape[1]:]
            sigma = step_sigma(pipe, kwargs)
            if sigma != self.sigma:  # a step's first call: the prompt's (and the negative's, under CFG)
                self.sigma = sigma
                on = scale > 0 and 1.0 - end <= sigma <= 1.0 - start
                self.delta = self._identity(module, args, kwargs, audio) if on else None
            if self.delta is not None:
                audio = audio + self.delta.to(audio.dtype).repeat(audio.shape[0] // self.delta.shape[0], 1, 1)
            return _with_audio(out, audio)

        def _identity(self, module, args, kwargs, audio):
            """``scale * (with - without)`` of the prompt's rows (the second half under CFG)."""
            b = audio.shape[0]
            half = b // 2 if pipe.do_classifier_free_guidance and b % 2 == 0 else 0
            cond = {k: v[half:] if hasattr(v, "ndim") and v.ndim and v.shape[0] == b else v
                    for k, v in kwargs.items()}
            self.extra_calls += 1
            with module.cache_context("reference_voice_without"):  # its own state for diffusers' step caches
                without = _audio(self.fn_ref.original_forward(*args, **cond))
            return scale * (audio[half:].float() - without.float())
    return _ReferenceVoice()


def voice_held(ctx, s, voice, scale: float, start: float, end: float):
    """The hook on the sampler's pipeline's transformer for one call, with the voice encoded."""
    from ...base.hooks import denoiser_hooks
    tokens = voice_tokens(ctx, s.pipe, voice)
    if not s.ref.loras:
        ctx.warn("no LoRA on the model: LTX-2.3 speaks in a reference voice only with an ID-LoRA; wire it through "
                 "Video LoRA between the loader and this node")
    ctx.info(f"reference voice: {voice.duration:.2f} s, {tokens.shape[1]} audio tokens before the take's"
             + (f"; identity guidance {scale:g}" if scale > 0 else "; no identity guidance"))
    return denoiser_hooks(s.pipe, HOOK, lambda mod: make_hook(s.pipe, tokens, scale, start, end))
