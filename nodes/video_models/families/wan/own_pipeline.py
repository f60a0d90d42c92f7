"""What a family built on Wan's files with a node and a pipeline of its own (Wan 2.2 S2V, SCAIL-2: families
of their own by the wing rule, docs/architecture.md) lacks of the capabilities, and why: one list for them."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)


def own_pipeline_lacks(node: str) -> dict:
    """The capabilities such a family lacks -> why; ``node``: its node in words ('the SCAIL-2 Character node')."""
    return {SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS,
            LoraNames: NO_LORA_NAMES,
            PromptRecipe: "its node encodes the prompt inside its own pipeline's call (pipeline.py, with WanPipeline's "
                          "encode_prompt): the prompt-embedding cache is not asked",
            ResumeKeeps: "its own pipeline's decode: the lighter retry only",
            VaeTiles: "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it",
            TimeTiles: f"{node} decodes with Wan's VAE itself (pipeline.py), not through a diffusers pipeline",
            LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
            Modular: NOT_MODULAR}
