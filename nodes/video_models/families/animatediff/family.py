"""AnimateDiff: an image model's UNet with motion modules, 16 frames a call (steered by up to three SD 1.5 ControlNets
in its own node, controlnet_node.py, from text or restyling a source clip); from a diffusers folder, or from
ComfyUI's motion module file on its SD 1.5 checkpoint (parts.py)."""
from __future__ import annotations

from ...base.capabilities import TAKES_EMBEDDINGS, Cost, OwnNodes, PromptWeights
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.recognise import Recognised
from ...base.tasks import Maker


def recognise(t, filename: str = "") -> Recognised | None:
    """A UNet with motion modules (before SVD's UNet: key_rank); a Stable Diffusion checkpoint (Stability's ldm
    layout: its UNet, VAE and CLIP text encoder in one file), not a video model by itself: the image model a motion
    module animates ('image_model')."""
    if ("down_blocks" in t.tops or "input_blocks" in t.tops) and t.any_name("motion_modules."):
        return Recognised("denoiser", "animatediff", "AnimateDiff motion module")
    heads = {k.partition(".")[0] for k in t.raw} | {".".join(k.split(".")[:3]) for k in t.raw}
    if {"model.diffusion_model.input_blocks", "first_stage_model", "cond_stage_model"} <= heads:
        sd15 = "cond_stage_model.transformer.text_model" in heads or "cond_stage_model.transformer.embeddings" in heads
        return Recognised("other", "", f"image model (Stable Diffusion {'1.5 ' if sd15 else ''}checkpoint)",
                          "not a video model by itself: " + ("AnimateDiff's 'image_model', the checkpoint a motion "
                                                             "module animates" if sd15 else
                                                             "AnimateDiff reads SD 1.5 checkpoints"))
    return None


PIPELINES = ("AnimateDiffPipeline", "AnimateDiffVideoToVideoPipeline")
REFUSAL = ("an AnimateDiff motion module is read with the Stable Diffusion 1.5 checkpoint it animates: set 'image_model' "
           "to it (ComfyUI's checkpoints/), or give a diffusers AnimateDiff folder (model_index.json with unet and "
           "motion_adapter) as 'model'")


def _parts():
    """Its part reader (base/capabilities.py PartReader): the motion module on ComfyUI's SD 1.5 checkpoint."""
    from . import parts
    return parts


NOT_BUILT = (
    ("SparseCtrl (AnimateDiffSparseControlNetPipeline)", "sparse sketches or pictures at chosen frames through a "
     "SparseControlNetModel are not built yet: pictures at chosen frames are LTX-Video's and LTX-2's keyframes"),
    ("AnimateDiff-SDXL (AnimateDiffSDXLPipeline)", "Studio reads the SD 1.5 motion modules with an SD 1.5 "
     "checkpoint; the SDXL motion module and an SDXL UNet are not built yet"),
    ("perturbed-attention guidance (AnimateDiffPAGPipeline)", "Studio's generators have no PAG setting: the "
     "guidance is the pipeline's classifier-free one"),
    ("PIA, the personalized image animator (PIAPipeline, deprecated in diffusers)", "its UNet with the picture as "
     "extra input channels is not built: a picture is animated by Image to Video with another family"))

IMAGE_VAE = "its VAE is an image model's (frames decoded one by one in chunks, decode_chunk_size)"

FAMILY = Family(
    "animatediff", "AnimateDiff", PIPELINES,
    t2v="AnimateDiffPipeline", v2v="AnimateDiffVideoToVideoPipeline", denoiser="unet",
    has=(TAKES_EMBEDDINGS,
         PromptWeights(PIPELINES + ("AnimateDiffControlNetPipeline", "AnimateDiffVideoToVideoControlNetPipeline")),
         SingleFile(refusal=REFUSAL, refused_with=lambda given: "" if given.get("image_model") else REFUSAL),
         PartReader(_parts, files="the SD 1.5 checkpoint ('image_model')", image_model=True),
         ResumeKeeps(tuple((name, 0) for name in PIPELINES)), PreviewLayout(video_vae=False),
         ContextWindows("BCTHW"),  # its UNetMotionModel reads (batch, channels, frames, height, width)
         Cost(frame_vaes=("AutoencoderKL",)),  # SD 1.5's image VAE: a latent frame a frame
         OwnNodes(makers=(Maker("control", "video_models.animatediff_controlnet", ("control", "prompt")),),
                  pipelines=("AnimateDiffControlNetPipeline", "AnimateDiffVideoToVideoControlNetPipeline"))),
    lacks={TwoExperts: ONE_DENOISER,
           Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "its pipelines encode the prompt with the image model's CLIP text encoder: recipe not read",
           VaeTiles: IMAGE_VAE, TimeTiles: IMAGE_VAE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    frames=16, fixed_frames=16, size_multiple=8, fps=8.0, key_rank=0, recogniser=recognise, key_patterns=(("motion_modules.",),),
    not_built=NOT_BUILT)
