"""Cosmos 3 Video + Sound: a clip and its sound made together from a prompt and an optional first image by
diffusers' Cosmos3OmniPipeline in one call (pipelines/cosmos/pipeline_cosmos3_omni.py in diffusers 0.42.1:
``enable_sound`` denoises sound latents beside the video's in the transformer's one sequence, its
Cosmos3AVAEAudioTokenizer turns them into a stereo waveform). The sound leaves on an Audio port and rides on
the clip (``clip.audio``), so Save Video muxes it and the timeline plays it, as Kandinsky 6's and LTX-2's
do; 'sound: input' keeps the track on the audio input instead, 'sound: off' makes the picture alone. The
generic Text / Image / Video to Video nodes make its picture without sound. Not run in windows: the
sound of separate windows would not join."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Choice, Text
from studio.core.spec import In, Out
from studio.core.values import Audio
from studio.engine.clip import ArrayClip

from ...base.errors import ModelError
from ...base.family import valid_frames
from ...loading.inputs import video_model_input
from ...sampling.generators import (COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of,
                                    say_frame_rule)

SOUNDS = ("generated", "input", "off")


def sound_of(pipe, sound) -> Audio | None:
    """The pipeline's waveform ([channels, samples] at its audio tokenizer's rate) as an Audio value."""
    if sound is None:
        return None
    import numpy as np
    import torch
    a = torch.as_tensor(sound).detach().float().cpu().numpy()
    return Audio(np.clip(np.ascontiguousarray(a.T), -1.0, 1.0), int(pipe.sound_tokenizer.config.sampling_rate))


class Cosmos3Video(GeneratorNode):
    """Make a clip and its sound from a prompt (and an optional first image) with Cosmos 3. The sound comes
    out on the audio port and with the clip (Save Video writes it, the timeline plays it); 'sound: input'
    keeps the track on the audio input instead; 'sound: off' makes the picture only. The whole clip is made
    in one call."""
    streams_output = False  # one call with its sound: nothing to stream
    id = "video_models.cosmos3"
    title = "Cosmos 3 Video + Sound"
    task = "t2v"
    keywords = ("cosmos", "cosmos 3", "nvidia", "world", "sound", "audio", "text to video", "image to video")
    inputs = (In("model", "Video Model", help="a Cosmos 3 model (Cosmos3OmniPipeline) with its sound tokenizer"),
              In("image", "Image", optional=True, help="the first frame: image to video"),
              In("prompt", "Text", optional=True),
              In("audio", "Audio", optional=True, help="a track to keep instead of the made sound ('sound: input')"))
    outputs = (Out("video", "Video", help="the picture, with the sound"), Out("audio", "Audio"))
    params = (Text("prompt", "waves break on a rocky shore at dusk, gulls calling, cinematic"),
              Text("negative_prompt", "", help="empty: the pipeline's empty negative (with guidance above 1)"),
              Choice("sound", "generated", choices=SOUNDS, help="generated: Cosmos 3's own sound; input: the track on "
                                                                "the audio input replaces it afterwards (the picture "
                                                                "is not made to it); off: the picture only")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap", "guidance_2") + TAKE_PARAMS)

    def run(self, ctx, model, image=None, prompt=None, audio=None):
        import numpy as np

        from ...sampling.sampler import Sampler, filter_kwargs, to_pil
        ref = video_model_input(model)
        p = ctx.params
        if ref.fam.key != "cosmos3":
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: {self.title} needs a Cosmos 3 model "
                             "(Cosmos3OmniPipeline)")
        if p.sound == "input" and audio is None:
            raise StudioError("'sound' is 'input' but nothing is connected to the audio input")
        if p.sound != "input" and audio is not None:
            ctx.warn("the audio input is not used: set 'sound' to 'input' to keep it")
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        made_sound = p.sound == "generated"
        den_cfg = getattr(getattr(ref.module, "transformer", None), "config", None)
        if made_sound and (getattr(ref.module, "sound_tokenizer", None) is None
                           or not getattr(den_cfg, "sound_gen", False)):
            raise ModelError(f"model '{ref.path}' has no sound tokenizer or sound branch: it makes no sound; set "
                             "'sound' to off")
        s = Sampler(ctx, ref, "i2v" if image is not None else "t2v")
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        want = p.frames or s.fam.frames
        n = valid_frames(s.fam, want)
        say_frame_rule(ctx, s.fam, want, n)
        fps = p.fps or s.fam.fps
        img = like = None
        if image is not None:
            img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
            like = (img.shape[1], img.shape[0])
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        base = filter_kwargs(s.pipe, {"prompt": text, "negative_prompt": p.negative_prompt or None, "height": h,
                                      "width": w, "num_frames": n, "fps": fps, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "enable_sound": made_sound}, ctx.warn)
        if img is not None:
            base["image"] = to_pil(img)
        clip = s.generate(n, n, 0, lambda start, still: dict(base), fps, previews=p.previews, steps=self.steps,
                          size=(w, h))
        made = sound_of(s.pipe, getattr(s, "audio", None)) if made_sound else None
        if made_sound and made is None:
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        sound = audio if p.sound == "input" else made
        out = self._made(ctx, ArrayClip(clip.frames, fps, sound), w, h)
        if made is not None:
            ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz, made with the picture")
        return {"video": out, "audio": sound}
