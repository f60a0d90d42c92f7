"""Framepack Long Image to Video: a long take from a still (and an optional last image) by diffusers'
HunyuanVideoFramepackPipeline in one call, made by the one Sampler (sampling/one_call.py: previews of the section
under way, Stop inside a step, progress over every section's steps, estimates). The pipeline makes the take in
sections of ``latent_window_size`` latent frames, each conditioned on the still and on the sections made before
(its anti-drifting order: the last section first, so the end stays on the still's look); it makes whole
sections, so a few more frames than asked: the first frames asked are kept (said)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Text
from studio.core.spec import In, Out

from ...sampling.generators import output_size, prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .buckets import BASES, nearest
from .cost import decoded, sections, take_shape
from .family import NODE, PIPELINE

SAMPLINGS = ("inverted_anti_drifting", "vanilla")


class FramepackVideo(OneCallNode):
    """Make a long take from a still (and an optional last image) with HunyuanVideo Framepack, section by
    section in one call; the first 'frames' frames it makes are kept."""

    @classmethod
    def take_shape(cls, params, fam):
        """Its sections in one call, as its family's Cost declares them (cost.py)."""
        return take_shape(params)

    id = "video_models.framepack"
    title = NODE
    keywords = ("framepack", "long take", "image to video", "hunyuan", "long video", "anti-drifting")
    task = "i2v"
    family_key, pipelines = "framepack", (PIPELINE,)
    needs = f"a HunyuanVideo Framepack model ({PIPELINE})"
    inputs = (In("model", "Video Model", help="a HunyuanVideo Framepack model (HunyuanVideoFramepackPipeline)"),
              In("image", "Image", help="the first frame"),
              In("last_image", "Image", optional=True, help="the last frame (a move between two stills)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "the girl dances gracefully, with clear movements, full of charm"),
              Text("negative_prompt", "", help="used with true_cfg above 1 only"),
              Int("frames", 129, min=1, max=10000, help="frames kept (the pipeline makes whole sections: a few "
                                                       "more, cut)")) + \
        shared("width", "height", width={"help": "0: the image's, in multiples of 16"},
               height={"help": "0: the image's, in multiples of 16"}) + \
        (Choice("bucket", "off", choices=("off",) + tuple(BASES), help="640: with width and height 0, the size "
                "is FramePack's bucket nearest the image's aspect (about 640 x 640; ComfyUI's "
                "FramePackFindNearestBucket); off: the image's own size"),
         Int("window", 9, min=2, max=33, help="latent frames a section (latent_window_size; the release: 9)"),) + \
        shared("steps", "guidance", steps={"default": 25, "help": "denoising steps a section"},
               guidance={"default": 10.0, "help": "the embedded (distilled) guidance"}) + \
        (Float("true_cfg", 1.0, min=1.0, max=30.0, help="classifier-free guidance with the negative prompt "
                                                        "(1: off, one pass a step)"),
         Choice("sampling", SAMPLINGS[0], choices=SAMPLINGS, help="inverted_anti_drifting: FramePack's "
                                                                  "order; vanilla: forward (FramePack-F1)"),
         Float("fps", 30.0, min=1.0, max=240.0)) + shared(*RUN)

    def run(self, ctx, model, **inputs):
        """As every one-call node, its text encoder left on disk where every prompt of the run is in the prompt
        cache (its family's PromptRecipe: the call is given the kept embeddings)."""
        from ...sampling.prompt_cache import all_cached
        text = prompt_of(ctx, inputs.get("prompt"))
        self.text_needed = not (text.strip() and all_cached(ctx, self.model_ref(model), self.task, text,
                                                            ctx.params.negative_prompt, pipeline=PIPELINE))
        return super().run(ctx, model, **inputs)

    def pipeline_of(self, ref):
        return ref.own_pipeline(text=getattr(self, "text_needed", True))

    def call(self, ctx, s, image, last_image=None, prompt=None) -> Call:
        from ...sampling.sampler import to_pil
        p = ctx.params
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        first = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        asked = (p.width, p.height)
        if p.bucket in BASES and not p.width and not p.height:  # FramePack's bucket near the image's aspect
            bh, bw = nearest(first.shape[0], first.shape[1], p.bucket)
            asked = (bw, bh)
        w, h = output_size(ctx, s, *asked, (first.shape[1], first.shape[0]), self.preview)
        words = self._text_kwargs(ctx, s, text, p.negative_prompt)  # the prompt cache's embeddings, else the words
        call = {"image": to_pil(first), **words, "height": h,
                "width": w, "num_frames": p.frames, "latent_window_size": p.window, "num_inference_steps": self.steps,
                "guidance_scale": p.guidance, "true_cfg_scale": p.true_cfg, "sampling_type": p.sampling}
        if last_image is not None:
            last = last_image.frame(0) if hasattr(last_image, "frame") else last_image
            call["last_image"] = to_pil(np.asarray(last, np.float32))
        temporal = s.pipe.vae_scale_factor_temporal
        n = sections(p.frames, p.window, temporal)
        made = n * ((p.window - 1) * temporal + 1)
        return Call(call, p.frames, p.fps, (w, h), self.steps, made=made, loops=n, decoded=decoded(n, p.window, temporal),
                    cut="Framepack made {made} frames in whole sections of " + f"{p.window} latent frames: the first "
                        f"{p.frames} kept")
