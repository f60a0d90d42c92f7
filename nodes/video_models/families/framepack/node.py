"""Framepack Long Image to Video: a long take from a still (and an optional last image) by diffusers'
HunyuanVideoFramepackPipeline in one call. The pipeline makes the take in sections of
``latent_window_size`` latent frames, each conditioned on the still and on the sections made before
(its anti-drifting order: the last section first, so the end stays on the still's look); it makes whole
sections, so a few more frames than asked: the first frames asked are kept (said). Progress counts every
section's steps; Stop is honoured between steps."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip
from studio.engine.stack import fresh_stack

from ...base.errors import ModelError
from ...loading.inputs import video_model_input
from ...loading.node import CATEGORY
from .family import NODE, PIPELINE

SAMPLINGS = ("inverted_anti_drifting", "vanilla")


def sections(frames: int, window: int, temporal: int = 4) -> int:
    """How many sections the pipeline makes for ``frames`` (its own rule: a window of (window - 1) * 4 + 1 frames)."""
    per = (window - 1) * temporal + 1
    return max(1, (frames + per - 1) // per)


class FramepackVideo(Node):
    """Make a long take from a still (and an optional last image) with HunyuanVideo Framepack, section by
    section in one call; the first 'frames' frames it makes are kept."""
    id = "video_models.framepack"
    title = NODE
    category = CATEGORY
    keywords = ("framepack", "long take", "image to video", "hunyuan", "long video", "anti-drifting")
    timing = CLIP
    disk_cache = True  # minutes on a GPU: the clip is kept between runs and processes
    inputs = (In("model", "Video Model", help="a HunyuanVideo Framepack model (HunyuanVideoFramepackPipeline)"),
              In("image", "Image", help="the first frame"),
              In("last_image", "Image", optional=True, help="the last frame (a move between two stills)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "the girl dances gracefully, with clear movements, full of charm"),
              Text("negative_prompt", "", help="used with true_cfg above 1 only"),
              Int("frames", 129, min=1, max=10000, help="frames kept (the pipeline makes whole sections: a few "
                                                       "more, cut)"),
              Int("width", 0, min=0, max=4096, special="default", help="0: the image's, in multiples of 16"),
              Int("height", 0, min=0, max=4096, special="default", help="0: the image's, in multiples of 16"),
              Int("window", 9, min=2, max=33, help="latent frames a section (latent_window_size; the release: 9)"),
              Int("steps", 25, min=1, max=200, help="denoising steps a section"),
              Float("guidance", 10.0, min=0.0, max=30.0, help="the embedded (distilled) guidance"),
              Float("true_cfg", 1.0, min=1.0, max=30.0, help="classifier-free guidance with the negative prompt "
                                                             "(1: off, one pass a step)"),
              Choice("sampling", SAMPLINGS[0], choices=SAMPLINGS, help="inverted_anti_drifting: FramePack's "
                                                                       "order; vanilla: forward (FramePack-F1)"),
              Float("fps", 30.0, min=1.0, max=240.0),
              Seed("seed", 0))

    def run(self, ctx, model, image, last_image=None, prompt=None):
        import torch

        from ...sampling.sampler import to_pil
        ref = video_model_input(model)
        pipe = ref.module
        if ref.fam.key != "framepack" or type(pipe).__name__ != PIPELINE:
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: {NODE} needs a HunyuanVideo Framepack "
                             f"model ({PIPELINE})")
        p = ctx.params
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        first = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = p.width or first.shape[1], p.height or first.shape[0]
        w2, h2 = max(16, w // 16 * 16), max(16, h // 16 * 16)
        if (w2, h2) != (w, h):
            ctx.info(f"Framepack needs sizes in multiples of 16: making {w2}x{h2}")
        call = {"image": to_pil(first), "prompt": text, "negative_prompt": p.negative_prompt or None, "height": h2,
                "width": w2, "num_frames": p.frames, "latent_window_size": p.window, "num_inference_steps": p.steps,
                "guidance_scale": p.guidance, "true_cfg_scale": p.true_cfg, "sampling_type": p.sampling}
        if last_image is not None:
            last = last_image.frame(0) if hasattr(last_image, "frame") else last_image
            call["last_image"] = to_pil(np.asarray(last, np.float32))
        total = sections(p.frames, p.window, pipe.vae_scale_factor_temporal) * p.steps
        done = [0]

        def on_step(pipe_, i, t, kw):
            done[0] += 1
            ctx.progress(done[0], total)  # raises Cancelled on a Stop
            return kw
        pipe.set_progress_bar_config(disable=True)
        with torch.inference_mode():
            out = fresh_stack(pipe, **call, generator=ctx.torch_generator(device="cpu", salt=0), output_type="np",
                              callback_on_step_end=on_step).frames[0]
        made = np.clip(np.asarray(out, np.float32), 0, 1)
        if len(made) > p.frames:
            ctx.info(f"Framepack made {len(made)} frames in whole sections of {p.window} latent frames: the first "
                     f"{p.frames} kept")
        made = made[:p.frames]
        ctx.info(f"made {len(made)} frames at {w2}x{h2}, {p.steps} steps a section")
        return ArrayClip(made, p.fps)
