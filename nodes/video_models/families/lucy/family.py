"""Lucy Edit (Decart): a video edited by a text instruction, diffusers' ``LucyEditPipeline``
(pipelines/lucy/pipeline_lucy_edit.py in diffusers 0.42.1): Wan 2.2 TI2V-5B's transformer reading the
input clip's latents beside its noise (twice the channels in), Wan's VAE and UMT5. Studio runs it as
Video to Video: the clip is the edit's source, the prompt the instruction; there is no strength (the
whole clip is regenerated under it). Read as a diffusers folder (its transformer's names are Wan's: a
single file would be taken for a Wan denoiser)."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.prompt_recipes import PLAIN

WAN_VAE = "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it (found by the VAE's class)"

FAMILY = Family(
    "lucy", "Lucy Edit", ("LucyEditPipeline",), v2v="LucyEditPipeline", frames=81, frame_multiple=(4, 1),
    size_multiple=32, fps=24.0, scale_attr="latents_std", key_rank=200,
    part_titles=(("UMT5-XXL", "UMT5-XXL (Lucy Edit)"),),
    has=(SingleFile(refusal="Lucy Edit is read as a diffusers folder (its transformer's names are Wan's)"),
         PromptRecipe(("LucyEditPipeline",), PLAIN), PromptWeights(("LucyEditPipeline",)), PreviewLayout()),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder (its transformer's names are Wan's: a single file would be taken "
                       "for Wan's)",
           ResumeKeeps: "its decode and post-processing were not read for a lone redo: the lighter retry only",
           VaeTiles: WAN_VAE, TimeTiles: WAN_VAE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    variants=(("Lucy Edit", lambda idx, cfg: True),))
