"""LTX-2 Video + Sound's 'continue_sound': with 'continue_from', the clip's sound under the frames the take starts
from is the take's first sound, and the rest is made on from it (as a ComfyUI continuation keeps the encoded sound
before its noise mask's window: KJNodes' LTXVAudioVideoMask on the audio latent).

That sound (the clip's last ``k / fps`` seconds) is encoded by LTX-2's audio VAE as 'sound: drive' encodes a track
(sound_drive.py) into the first audio tokens of the take. A hook on the transformer (diffusers' ModelHook, as
sound_drive's) gives every call those tokens clean, with a per-token audio timestep of 0 (diffusers' LTX-2 transformer
takes ``audio_timestep`` of shape ``(batch, audio tokens)``), and answers for them the velocity whose clean estimate
is those tokens, ``(x_t - x_0) / sigma``: the later tokens are made attending to them, and the audio VAE decodes them
as the take's first sound (the pipeline's own state of those tokens ends a little off them - about 9 % on the tiny
test model: its audio guidance rescale scales the whole clean estimate by a ratio of standard deviations taken over
all tokens). Plain hooks; no model code copied."""
from __future__ import annotations

from contextlib import contextmanager

from studio.core.values import Audio

from ...base.errors import ModelError
from ...takes.continue_from import FIRST, LAST
from .sound_drive import encoded_sound, held_tokens

HOOK = "studio_ltx2_sound_continue"


def lead_sound(ctx, pipe, sound: Audio | None, k: int, fps: float):
    """The clip's sound under its last ``k`` frames (its first, where 'continue_part' says so): (LTX-2's packed,
    normalised audio tokens ``[1, L, D]``, its latents ``[1, C, L, M]``); None (said) where the clip has no sound or
    less than that."""
    secs = k / float(fps)
    if sound is None or sound.n_samples == 0:
        ctx.warn("continue_sound: the clip continued has no sound: the take's sound is made anew")
        return None
    need = int(round(secs * sound.rate))
    if sound.n_samples < need:
        ctx.warn(f"continue_sound: the clip's sound lasts {sound.duration:.2f} s, less than the {secs:.2f} s of "
                 "frames continued: the take's sound is made anew")
        return None
    first = getattr(ctx.params, "continue_part", LAST) == FIRST
    part = Audio(sound.samples[:need] if first else sound.samples[sound.n_samples - need:], sound.rate)
    latents = encoded_sound(ctx, pipe, part, k, fps)
    tokens = held_tokens(pipe, latents)
    ctx.info(f"continue_sound: the clip's {'first' if first else 'last'} {secs:.2f} s of sound is the take's first "
             f"({tokens.shape[1]} audio latent frames held clean); the rest is made on from it")
    return tokens, latents


def make_hook(tokens):
    from diffusers.hooks import ModelHook

    class _LeadSound(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            a = kwargs.get("audio_hidden_states")
            if a is None:
                raise ModelError("the LTX-2 transformer was called without audio_hidden_states by name: "
                                 "'continue_sound' cannot hold the clip's sound")
            t = kwargs.get("audio_timestep")
            t = (kwargs["timestep"] if t is None else t).reshape(a.shape[0], -1).amax(dim=1)  # (batch,) its step's
            h = min(tokens.shape[1], a.shape[1])
            x0 = tokens[:, :h].to(a.device, a.dtype).expand(a.shape[0], -1, -1)
            per = t[:, None].expand(a.shape[0], a.shape[1]).clone()
            per[:, :h] = 0
            held = a.clone()
            held[:, :h] = x0
            out = self.fn_ref.original_forward(*args, **dict(kwargs, audio_hidden_states=held, audio_timestep=per))
            scale = float(getattr(module.config, "timestep_scale_multiplier", 1000) or 1000)
            sigma = (t.float() / scale).clamp(min=1e-6)[:, None, None]
            v = (a[:, :h].float() - x0.float()) / sigma  # (the velocity whose clean estimate is x0)
            pred = out[1] if isinstance(out, tuple) else out.audio_sample
            pred = pred.clone()
            pred[:, :h] = v.to(pred.dtype)
            if isinstance(out, tuple):
                return (out[0], pred) + tuple(out[2:])
            out.audio_sample = pred
            return out
    return _LeadSound()


@contextmanager
def sound_continued(pipe, tokens, latents):
    """For one call: the hook on ``pipe``'s transformer, and its audio VAE decoding ``latents`` (the clip's sound,
    un-normalised ``[1, C, L, M]``) as the take's first audio latent frames - the pipeline's own state of the held
    tokens ends a little off them; they are the clip's sound (both removed however it ends)."""
    from ...base.hooks import denoiser_hooks
    vae = pipe.audio_vae
    own = vae.__dict__.get("decode")
    first = vae.decode

    def decode(z, *a, **k):
        n = min(latents.shape[2], z.shape[2])
        z = z.clone()
        z[:, :, :n] = latents[:, :, :n].to(z.device, z.dtype)
        return first(z, *a, **k)
    vae.decode = decode
    try:
        with denoiser_hooks(pipe, HOOK, lambda mod: make_hook(tokens)):
            yield
    finally:
        if own is not None:
            vae.decode = own
        else:
            del vae.decode


def held_for(ctx, pipe, sound_choice: str, clip, lead: list | None, fps: float):
    """The hook holding the clip's sound first where 'continue_sound' asks it (with 'sound: generated'), else None;
    the setting unused said."""
    if not lead or not getattr(ctx.params, "continue_sound", False):
        return None
    if sound_choice != "generated":
        ctx.warn(f"continue_sound is not used with 'sound: {sound_choice}' (the take's sound is that choice's)")
        return None
    got = lead_sound(ctx, pipe, getattr(clip, "audio", None), len(lead), fps)
    return sound_continued(pipe, *got) if got is not None else None
