"""Sana Video: a clip from a prompt (SanaVideoPipeline) or from a still and a prompt
(SanaImageToVideoPipeline), whichever the folder on Load Video Model is, in one call made by the one Sampler
(sampling/one_call.py: previews, Stop inside a step, progress and estimates as every generator's). 'binning'
is the pipeline's use_resolution_binning: made at the trained bucket nearest the size asked, resized back."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int, Text
from studio.core.spec import In, Out

from ...base.errors import ModelError
from ...base.family import valid_frames
from ...sampling.generators import output_size, prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .family import I2V, NODE, T2V


class SanaVideo(OneCallNode):
    """Make a clip with Sana Video from a prompt, or from a still and a prompt (an image-to-video folder)."""
    id = "video_models.sana_video"
    title = NODE
    keywords = ("sana", "sana video", "text to video", "image to video", "nvidia", "linear attention")
    family_key, pipelines, needs = "sana_video", (T2V, I2V), "a Sana Video model"
    inputs = (In("model", "Video Model", help="a Sana Video model (SanaVideoPipeline or SanaImageToVideoPipeline)"),
              In("image", "Image", optional=True, help="the first frame (an image-to-video folder)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a cat walks along a sunny windowsill, soft light. motion score: 30."),
              Text("negative_prompt", ""),
              Int("frames", 81, min=1, max=1000, help="4k + 1 (others rounded up)"),
              Int("width", 832, min=32, max=4096), Int("height", 480, min=32, max=4096)) + \
        shared("steps", "guidance", steps=50, guidance=6.0) + \
        (Bool("binning", True, help="make the trained resolution bucket nearest the size and resize back "
                                    "(the pipeline's use_resolution_binning)"),
         Float("fps", 16.0, min=1.0, max=240.0)) + shared(*RUN)

    def task_for(self, ref, inputs: dict) -> str:
        return "i2v" if type(ref.module).__name__ == I2V else "t2v"

    def call(self, ctx, s, image=None, prompt=None) -> Call:
        from ...sampling.sampler import to_pil
        kind = type(s.pipe).__name__
        if (image is not None) != (kind == I2V):
            raise ModelError(f"'{s.ref.path}' is Sana Video's {'image' if kind == I2V else 'text'} to video ({kind}): "
                             + ("connect a still to 'image'" if kind == I2V else "disconnect the image, or load its "
                                                                               "image-to-video folder"))
        p = ctx.params
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        n = valid_frames(s.fam, p.frames)
        if n != p.frames:
            ctx.info(f"Sana Video makes 4k + 1 frames: {n} made for the {p.frames} asked, cut back")
        w, h = output_size(ctx, s, p.width, p.height, preview=self.preview)
        call = {"prompt": text, "negative_prompt": p.negative_prompt, "height": h, "width": w, "num_frames": n,
                "num_inference_steps": self.steps, "guidance_scale": p.guidance, "use_resolution_binning": p.binning}
        if image is not None:
            call["image"] = to_pil(np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32))
        return Call(call, p.frames, p.fps, (w, h), self.steps, made=n)
