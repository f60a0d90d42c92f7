"""Cosmos 3 Video + Sound: a clip and its sound made together from a prompt and an optional first image by
diffusers' Cosmos3OmniPipeline in one call (pipelines/cosmos/pipeline_cosmos3_omni.py in diffusers 0.42.1:
``enable_sound`` denoises sound latents beside the video's in the transformer's one sequence, its
Cosmos3AVAEAudioTokenizer turns them into a stereo waveform). The sound leaves on an Audio port and rides on
the clip (``clip.audio``), so Save Video muxes it and the timeline plays it, as Kandinsky 6's and LTX-2's
do; 'sound: input' keeps the track on the audio input instead, 'sound: off' makes the picture alone. The
generic Text / Image / Video to Video nodes make its picture without sound. Not run in windows: the
sound of separate windows would not join."""
from __future__ import annotations

from studio.core.values import Audio

from ...sampling.sound_take import SoundTakeNode, sound_params, sound_ports



def sound_of(pipe, sound) -> Audio | None:
    """The pipeline's waveform ([channels, samples] at its audio tokenizer's rate) as an Audio value."""
    if sound is None:
        return None
    import numpy as np
    import torch
    a = torch.as_tensor(sound).detach().float().cpu().numpy()
    return Audio(np.clip(np.ascontiguousarray(a.T), -1.0, 1.0), int(pipe.sound_tokenizer.config.sampling_rate))


class Cosmos3Video(SoundTakeNode):
    """Make a clip and its sound from a prompt (and an optional first image) with Cosmos 3. The sound comes
    out on the audio port and with the clip (Save Video writes it, the timeline plays it); 'sound: input'
    keeps the track on the audio input instead; 'sound: off' makes the picture only. The whole clip is made
    in one call."""
    id = "video_models.cosmos3"
    family_key = "cosmos3"
    needs = "a Cosmos 3 model (Cosmos3OmniPipeline)"
    title = "Cosmos 3 Video + Sound"
    task = "t2v"
    keywords = ("cosmos", "cosmos 3", "nvidia", "world", "sound", "audio", "text to video", "image to video")
    inputs, outputs = sound_ports("a Cosmos 3 model (Cosmos3OmniPipeline) with its sound tokenizer")
    params = sound_params("waves break on a rocky shore at dusk, gulls calling, cinematic",
                          "empty: the pipeline's empty negative (with guidance above 1)", "Cosmos 3")

    def sound_problem(self, ref, s) -> str | None:
        den_cfg = getattr(getattr(ref.module, "transformer", None), "config", None)
        if getattr(ref.module, "sound_tokenizer", None) is None or not getattr(den_cfg, "sound_gen", False):
            return "has no sound tokenizer or sound branch"
        return None

    def take_args(self, s, p, text, w, h, n, fps, made_sound) -> dict:
        return {"prompt": text, "negative_prompt": p.negative_prompt or None, "height": h, "width": w,
                "num_frames": n, "fps": fps, "num_inference_steps": self.steps, "guidance_scale": p.guidance,
                "enable_sound": made_sound}
