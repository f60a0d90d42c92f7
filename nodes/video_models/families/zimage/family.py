"""Z-Image (Turbo): a still picture from a prompt, as a one-frame take (the start picture a shared workflow makes
before an image-to-video model animates it: heldout19's Z-Image Turbo still given to LTX-2.3), diffusers'
ZImagePipeline on ComfyUI's three files (pipeline.py: the DiT, the Qwen3 text encoder, the Flux VAE). Its call
returns pictures (``images``), one a call: a take of one frame."""
from __future__ import annotations

from ...base.capabilities import Cost, Outputs, PartReader, PreviewLayout, PromptWeights
from ...base.still_family import StillFamily, still_lacks
from . import recognise

PIPELINE = "ZImagePipeline"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = StillFamily(
    "zimage", "Z-Image", (PIPELINE,), t2v=PIPELINE, denoiser="transformer", latent_layout="BCTHW", frames=1,
    fixed_frames=1, size_multiple=16, fps=8.0, key_rank=2, recogniser=recognise.recognise,
    layouts=("Tongyi-MAI's (ComfyUI's diffusion_models file)",),
    part_titles=(("Qwen3 4B", "Qwen3 4B (Z-Image)"),),
    has=(PromptWeights((PIPELINE,), literal=True),  # ComfyUI's text encoder reads no weights
         PartReader(_parts, files="DiT, Qwen3 text encoder and Flux VAE; no diffusers folder needed"),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKL",), layer_keys=("n_layers",))),
    lacks=still_lacks("its Qwen3 prompts are encoded in its own call (not cached yet)"))
