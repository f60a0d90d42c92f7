"""Sana Video: a clip from a prompt (SanaVideoPipeline) or from a still and a prompt
(SanaImageToVideoPipeline), whichever the folder on Load Video Model is, in one call. 'binning' is the
pipeline's use_resolution_binning: made at the trained bucket nearest the size asked, resized back."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Float, Int, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip
from studio.engine.stack import fresh_stack

from ...base.errors import ModelError
from ...base.family import valid_frames
from ...loading.inputs import video_model_input
from ...loading.node import CATEGORY
from .family import I2V, NODE, T2V


class SanaVideo(Node):
    """Make a clip with Sana Video from a prompt, or from a still and a prompt (an image-to-video folder)."""
    id = "video_models.sana_video"
    title = NODE
    category = CATEGORY
    keywords = ("sana", "sana video", "text to video", "image to video", "nvidia", "linear attention")
    timing = CLIP
    disk_cache = True  # minutes on a GPU: the clip is kept between runs and processes
    inputs = (In("model", "Video Model", help="a Sana Video model (SanaVideoPipeline or SanaImageToVideoPipeline)"),
              In("image", "Image", optional=True, help="the first frame (an image-to-video folder)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a cat walks along a sunny windowsill, soft light. motion score: 30."),
              Text("negative_prompt", ""),
              Int("frames", 81, min=1, max=1000, help="4k + 1 (others rounded up)"),
              Int("width", 832, min=32, max=4096), Int("height", 480, min=32, max=4096),
              Int("steps", 50, min=1, max=500), Float("guidance", 6.0, min=0.0, max=30.0),
              Bool("binning", True, help="make the trained resolution bucket nearest the size and resize back "
                                         "(the pipeline's use_resolution_binning)"),
              Float("fps", 16.0, min=1.0, max=240.0), Seed("seed", 0))

    def run(self, ctx, model, image=None, prompt=None):
        import torch

        from ...sampling.sampler import to_pil
        ref = video_model_input(model)
        pipe = ref.module
        kind = type(pipe).__name__
        if ref.fam.key != "sana_video" or kind not in (T2V, I2V):
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: {NODE} needs a Sana Video model")
        if (image is not None) != (kind == I2V):
            raise ModelError(f"'{ref.path}' is Sana Video's {'image' if kind == I2V else 'text'} to video ({kind}): "
                             + ("connect a still to 'image'" if kind == I2V else "disconnect the image, or load its "
                                                                               "image-to-video folder"))
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        n = valid_frames(ref.fam, p.frames)
        if n != p.frames:
            ctx.info(f"Sana Video makes 4k + 1 frames: {n} made for the {p.frames} asked, cut back")
        call = {"prompt": text, "negative_prompt": p.negative_prompt, "height": p.height, "width": p.width,
                "frames": n, "num_inference_steps": p.steps, "guidance_scale": p.guidance,
                "use_resolution_binning": p.binning}
        if image is not None:
            call["image"] = to_pil(np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32))

        def on_step(pipe_, i, t, kw):
            ctx.progress(i + 1, p.steps)  # raises Cancelled on a Stop
            return kw
        pipe.set_progress_bar_config(disable=True)
        with torch.inference_mode():
            out = fresh_stack(pipe, **call, generator=ctx.torch_generator(device="cpu", salt=0), output_type="np",
                              callback_on_step_end=on_step).frames[0]
        made = np.clip(np.asarray(out, np.float32), 0, 1)[:p.frames]
        ctx.info(f"made {len(made)} frames at {made.shape[2]}x{made.shape[1]}, {p.steps} steps")
        return ArrayClip(made, p.fps)
