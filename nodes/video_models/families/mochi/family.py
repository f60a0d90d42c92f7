"""Mochi 1 (genmo/mochi-1-preview): text to video, diffusers' ``MochiPipeline`` (pipelines/mochi in diffusers
0.42.1: an asymmetric DiT, MochiTransformer3DModel; its own VAE, AutoencoderKLMochi, six frames to a latent
frame; T5-XXL). Frames 6k + 1 at 30 fps, sizes multiples of 16 (the VAE's 8 times a 2 x 2 patch). Its
denoiser's single file (the release's names, as ComfyUI's mochi_preview files keep them, or diffusers') is read
with 'base' set to a diffusers Mochi folder (diffusers' own converter); ComfyUI's empty-latent workflow
converts to Text to Video (comfy.py)."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PartReader, PreviewLayout,
                                  PromptRecipe, ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.recognise import Recognised

OWN_VAE = "its VAE (AutoencoderKLMochi) was not read for this: decoded by its pipeline, whole"


def recognise(t, filename: str = "") -> Recognised | None:
    """Its DiT by the release's names (genmo/mochi's asymmetric blocks: a joint qkv for the video tokens) or
    diffusers' (its attention pooler of the caption and its rotary frequencies)."""
    if t.has("blocks.0.attn.qkv_x.weight") or t.has("time_embed.pooler.to_kv.weight", "pos_frequencies"):
        return Recognised("denoiser", "mochi", "Mochi 1")
    return None


FAMILY = Family(
    "mochi", "Mochi 1", ("MochiPipeline",), t2v="MochiPipeline",
    frames=85, frame_multiple=(6, 1), size_multiple=16, fps=30.0, scale_attr="latents_std", key_rank=60,
    recogniser=recognise, key_patterns=(("attn.qkv_x", "attn.qkv_y"),),
    layouts=("diffusers", "original (the release's, ComfyUI's)"), part_titles=(("T5-XXL", "T5-XXL (Mochi)"),),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, LoraNames: NO_LORA_NAMES, Drafts: NO_DRAFTS,
           PartReader: "a denoiser file is read with 'base' set to a diffusers Mochi folder; ComfyUI's T5 and VAE "
                       "files are not read without one",
           PromptRecipe: "its encode_prompt (embeddings and their attention masks) was not read for the "
                         "prompt-embedding cache",
           ResumeKeeps: "its decode and post-processing were not read for a lone redo: the lighter retry only",
           VaeTiles: OWN_VAE, TimeTiles: OWN_VAE, PreviewLayout: "its VAE (AutoencoderKLMochi) was not fitted for "
                                                                "live previews",
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR, SingleFile: SINGLE_FILE_AS_IS},
    not_built=(("image to video", "diffusers' Mochi has text to video only (MochiPipeline)"),),
    variants=(("Mochi 1", lambda idx, cfg: True),))
