"""Qwen-Image: a still picture from a prompt, as a one-frame take (the start picture a shared workflow makes before
an image-to-video model animates it), diffusers' QwenImagePipeline on ComfyUI's three files (pipeline.py: the DiT,
Qwen2.5-VL 7B, its Wan 2.1-shaped VAE). Its call returns pictures (``images``), one a call: a take of one frame."""
from __future__ import annotations

from ...base.capabilities import Cost, Outputs, PartReader, PreviewLayout, PromptWeights
from ...base.still_family import StillFamily, still_lacks
from . import recognise

PIPELINE = "QwenImagePipeline"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = StillFamily(
    "qwenimage", "Qwen-Image", (PIPELINE,), t2v=PIPELINE, denoiser="transformer", latent_layout="BCTHW", frames=1,
    fixed_frames=1, size_multiple=16, fps=8.0, key_rank=5, recogniser=recognise.recognise,
    layouts=("diffusers' names (ComfyUI's diffusion_models file)",),
    part_titles=(("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (Qwen-Image)"),),
    has=(PromptWeights((PIPELINE,), literal=True),  # ComfyUI's text encoder reads no weights
         PartReader(_parts, files="DiT, Qwen2.5-VL 7B text encoder and its VAE; no diffusers folder needed"),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKLQwenImage",), layer_keys=("num_layers",))),
    lacks=still_lacks("its Qwen2.5-VL prompts are encoded in its own call (not cached yet)"))
