"""HunyuanVideo 1.5: text and image to video, read from a folder or ComfyUI's part files."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_LAST_FRAME, NO_LORA_NAMES, NO_TRACKS,
                                  NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, Each, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.said import modular_forms
from . import drafts, recognise


def _converters() -> dict:
    from ..hunyuan import layouts as hunyuan_layouts  # Tencent's names, which diffusers has no converter for
    return hunyuan_layouts.CONVERTERS


PIPELINES = ("HunyuanVideo15Pipeline", "HunyuanVideo15ImageToVideoPipeline")
WHOLE_CLIP = ("its VAE (AutoencoderKLHunyuanVideo15) has no time tiling in diffusers 0.42 and a decoder that sees the "
              "whole clip")


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline as hunyuan15_pipeline
    return hunyuan15_pipeline


FAMILY = Family(
    "hunyuan15", "HunyuanVideo 1.5", PIPELINES,
    i2v="HunyuanVideo15ImageToVideoPipeline", t2v="HunyuanVideo15Pipeline",
    frames=121, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=2, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Tencent, ComfyUI)"),
    # its two encoders' states and masks, the negative always kept (its guider decides at the call whether it is used)
    has=(PromptWeights(PIPELINES, literal=True),  # ComfyUI's text encoder reads no weights
         SingleFile(_converters, carry_scales=True), Drafts(drafts.RECIPES),
         PartReader(_parts),
         PromptRecipe(PIPELINES, each=Each(("prompt_embeds", "prompt_embeds_mask", "prompt_embeds_2",
                                            "prompt_embeds_mask_2"), dtype=True, length=False, negative="always")),
         ResumeKeeps(tuple((name, 0) for name in PIPELINES)), PreviewLayout()),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, LoraNames: NO_LORA_NAMES,
           VaeTiles: WHOLE_CLIP, TimeTiles: WHOLE_CLIP, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    part_titles=(("byT5", "byT5 (HunyuanVideo 1.5 glyphs)"), ("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (HunyuanVideo 1.5)"),
                 ("SigLIP so400m/14 384", "SigLIP so400m/14 384 (HunyuanVideo 1.5 I2V)")),
    key_patterns=(("cond_type_embed", "context_embedder_2.", "transformer_blocks."),
                  ("cond_type_embedding", "double_blocks.", "txt_in.")),  # Tencent's names (ComfyUI's files)
    not_built=(modular_forms(("HunyuanVideo15ModularPipeline",), "HunyuanVideo15Pipeline and its image-to-video "
                             "pipeline"),),
    variants=(("HunyuanVideo 1.5", lambda idx, cfg: True),))
