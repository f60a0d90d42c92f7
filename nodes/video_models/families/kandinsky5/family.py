"""Kandinsky 5 (Lite, Pro): text and image to video, diffusers' Kandinsky5T2VPipeline and
Kandinsky5I2VPipeline on one folder's parts (a Kandinsky5Transformer3DModel, HunyuanVideo's VAE,
Qwen2.5-VL and CLIP text encoders, a flow-matching scheduler) or on ComfyUI's part files (pipeline.py). Frame and size rules are the pipelines'
own checks (pipeline_kandinsky.py / pipeline_kandinsky_i2v.py in diffusers 0.42.1): frames 4k + 1,
height and width multiples of 16; image to video normalises its first four latent frames against the
frames after them, so it needs five latent frames (17 frames or more)."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import Cost
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, Each,
                                  FirstLast, LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family, config_int
from . import recognise

I2V_MIN_FRAMES = 17  # 5 latent frames: normalize_first_frame's reference frames start at the fifth
PIPELINES = ("Kandinsky5T2VPipeline", "Kandinsky5I2VPipeline")
# its call encodes this when no negative is given and guidance is above 1 (diffusers 0.42.1,
# pipelines/kandinsky5/pipeline_kandinsky.py and pipeline_kandinsky_i2v.py, __call__)
NEGATIVE = ("Static, 2D cartoon, cartoon, 2d animation, paintings, images, worst quality, low quality, ugly, deformed, "
            "walking backwards")
HUNYUAN_VAE = "its VAE is HunyuanVideo's (AutoencoderKLHunyuanVideo): the HunyuanVideo family's VaeTiles serves it"


def _converters() -> dict:
    from . import layouts
    return layouts.CONVERTERS


class Kandinsky5(Family):
    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        from ...base.errors import ModelError
        if task == "i2v" and frames < I2V_MIN_FRAMES:
            raise ModelError(f"Kandinsky 5 image to video makes {I2V_MIN_FRAMES} frames or more a call (its first "
                             f"four latent frames are matched to the ones after them): {frames} asked; set frames "
                             f"to {I2V_MIN_FRAMES} or more")


def _task(idx: dict) -> str:
    return " I2V" if idx.get("_class_name") == "Kandinsky5I2VPipeline" else " T2V"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline as kandinsky5_pipeline
    return kandinsky5_pipeline


FAMILY = Kandinsky5(
    "kandinsky5", "Kandinsky 5", PIPELINES,
    i2v="Kandinsky5I2VPipeline", t2v="Kandinsky5T2VPipeline",
    latent_layout="BTHWC", frames=121, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=3,
    recogniser=recognise.recognise, layouts=("diffusers", "original (the release's, ComfyUI's)"),
    part_titles=(("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (Kandinsky 5)"), ("CLIP-L text", "CLIP-L text (Kandinsky 5)")),
    # Qwen2.5-VL's states and their cumulative lengths, CLIP's pooled output, in the transformer's dtype; the
    # negative with guidance above 1, its own default negative when none is given
    has=(PromptWeights(PIPELINES, literal=True),  # ComfyUI's text encoder reads no weights
         SingleFile(_converters), PartReader(_parts, files="DiT, Qwen2.5-VL and CLIP-L text encoders, HunyuanVideo VAE; no diffusers folder "
                                  "needed"),
         PromptRecipe(PIPELINES, each=Each(("prompt_embeds_qwen", "prompt_embeds_clip", "prompt_cu_seqlens"),
                                           dtype=True, length=True, negative="guidance", default_negative=NEGATIVE)),
         PreviewLayout(), Cost(layer_keys=("num_visual_blocks",))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           ResumeKeeps: "its decode and post-processing were not read for a lone redo: the lighter retry only",
           VaeTiles: HUNYUAN_VAE, TimeTiles: "its pipeline's own decode, copied to the host a tile at a time",
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR},
    key_patterns=(("visual_transformer_blocks.", "text_transformer_blocks.", "pooled_text_embeddings."),),
    variants=tuple((f"Kandinsky 5 {size}{task}", lambda idx, cfg, d=dim, t=task: (
        config_int(cfg, "model_dim") == d and _task(idx) == t))
        for size, dim in (("Lite", recognise.LITE_WIDTH), ("Pro", recognise.PRO_WIDTH)) for task in (" T2V", " I2V"))
    + (("Kandinsky 5 I2V", lambda idx, cfg: _task(idx) == " I2V"), ("Kandinsky 5 T2V", lambda idx, cfg: True)))
