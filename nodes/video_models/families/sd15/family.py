"""Stable Diffusion 1.5: a still picture from a prompt, as a one-frame take (the start picture many shared workflows
make before an image-to-video model animates it), diffusers' StableDiffusionPipeline on ComfyUI's one checkpoint
(pipeline.py). Its call returns pictures (``images``), one a call: a take of one frame."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Cost, Drafts,
                                  FirstLast, LoraNames, LoraTraining, Modular, Outputs, PartReader, PreviewLayout,
                                  PromptRecipe, ResumeKeeps, SINGLE_FILE_AS_IS, SingleFile, TimeTiles, Tracks,
                                  TwoExperts, VaeTiles)
from ...base.family import Family
from . import recognise

PIPELINE = "StableDiffusionPipeline"


class SD15(Family):
    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        from ...base.errors import ModelError
        if frames != 1:
            raise ModelError(f"Stable Diffusion 1.5 makes a still picture (one frame a take): {frames} frames asked; "
                             "set frames to 1 and animate the picture with an image-to-video model")


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = SD15(
    "sd15", "Stable Diffusion 1.5", (PIPELINE,), t2v=PIPELINE, denoiser="unet", latent_layout="BCTHW", frames=1,
    fixed_frames=1, size_multiple=8, fps=8.0,
    key_rank=-1,  # before AnimateDiff's (0), which tells any Stable Diffusion checkpoint as an image model
    recogniser=recognise.recognise, layouts=("Stability's ldm checkpoint (ComfyUI's)",),
    has=(PartReader(_parts, files="one checkpoint: UNet, VAE and CLIP ViT-L text encoder", one_checkpoint=True),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKL",), layer_keys=("layers_per_block",))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "its text encoder's prompts are encoded in its own call (not cached yet)",
           ResumeKeeps: "a still of a few seconds: a re-run makes it again",
           VaeTiles: "a still picture: its image VAE decodes it whole", TimeTiles: "one frame: nothing to tile in time",
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR, SingleFile: SINGLE_FILE_AS_IS})
