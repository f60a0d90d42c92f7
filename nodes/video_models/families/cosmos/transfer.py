"""Cosmos Transfer: a video made from a control clip (edges, depth, segmentation or a blurred clip: Studio's
Edges, Depth and Segment nodes make them) and a prompt, by a Cosmos Transfer2.5 folder: diffusers'
``Cosmos2_5_TransferPipeline`` (pipelines/cosmos/pipeline_cosmos2_5_transfer.py in diffusers 0.42.1), its
control clip's latents read by a CosmosControlNetModel beside the transformer. The pipeline makes the take in
chunks of ``chunk`` frames (its num_frames_per_chunk, 93 as released), each after the first continuing from
the last frame of the one before: one call makes the whole take, the control clip's length by default, made
by the one Sampler (sampling/one_call.py: previews, Stop inside a step, progress over every chunk's steps,
estimates).

Everything is checked before the call: the model (a Transfer2.5 folder), the control clip (as long as the
take), the size (multiples of 16, the control clip's own by default)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, clip_take_settings, shared

PIPELINE = "Cosmos2_5_TransferPipeline"
FPS = 16.0  # Transfer2.5's frame rate (its Predict2.5 base's)


class TransferError(StudioError):
    pass


class CosmosTransfer(OneCallNode):
    """Make a clip that follows a control clip with Cosmos Transfer2.5: connect Load Video Model (a diffusers
    Cosmos Transfer2.5 folder) and the control clip (Edges, Depth, Segment, or a blurred clip, as the
    Transfer model was trained on). 'control_strength' is how closely the take follows it."""
    id = "video_models.cosmos_transfer"
    title = "Cosmos Transfer"
    family_key, pipelines, error = "cosmos25", (PIPELINE,), TransferError
    wanted, how = "Cosmos Transfer2.5", "load a diffusers Cosmos Transfer2.5 folder in Load Video Model"
    keywords = ("cosmos", "transfer", "control", "controlnet", "edges", "depth", "segmentation", "nvidia")
    inputs = (In("model", "Video Model", help="a diffusers Cosmos Transfer2.5 folder"),
              In("control", "Video", help="the control clip (edges, depth, segmentation or blur) the take follows"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a red fox running through snow, cinematic"),
              Text("negative_prompt", "", help="empty: the pipeline's own negative prompt"),
              *clip_take_settings("the control clip", "frames to make at 16 fps; 0: as long as the control clip",
                                  most=100_000),
              *shared("steps", "guidance", steps={"default": 36, "help": "denoising steps per chunk (the release's 36)"},
                      guidance={"default": 3.0, "help": "classifier-free guidance (the release's 3)"}),
              Float("control_strength", 1.0, min=0.0, max=2.0, help="how closely the take follows the control clip"),
              Int("chunk", 93, min=5, max=1000, help="frames a chunk (4k + 1, the release's 93): a longer take is "
                                                     "made chunk by chunk")) + shared(*RUN)

    def call(self, ctx, s, control, prompt=None) -> Call:
        from studio.engine.clip import as_clip

        from ...base.calls import clip_take, to_pil
        p = ctx.params
        clip = as_clip(control)
        n, w, h = clip_take(self.title, clip, p.frames, p.width, p.height, 16, TransferError)
        if (p.chunk - 1) % 4:
            raise TransferError(f"{self.title}: 'chunk' is {p.chunk}: it must be 4k + 1 frames (the release's 93)")
        frames = [to_pil(np.asarray(clip.frame(i), np.float32)) for i in range(n)]
        chunks = max(1, -(-(n - 1) // (int(p.chunk) - 1)))
        ctx.info(f"{n} frames at {w}x{h}, following the control clip at strength {p.control_strength:g}"
                 + (f", in about {chunks} chunks of {p.chunk}" if chunks > 1 else ""))
        extra = {"negative_prompt": p.negative_prompt} if p.negative_prompt.strip() else {}
        return Call({"controls": frames, "controls_conditioning_scale": float(p.control_strength),
                     "prompt": prompt_of(ctx, prompt), "height": h, "width": w, "num_frames": n,
                     "num_frames_per_chunk": int(p.chunk), "num_inference_steps": self.steps,
                     "guidance_scale": float(p.guidance), **extra}, n, FPS, (w, h), self.steps, loops=chunks)
