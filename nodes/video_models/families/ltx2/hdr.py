"""LTX-2 HDR: an SDR clip lifted to linear high dynamic range by an LTX-2.3 HDR IC-LoRA (Lightricks'
LTX-2.3-22b-IC-LoRA-HDR, wired through Video LoRA), diffusers' ``LTX2HDRPipeline``
(pipelines/ltx2/pipeline_ltx2_hdr_lora.py in diffusers 0.42.1). The clip's tokens are read in context, as the
IC-LoRA control's are (ic_control.py); the decoded frames are LogC3 (ARRI EI 800) values turned back into
linear light, 0 to well above 1: the take's highlights are kept above white. The pipeline makes no sound.

What keeps it: an EXR image sequence in half or float (Save Image Sequence's default, frame.####.exr); an MP4
or an 8/16-bit PNG or TIFF clips it to [0, 1]. The viewer shows the clipped picture.

The LoRA's release conditions on fixed connector embeddings rather than a prompt: 'embeddings' names that
safetensors file (its ``video_context`` and ``audio_context``), read in place of the prompt; empty, the prompt
is encoded. Its sampling is the pipeline's own schedule at the node's steps (8, no guidance, as the release
runs its distilled model). The call is made by the one Sampler (sampling/one_call.py: previews, Stop inside a
step, progress and estimates as every generator's); the family's Outputs say its frames come channels last."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Path, Text
from studio.core.spec import In, Out

from ...base.errors import ModelError
from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, clip_take_settings, shared

PIPELINE = "LTX2HDRPipeline"
TASK = "hdr"  # its pipeline among the model's task pipelines (the loaded components shared)


class HDRError(StudioError):
    pass


def hdr_pipeline(ref):
    """The model's LTX2HDRPipeline, made from its loaded components once (diffusers' from_pipe) and kept with its
    task pipelines, with the CPU-offload hooks moved onto it when the model is offloaded."""
    import diffusers
    return ref.derived_pipeline(TASK, diffusers.LTX2HDRPipeline)


def connector_embeds(path: str) -> dict:
    """The HDR LoRA's connector embeddings (``video_context``, ``audio_context``) from their safetensors file."""
    from safetensors import safe_open
    if not os.path.isfile(path):
        raise HDRError(f"LTX-2 HDR: the embeddings file '{path}' does not exist")
    with safe_open(path, "pt", device="cpu") as f:
        names = set(f.keys())
        missing = {"video_context", "audio_context"} - names
        if missing:
            raise HDRError(f"LTX-2 HDR: '{path}' has no {' or '.join(sorted(missing))} tensor (the HDR LoRA's "
                           "connector embeddings hold both)")
        return {"connector_video_embeds": f.get_tensor("video_context"),
                "connector_audio_embeds": f.get_tensor("audio_context")}


class LTX2HDR(OneCallNode):
    """Lift an SDR clip to linear HDR with LTX-2 and its HDR IC-LoRA (wire the LoRA through Video LoRA). The
    output's highlights go above 1: save it with Save Image Sequence as EXR (half or float) to keep them; an
    MP4 clips them."""
    id = "video_models.ltx2_hdr"
    title = "LTX-2 HDR"
    keywords = ("ltx", "ltx-2", "hdr", "high dynamic range", "exr", "linear", "logc", "ic-lora", "sdr to hdr")
    family_key, error = "ltx2", ModelError
    wanted, how = "LTX-2", "load an LTX-2.3 model and wire the HDR IC-LoRA through Video LoRA"
    inputs = (In("model", "Video Model", help="an LTX-2.3 model with the HDR IC-LoRA (through Video LoRA)"),
              In("video", "Video", help="the SDR clip to lift"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video", help="linear HDR (values above 1 kept): save as EXR to keep them"),)
    params = (Text("prompt", "", help="read when no embeddings file is given"),
              Path("embeddings", "", filters="Safetensors (*.safetensors)",
                   help="the HDR LoRA's connector embeddings (video_context, audio_context); empty: the prompt"),
              *clip_take_settings("the clip", "frames to make (8k + 1) from the clip's first; 0: the clip's own",
                                  size_help="a multiple of 32", most=100_000),
              *shared("steps", "guidance", steps={"default": 8, "help": "denoising steps (the pipeline's 8)"},
                      guidance={"default": 1.0, "help": "classifier-free guidance (1: none, the pipeline's)"}),
              Float("strength", 1.0, min=0.0, max=1.0, help="how clean the clip's tokens look to the model (1: as "
                                                            "given)")) + shared(*RUN)

    def pipeline_of(self, ref):
        return hdr_pipeline(ref)

    def prepared(self, ctx, ref, inputs: dict):
        """What the node is given, checked before the pipeline is made."""
        p = ctx.params
        if not p.embeddings.strip() and not prompt_of(ctx, inputs.get("prompt")).strip():
            raise HDRError(f"{self.title}: give the HDR LoRA's embeddings file or a prompt")
        if not ref.loras:
            ctx.warn("no LoRA on the model: LTX-2 makes HDR only with its HDR IC-LoRA; wire it through Video LoRA "
                     "between the loader and this node")
        return ref

    def call(self, ctx, s, video, prompt=None) -> Call:
        from diffusers.pipelines.ltx2.pipeline_ltx2_hdr_lora import LTX2HDRReferenceCondition

        from studio.engine.clip import as_clip

        from ...base.calls import clip_take, to_pil
        from .ic_control import downscale_factor
        p, pipe = ctx.params, s.pipe
        clip = as_clip(video)
        n, w, h = clip_take(self.title, clip, p.frames, p.width, p.height, 32, HDRError, what="the clip")
        if (n - 1) % 8:
            k = (n - 1) // 8 * 8 + 1
            raise HDRError(f"{self.title}: {n} frames: LTX-2 makes 8k + 1 frames; set frames to {k}")
        text = prompt_of(ctx, prompt)
        embeds = connector_embeds(p.embeddings) if p.embeddings.strip() else {}
        frames = [to_pil(np.asarray(clip.frame(i), np.float32)) for i in range(n)]
        tokens = min(1024, int(getattr(pipe.tokenizer, "model_max_length", 1024) or 1024))  # the pipeline's 1024
        return Call(dict(prompt=None if embeds else text, max_sequence_length=tokens, height=h, width=w, num_frames=n,
                         frame_rate=float(clip.fps),
                         reference_conditions=[LTX2HDRReferenceCondition(frames=frames, strength=float(p.strength))],
                         reference_downscale_factor=downscale_factor(s.ref), num_inference_steps=self.steps,
                         guidance_scale=float(p.guidance), **embeds), n, float(clip.fps), (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        ctx.info(f"{c.frames} frames at {c.size[0]}x{c.size[1]} in linear HDR: brightest {float(clip.frames.max()):.2f} "
                 "(1 is SDR white); save as EXR (Save Image Sequence, half or float) to keep the values above 1")
        return {"video": clip}
