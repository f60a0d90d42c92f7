"""HunyuanVideo Framepack (lllyasviel's FramePack on HunyuanVideo), diffusers'
HunyuanVideoFramepackPipeline (pipelines/hunyuan_video/pipeline_hunyuan_video_framepack.py in diffusers
0.42.1): a long take from a still (and an optional last image), made in sections of
``latent_window_size`` latent frames inside one call, each reading the start image's latent and a packed
history of the sections made (its own HunyuanVideoFramepackTransformer3DModel: clean-latent embedders
and a SigLIP image projection), HunyuanVideo's VAE, Llama and CLIP text encoders, a SigLIP image encoder.
A family of its own (its transformer class is its own), run by its node (node.py: Framepack Long Image to
Video), not the generic generators: its call makes whole sections, more frames than asked, cut back to
the frames asked. Read as a diffusers folder, and its DiT as one file (kijai's ComfyUI-FramePackWrapper's
FramePackI2V_HY_bf16 / _fp8_e4m3fn, diffusers' names: layouts.py, told by recognise.py) with a diffusers
Framepack folder as 'base'."""
from __future__ import annotations

from ...base.capabilities import Cost, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LORA_NAMES, NO_TRACKS,
                                  ONE_DENOISER, Conditions, ContextWindows, Drafts, Each, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.capabilities import RAW_PREVIEWS
from ...base.family import Family
from ...base.tasks import Maker
from ..hunyuan.family import VAE_TILES
from . import recognise
from .cost import take_shape

PIPELINE = "HunyuanVideoFramepackPipeline"
NODE = "Framepack Long Image to Video"


def _converters() -> dict:
    from . import layouts  # its DiT file in diffusers' names, which diffusers has no converter for
    return layouts.CONVERTERS

ONE_CALL = "its pipeline makes the whole take, section by section, in one call"

FAMILY = Family(
    "framepack", "HunyuanVideo Framepack", (PIPELINE,), frames=129, frame_multiple=(1, 0), size_multiple=16,
    fps=30.0, key_rank=2, recogniser=recognise.recognise,  # told before HunyuanVideo (3), whose names it shares
    task_kinds_by_inputs=("image", "first_last"),
    part_titles=(("Llama 3 8B", "Llama 3 8B (Framepack)"), ("CLIP-L text", "CLIP-L text (Framepack)")),
    has=(SingleFile(_converters), VAE_TILES,
         OwnNodes(makers=(Maker("image", "video_models.framepack", ("image", "prompt")),  # the Framepack node (node.py)
                          Maker("first_last", "video_models.framepack", ("image", "last_image", "prompt")))),
         Cost(layer_keys=("num_layers", "num_single_layers"), take_shape=take_shape),  # sections decoding twice
         # its encode_prompt is HunyuanVideo's (Llama with its template, CLIP-L pooled; the negative by a second call
         # with true CFG): its prompts kept by the prompt cache as HunyuanVideo's are (issue 116: its encode said
         # from a fresh run's was 3-6x a repeated prompt's)
         PromptRecipe((PIPELINE,), each=Each(("prompt_embeds", "pooled_prompt_embeds", "prompt_attention_mask"),
                                             dtype=False, length=True, negative="true_cfg"))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: ONE_CALL, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "ComfyUI's part files (the Llama and CLIP-L text encoders, SigLIP vision, the VAE) are not "
                       "read as a set: a diffusers folder, or the DiT file with one as 'base'", Conditions: NO_CONDITIONS, Tracks: NO_TRACKS,
           ResumeKeeps: ONE_CALL + ": each section is decoded as it is made", TimeTiles: ONE_CALL,
           PreviewLayout: RAW_PREVIEWS + " (the section under way)",
           FirstLast: "its pipeline takes the last image as it is", LoraTraining: NOT_TRAINED, Modular: NOT_MODULAR},
    not_built=(("F1 (forward sampling) as a preset", "the pipeline's 'vanilla' sampling is the FramePack-F1 "
                                                      "checkpoint's; Studio's node offers it as a setting, with no "
                                                      "recipe of the F1 model's own steps"),),
    variants=(("HunyuanVideo Framepack", lambda idx, cfg: True),))
