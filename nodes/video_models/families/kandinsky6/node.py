"""Kandinsky 6 Video + Sound: a clip and its sound from a prompt and an optional first image, made
together by diffusers' Kandinsky6TI2VAPipeline in one call (its MMAudio VAE and vocoder turn the audio
latents into a waveform). The sound leaves on an Audio port and rides on the clip (``clip.audio``), so
Save Video muxes it and the timeline plays it, as LTX-2's does (families/ltx2/node.py); 'sound: input'
keeps the track on the audio input instead, 'sound: off' makes the picture alone (the call samples no
audio latents: one branch of the DiT less). Progress, previews, Stop inside a step and the model cache
are the other video-model nodes' (sampling.Sampler). Not run in windows: the sound of separate windows
would not join."""
from __future__ import annotations

from studio.core.values import Audio

from ...sampling.sound_take import SoundTakeNode, sound_params, sound_ports

MAX_TOKENS = 1024  # Kandinsky6TI2VAPipeline's own max_sequence_length (prompt tokens after its template)


def tokens_of(pipe) -> int:
    """The prompt tokens a call reads: the pipeline's own 1024, or fewer where its tokenizer holds fewer."""
    return min(MAX_TOKENS, int(getattr(pipe.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS))


def sound_of(pipe, audio) -> Audio | None:
    """The pipeline's mono waveform ([batch, samples] at the audio VAE's rate) as an Audio value."""
    if audio is None:
        return None
    import numpy as np
    import torch
    a = torch.as_tensor(audio).detach().float().cpu().numpy()
    return Audio(np.clip(a[0][:, None], -1.0, 1.0), int(pipe.audio_sample_rate))


class Kandinsky6Video(SoundTakeNode):
    """Make a clip and its sound from a prompt (and an optional first image) with Kandinsky 6. The sound
    comes out on the audio port and with the clip (Save Video writes it, the timeline plays it);
    'sound: input' keeps the track on the audio input instead; 'sound: off' makes the picture only.
    The whole clip is made in one call."""
    id = "video_models.kandinsky6"
    family_key = "kandinsky6"
    needs = "a Kandinsky 6 model (Kandinsky6TI2VAPipeline)"
    title = "Kandinsky 6 Video + Sound"
    task = "t2v"
    keywords = ("kandinsky", "kandinsky 6", "sound", "audio", "text to video", "image to video", "foley")
    inputs, outputs = sound_ports("a Kandinsky 6 model (Kandinsky6TI2VAPipeline)")
    params = sound_params("a drummer plays a fast solo on a small stage, close up, cinematic",
                          "empty: the pipeline's own negative (with guidance above 1)", "Kandinsky 6")

    def sound_problem(self, ref, s) -> str | None:
        if getattr(s.pipe, "audio_vae", None) is not None:
            return None
        return ("has no audio VAE and vocoder (ComfyUI's files: put kandinsky6_audio_vae.safetensors beside the VAE "
                "file)" if not ref.config.get("base") and ref.config.get("parts") else "has no audio_vae and vocoder")

    def take_args(self, s, p, text, w, h, n, fps, made_sound) -> dict:
        return {"prompt": text, "negative_prompt": p.negative_prompt or None, "height": h, "width": w,
                "num_frames": n, "frame_rate": fps, "num_inference_steps": self.steps, "guidance_scale": p.guidance,
                "sample_audio": made_sound, "max_sequence_length": tokens_of(s.pipe)}
