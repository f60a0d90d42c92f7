"""LTX-2 made to a given sound ('sound: drive'): the picture is denoised while the transformer
attends, through its audio-to-video cross attention, to the sound on the audio input, held clean.

Lightricks' audio-to-video pipeline is the reference (github.com/Lightricks/LTX-2, commit
400fd31054597515f47125691032c04b1c3ee24e, ``packages/ltx-pipelines/src/ltx_pipelines/a2vid_two_stage.py``:
the waveform encoded by the audio VAE, its latent cut to the take's length, the audio modality
``frozen`` while the video is denoised, and the original waveform returned, not a decoded one), with
``packages/ltx-core/src/ltx_core/model/audio_vae/ops.py`` (``AudioProcessor``: resampled to the encoder's
rate, magnitude mel spectrogram with a Hann window of ``n_fft``, reflect-padded centred frames, Slaney
mel scale and norm, ``log(max(mel, 1e-5))``, laid out ``[batch, channels, time, mels]``). ComfyUI's
``video_ltx2_3_ia2v`` template does the same with LTXVAudioVAEEncode and a noise mask of 0 on the
audio latent.

diffusers' LTX-2 pipelines take ``audio_latents`` (packed and normalised by their own
``prepare_audio_latents``) but denoise them; no argument holds them. A hook on the transformer
(diffusers' ``ModelHook`` through ``HookRegistry``, base/hooks.py, as skip_steps.py does) gives every
call the clean latents with the audio timestep and sigma 0 (how the transformer is told a token is
clean: its ``audio_timestep`` / ``audio_sigma`` arguments) and answers a velocity of 0 for the sound,
so the scheduler's step leaves the pipeline's audio latents where they started."""
from __future__ import annotations

import math

import numpy as np

from studio.core.errors import StudioError
from studio.engine.voice_budget import voice_span

from ...base.errors import ModelError

N_FFT = 1024  # Lightricks' AudioEncoder default n_fft (its checkpoints' stft filter_length)
LOG_FLOOR = 1e-5
SILENT = 1e-4  # peak below which a sound is said to be silent (-80 dBFS)
HOOK = "studio_ltx2_sound_drive"


def take_seconds(n: int, fps: float) -> float:
    return n / float(fps)


def audio_latent_frames(pipe, seconds: float) -> int:
    """The pipeline's own count of audio latent frames for a take of ``seconds`` (LTX2Pipeline.__call__)."""
    per_s = pipe.audio_sampling_rate / pipe.audio_hop_length / float(pipe.audio_vae_temporal_compression_ratio)
    return round(seconds * per_s)


def check_length(audio, n: int, fps: float) -> int:
    """The sound's samples a take of ``n`` frames at ``fps`` needs; a shorter sound is refused (before
    the model is loaded: the node calls it first)."""
    seconds = take_seconds(n, fps)
    need = math.floor(seconds * audio.rate)
    if audio.n_samples < need:
        most = (int(audio.duration * fps) - 1) // 8 * 8 + 1  # LTX-2's frame counts: 8k + 1
        shorter = f", or set frames to {most} or fewer" if most >= 9 else ""
        raise StudioError(f"the sound on the audio input lasts {audio.duration:.2f} s but the take lasts "
                          f"{seconds:.2f} s ({n} frames at {fps:g} fps): 'sound: drive' makes the picture to the "
                          f"sound, so give a sound at least as long as the take{shorter}")
    return need


def fitted_waveform(ctx, audio, rate: int, channels: int, n: int, fps: float) -> np.ndarray:
    """The sound on the audio input as the encoder takes it: ``[channels, samples]`` at ``rate``, the
    take's length. A shorter sound is refused, a longer one cut (said), a silent one said."""
    seconds = take_seconds(n, fps)
    need = check_length(audio, n, fps)
    x = voice_span(audio, 0, need)  # only the take's span decoded (studio.engine.voice_budget)
    if audio.n_samples > need:
        ctx.info(f"the sound's first {seconds:.2f} s of {audio.duration:.2f} s drive the picture (the take's length)")
    if float(np.abs(x).max(initial=0.0)) < SILENT:
        ctx.info("the sound on the audio input is silent: the picture is made to silence")
    x = to_encoder(ctx, x, audio.rate, rate, channels)
    want = math.ceil(seconds * rate)
    if len(x) < want:  # the last sample lost to rounding the two rates: the edge repeated
        x = np.concatenate([x, np.repeat(x[-1:], want - len(x), axis=0)])
    return np.ascontiguousarray(x[:want].T)


def to_encoder(ctx, x: np.ndarray, src_rate: int, rate: int, channels: int, noun: str = "sound") -> np.ndarray:
    """``x`` ([samples, channels] at ``src_rate``) with the encoder's channels (mono given to each, more
    mixed down) at its ``rate``; each change said."""
    if x.shape[1] != channels:
        if x.shape[1] == 1:
            ctx.info(f"mono {noun}: given to each of the {channels} channels of LTX-2's audio encoder")
            x = np.repeat(x, channels, axis=1)
        else:
            ctx.warn(f"the {noun} has {x.shape[1]} channels and LTX-2's audio encoder takes {channels}: "
                     "they are mixed down")
            x = np.repeat(x.mean(axis=1, keepdims=True), channels, axis=1)
    if src_rate != rate:
        ctx.info(f"the {noun} is resampled from {src_rate} Hz to {rate} Hz (LTX-2's audio encoder)")
        from scipy.signal import resample_poly  # scipy only when a sound of another rate drives a take
        g = math.gcd(int(rate), int(src_rate))
        x = resample_poly(x, rate // g, src_rate // g, axis=0).astype(np.float32)
    return x


def log_mel(wave: np.ndarray, rate: int, hop: int, mel_bins: int):
    """``[1, channels, frames, mel_bins]``: Lightricks' AudioProcessor.waveform_to_mel (see the docstring)."""
    import torch

    from nodes.encoders.audio import mel_filterbank  # librosa's Slaney filters (torchaudio's slaney/slaney)
    x = torch.from_numpy(wave).float()
    if x.shape[-1] <= N_FFT // 2:
        raise StudioError(f"the sound is {x.shape[-1]} samples long: LTX-2's audio encoder needs more than "
                          f"{N_FFT // 2}")
    win = torch.hann_window(N_FFT, periodic=True)
    spec = torch.stft(x, N_FFT, hop, win_length=N_FFT, window=win, center=True, pad_mode="reflect",
                      return_complex=True).abs()  # [channels, bins, frames], power 1
    mel = torch.matmul(mel_filterbank(rate, N_FFT, mel_bins, 0.0, rate / 2.0), spec)
    return torch.log(torch.clamp(mel, min=LOG_FLOOR)).transpose(1, 2).unsqueeze(0).contiguous()


def encoded_sound(ctx, pipe, audio, n: int, fps: float):
    """The sound on the audio input as LTX-2's audio latents ``[1, C, L, M]``, un-normalised, the take's
    ``L`` (the ``audio_latents`` the pipelines take)."""
    import torch
    vae = getattr(pipe, "audio_vae", None)
    if vae is None:
        raise ModelError(f"{type(pipe).__name__} has no audio VAE: 'sound: drive' encodes the sound with it")
    cfg = vae.config
    wave = fitted_waveform(ctx, audio, int(cfg.sample_rate), int(cfg.in_channels), n, fps)
    mel = log_mel(wave, int(cfg.sample_rate), int(cfg.mel_hop_length), int(cfg.mel_bins))
    with torch.no_grad():
        z = vae.encode(mel.to(vae.device, vae.dtype)).latent_dist.mode()
    frames = audio_latent_frames(pipe, take_seconds(n, fps))
    if z.shape[2] < frames:
        raise ModelError(f"LTX-2's audio encoder made {z.shape[2]} latent frames of a {take_seconds(n, fps):.2f} s "
                         f"sound where the pipeline takes {frames}")
    return z[:, :, :frames].float()


def held_tokens(pipe, latents):
    """``latents`` as the transformer reads them: packed and normalised (the pipelines' prepare_audio_latents)."""
    packed = pipe._pack_audio_latents(latents)
    return pipe._normalize_audio_latents(packed, pipe.audio_vae.latents_mean, pipe.audio_vae.latents_std)


def make_hook(tokens):
    from diffusers.hooks import ModelHook

    class _HeldSound(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            if "audio_hidden_states" not in kwargs:
                raise ModelError("the LTX-2 transformer was called without audio_hidden_states by name: "
                                 "'sound: drive' cannot hold the sound")
            a, t = kwargs["audio_hidden_states"], kwargs["timestep"]
            zero = t.new_zeros(a.shape[0])
            kwargs = dict(kwargs, audio_hidden_states=tokens.to(a.device, a.dtype).expand(a.shape[0], -1, -1),
                          audio_timestep=zero, audio_sigma=zero)
            out = self.fn_ref.original_forward(*args, **kwargs)
            if isinstance(out, tuple):
                return (out[0], out[1].new_zeros(out[1].shape)) + tuple(out[2:])
            out.audio_sample = out.audio_sample.new_zeros(out.audio_sample.shape)
            return out
    return _HeldSound()


def sound_held(pipe, latents):
    """The hook on ``pipe``'s transformer for one call (removed however it ends)."""
    from ...base.hooks import denoiser_hooks
    tokens = held_tokens(pipe, latents)
    return denoiser_hooks(pipe, HOOK, lambda mod: make_hook(tokens))


def take_of(audio, n: int, fps: float):
    """The given sound cut to the take's length: what goes out (Lightricks returns the input, not a decode)."""
    from studio.core.values import Audio
    return Audio(voice_span(audio, 0, math.floor(take_seconds(n, fps) * audio.rate)), audio.rate)


def take_to_sound(ctx, fam, audio, fps: float):
    """(frames, sound) of a take made to ``audio`` with frames left at 0 (issue 75, item 3): the voice's
    length in frames at ``fps``, rounded up to the family's frame rule (LTX-2: 8k+1), and the sound with
    the few samples of silence that rounding adds at its end, so the whole voice is spoken. Said."""
    from studio.core.values import Audio
    from ...base.family import valid_frames
    n = valid_frames(fam, max(1, math.ceil(audio.duration * fps - 1e-6)))
    need = math.ceil(take_seconds(n, fps) * audio.rate)
    pad = max(0, need - audio.n_samples)
    if pad:
        audio = Audio(np.concatenate([audio.samples, np.zeros((pad, audio.channels), np.float32)]), audio.rate)
    a, b = fam.frame_multiple
    rule = f" ({a}k+{b}" + (f"; {pad / audio.rate:.2f} s of silence added at its end)" if pad else ")")
    ctx.info(f"frames: {n} at {fps:g} fps from the sound's {(audio.n_samples - pad) / audio.rate:.2f} s{rule}; "
             "set frames to make another length")
    return n, audio
