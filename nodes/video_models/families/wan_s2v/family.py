"""Wan 2.2 S2V 14B (speech + reference image [+ pose clip] to video): its own node (node.py)."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PartReader, PreviewLayout,
                                  PromptRecipe, ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from . import recognise

PIPELINE = "WanS2VPipeline"  # pipeline.py: not a diffusers class, built by parts.py

OWN_DECODE = ("the Speech to Video (S2V) node decodes with Wan's VAE itself (pipeline.py), not through a diffusers "
              "pipeline")


class WanS2V(Family):
    def formats(self) -> list[str]:
        """No diffusers folder exists for it: ComfyUI's (or the release's) denoiser file with Wan's parts."""
        return ["single denoiser file (.safetensors bf16/fp16/fp32, ComfyUI's scaled fp8), original layout",
                "ComfyUI part files (UMT5-XXL text encoder, Wan 2.1 VAE)"]


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanS2V(
    "wan_s2v", "Wan S2V", (PIPELINE,), frames=77, frame_multiple=(1, 0), size_multiple=16, fps=16.0,
    scale_attr="latents_std", key_rank=3, recogniser=recognise.recognise,
    layouts=("original (Wan-Video, ComfyUI)",), task_kinds_by_inputs=("audio",),  # the Speech to Video (S2V) node
    has=(PartReader(_parts), PreviewLayout()),
    lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "its node encodes the prompt inside its own pipeline's call (pipeline.py, with WanPipeline's "
                         "encode_prompt): the prompt-embedding cache is not asked",
           ResumeKeeps: "its own pipeline's decode: the lighter retry only",
           VaeTiles: "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it",
           TimeTiles: OWN_DECODE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    variants=(("Wan 2.2 S2V 14B", lambda idx, cfg: cfg.get("num_layers") == 40),))
