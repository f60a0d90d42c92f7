"""Stable Diffusion 1.5: a still picture from a prompt, as a one-frame take (the start picture many shared workflows
make before an image-to-video model animates it), diffusers' StableDiffusionPipeline on ComfyUI's one checkpoint
(pipeline.py). Its call returns pictures (``images``), one a call: a take of one frame."""
from __future__ import annotations

from ...base.capabilities import TAKES_EMBEDDINGS, Cost, Outputs, PartReader, PreviewLayout, PromptWeights
from ...base.still_family import StillFamily, still_lacks
from . import recognise

PIPELINE = "StableDiffusionPipeline"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = StillFamily(
    "sd15", "Stable Diffusion 1.5", (PIPELINE,), t2v=PIPELINE, denoiser="unet", latent_layout="BCTHW", frames=1,
    fixed_frames=1, size_multiple=8, fps=8.0,
    key_rank=-1,  # before AnimateDiff's (0), which tells any Stable Diffusion checkpoint as an image model
    recogniser=recognise.recognise, layouts=("Stability's ldm checkpoint (ComfyUI's)",),
    has=(TAKES_EMBEDDINGS, PromptWeights((PIPELINE,)),
         PartReader(_parts, files="one checkpoint: UNet, VAE and CLIP ViT-L text encoder", one_checkpoint=True),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKL",), layer_keys=("layers_per_block",))),
    lacks=still_lacks("its text encoder's prompts are encoded in its own call (not cached yet)"))
