"""A picture and its sound made by one pipeline call (a family's "Video + Sound" node): the shared run of
every such node. The sound leaves on an Audio port and rides on the clip (``clip.audio``), so Save Video
muxes it and the timeline plays it; 'sound: input' keeps the track on the audio input instead, 'sound:
off' makes the picture alone. Progress, previews, Stop inside a step and the model cache are the other
video-model nodes' (sampling.Sampler). Not run in windows: the sound of separate windows would not join.

A family's node declares its inputs, outputs and parameters (its own words) and gives what differs:
``family_key`` and ``needs`` (the model it takes, for the refusal), ``sound_problem`` (why a model makes no
sound, or None), ``call`` (the pipeline's arguments: their names differ by family). The sound comes back as the family's
Outputs declare it (base/capabilities.py), through the Sampler."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.engine.clip import ArrayClip

from ..base.errors import ModelError
from ..base.family import valid_frames
from ..loading.inputs import video_model_input
from .generators import GeneratorNode, output_size, preview_and_steps, prompt_of, say_frame_rule

SOUNDS = ("generated", "input", "off")


class SoundTakeNode(GeneratorNode):
    """The run of a picture-and-sound node (module docstring); subclasses declare the node."""
    streams_output = False  # one call with its sound: nothing to stream
    family_key = ""  # the registry's key of the family whose models it takes
    needs = ""  # the model it takes, as the refusal says it ("a <family> model (<its pipeline class>)")

    def sound_problem(self, ref, s) -> str | None:
        """Why the model ``ref`` (its sampler ``s``) makes no sound; None when it does."""
        return None

    def call(self, s, p, text: str, w: int, h: int, n: int, fps: float, made_sound: bool) -> dict:
        """The pipeline's arguments for the whole take (before ``filter_kwargs``)."""
        raise NotImplementedError

    def run(self, ctx, model, image=None, prompt=None, audio=None):
        import numpy as np

        from .sampler import Sampler, filter_kwargs, to_pil
        ref = video_model_input(model)
        p = ctx.params
        if ref.fam.key != self.family_key:
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: {self.title} needs {self.needs}")
        if p.sound == "input" and audio is None:
            raise StudioError("'sound' is 'input' but nothing is connected to the audio input")
        if p.sound != "input" and audio is not None:
            ctx.warn("the audio input is not used: set 'sound' to 'input' to keep it")
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        made_sound = p.sound == "generated"
        s = Sampler(ctx, ref, "i2v" if image is not None else "t2v")
        if made_sound:
            why = self.sound_problem(ref, s)
            if why:
                raise ModelError(f"model '{ref.path}' {why}: it makes no sound; set 'sound' to off")
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
        base = filter_kwargs(s.pipe, self.call(s, p, text, w, h, n, fps, made_sound), ctx.warn)
        if img is not None:
            base["image"] = to_pil(img)
        clip = s.generate(n, n, 0, lambda start, still: dict(base), fps, previews=p.previews, steps=self.steps,
                          size=(w, h))
        made = s.sound() if made_sound else None
        if made_sound and made is None:
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        sound = audio if p.sound == "input" else made
        out = self._made(ctx, ArrayClip(clip.frames, fps, sound), w, h)
        if made is not None:
            ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz, made with the picture")
        return {"video": out, "audio": sound}
