"""A picture and its sound made by one pipeline call (a family's "Video + Sound" node): the shared run of
every such node, a one-call node (one_call.py) whose call the one Sampler makes. The sound leaves on an Audio
port and rides on the clip (``clip.audio``), so Save Video muxes it and the timeline plays it; 'sound: input'
keeps the track on the audio input instead, 'sound: off' makes the picture alone. Not run in windows: the sound
of separate windows would not join.

A family's node declares its inputs, outputs and parameters (its own words) and gives what differs:
``family_key`` and ``needs`` (the model it takes, for the refusal), ``sound_problem`` (why a model makes no
sound, or None) and ``take_args`` (the pipeline's arguments: their names differ by family). The sound comes
back as the family's Outputs declare it (base/capabilities.py), through the Sampler."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Choice, Text
from studio.core.spec import In, Out

from ..base.errors import ModelError
from ..base.family import valid_frames
from .generators import COMMON, TAKE_PARAMS, output_size, prompt_of, say_frame_rule
from .one_call import Call, OneCallNode

SOUNDS = ("generated", "input", "off")


def sound_ports(model: str) -> tuple[tuple, tuple]:
    """(inputs, outputs) of a picture-and-sound node taking ``model`` (its words: 'a Kandinsky 6 model (...)')."""
    return ((In("model", "Video Model", help=model),
             In("image", "Image", optional=True, help="the first frame: image to video"),
             In("prompt", "Text", optional=True),
             In("audio", "Audio", optional=True, help="a track to keep instead of the made sound ('sound: input')")),
            (Out("video", "Video", help="the picture, with the sound"), Out("audio", "Audio")))


def sound_params(prompt: str, negative: str, family: str) -> tuple:
    """A picture-and-sound node's settings: its prompt (``prompt`` by default), its negative (``negative``: what
    an empty one means), 'sound', and the generators' shared ones but those of windows (one call: not run in
    windows)."""
    return (Text("prompt", prompt), Text("negative_prompt", "", help=negative),
            Choice("sound", "generated", choices=SOUNDS,
                   help=f"generated: {family}'s own sound; input: the track on the audio input replaces it afterwards "
                        "(the picture is not made to it); off: the picture only")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap", "guidance_2") + TAKE_PARAMS)


class SoundTakeNode(OneCallNode):
    """The run of a picture-and-sound node (module docstring); subclasses declare the node."""

    def sound_problem(self, ref, s) -> str | None:
        """Why the model ``ref`` (its sampler ``s``) makes no sound; None when it does."""
        return None

    def take_args(self, s, p, text: str, w: int, h: int, n: int, fps: float, made_sound: bool) -> dict:
        """The pipeline's arguments for the whole take (before ``filter_kwargs``)."""
        raise NotImplementedError

    def task_for(self, ref, inputs: dict) -> str:
        return "i2v" if inputs.get("image") is not None else "t2v"

    def prepared(self, ctx, ref, inputs: dict):
        """The sound asked checked against what is wired, before the model's parts are read."""
        p = ctx.params
        if p.sound == "input" and inputs.get("audio") is None:
            raise StudioError("'sound' is 'input' but nothing is connected to the audio input")
        if p.sound != "input" and inputs.get("audio") is not None:
            ctx.warn("the audio input is not used: set 'sound' to 'input' to keep it")
        if not prompt_of(ctx, inputs.get("prompt")).strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        return ref

    def call(self, ctx, s, image=None, prompt=None, audio=None) -> Call:
        import numpy as np

        from .sampler import to_pil
        p = ctx.params
        made_sound = p.sound == "generated"
        if made_sound:
            why = self.sound_problem(s.ref, s)
            if why:
                raise ModelError(f"model '{s.ref.path}' {why}: it makes no sound; set 'sound' to off")
        want = p.frames or s.fam.frames
        n = valid_frames(s.fam, want)
        say_frame_rule(ctx, s.fam, want, n)
        fps = p.fps or s.fam.fps
        img = like = None
        if image is not None:
            img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
            like = (img.shape[1], img.shape[0])
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        kwargs = self.take_args(s, p, prompt_of(ctx, prompt), w, h, n, fps, made_sound)
        if img is not None:
            kwargs["image"] = to_pil(img)
        return Call(kwargs, n, fps, (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, audio=None, **inputs):
        p = ctx.params
        made = s.sound() if p.sound == "generated" else None
        if p.sound == "generated" and made is None:
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        clip.audio = audio if p.sound == "input" else made  # rides on the clip: Save Video muxes it
        if made is not None:
            ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz, made with the picture")
        return {"video": clip, "audio": clip.audio}
