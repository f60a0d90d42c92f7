"""SkyReels V1 image to video (Skywork's HunyuanVideo fine-tune), diffusers'
HunyuanSkyreelsImageToVideoPipeline (pipelines/hunyuan_video/pipeline_hunyuan_skyreels_image2video.py in
diffusers 0.42.1): HunyuanVideo's transformer reading the start image's latents beside its noise (twice
the channels in), HunyuanVideo's VAE, Llama and CLIP text encoders, true classifier-free guidance with a
negative prompt (true_cfg_scale) beside the embedded guidance. A family of its own, not a wing of
HunyuanVideo: its folder needs its own pipeline class for image to video (HunyuanVideo's image to video
reads the image in its LLaVA text encoder instead). Studio runs it as Image to Video ('guidance': the
embedded guidance, as HunyuanVideo's; true CFG at the pipeline's 6 with a negative prompt). Read as a diffusers
folder, or as one transformer file (ComfyUI's diffusion_models file, kijai's skyreels_hunyuan_i2v_bf16 / _fp8_e4m3fn:
Tencent's names, HunyuanVideo's) told from HunyuanVideo's by its width in (twice the latent channels out:
recognise.py) with a diffusers folder as 'base' for its Llama, CLIP, VAE and scheduler: SkyReels V1's, or
HunyuanVideo's (the same parts; its transformer config read with the file's channels in), as diffusers' own example
builds the pipeline (HunyuanSkyreelsImageToVideoPipeline's docstring: hunyuanvideo-community/HunyuanVideo with the
SkyReels transformer)."""
from __future__ import annotations

from ...base.capabilities import Cost
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ..hunyuan.family import VAE_TILES
from ..hunyuan.family import split_13b  # (HunyuanVideo's single blocks split by the file's width)
from . import recognise

PIPELINE = "HunyuanSkyreelsImageToVideoPipeline"

FAMILY = Family(
    "hunyuan_skyreels", "SkyReels V1 (HunyuanVideo)", (PIPELINE,), i2v=PIPELINE, frames=97, frame_multiple=(4, 1),
    size_multiple=16, fps=24.0, key_rank=2, recogniser=recognise.recognise,  # (before HunyuanVideo's)
    part_titles=(("Llama 3 8B", "Llama 3 8B (SkyReels V1)"), ("CLIP-L text", "CLIP-L text (SkyReels V1)")),
    has=(SingleFile(bases=("hunyuan",), base_config=recognise.base_config, gguf=split_13b), VAE_TILES, PreviewLayout(),
         Cost(layer_keys=("num_layers", "num_single_layers"))),  # double- and single-stream blocks
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "a SkyReels V1 transformer file is read with a diffusers folder as 'base' (SkyReels V1's or "
                       "HunyuanVideo's: its Llama, CLIP and VAE)",
           PromptRecipe: "its encode_prompt (Llama's templated states, CLIP's pooled output, the mask, the negative "
                         "under true CFG) is not declared for the prompt cache yet",
           ResumeKeeps: "its decode and post-processing were not read for a lone redo: the lighter retry only",
           TimeTiles: "its pipeline's own decode", LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    not_built=(("text to video", "SkyReels V1's text-to-video release is HunyuanVideo's architecture with no pipeline "
                                 "of its own: its folder loads as HunyuanVideo"),),
    variants=(("SkyReels V1 I2V", lambda idx, cfg: True),))
