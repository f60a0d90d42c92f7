"""FLUX.1 (dev, schnell): a still picture from a prompt, as a one-frame take (the start picture many shared workflows
make before an image-to-video model animates it), diffusers' FluxPipeline on ComfyUI's files (pipeline.py). Its call
returns pictures (``images``), one a call: a take of one frame. Its 'guidance' is dev's embedded guidance (ComfyUI's
FluxGuidance), which schnell has none of."""
from __future__ import annotations

from ...base.capabilities import Cost, Outputs, PartReader, PreviewLayout
from ...base.still_family import StillFamily, still_lacks
from . import recognise

PIPELINE = "FluxPipeline"


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline
    return pipeline


FAMILY = StillFamily(
    "flux1", "FLUX.1", (PIPELINE,), t2v=PIPELINE, denoiser="transformer", latent_layout="packed", frames=1,
    fixed_frames=1, size_multiple=16, fps=8.0, recogniser=recognise.recognise,
    key_rank=2,  # told before HunyuanVideo (3), whose block names it shares (its img_in and txt_in are linear)
    layouts=("diffusers", "Black Forest Labs' (ComfyUI's)"),
    has=(PartReader(_parts, files="diffusion model, CLIP-L and T5-XXL text encoders, VAE (ae.safetensors)"),
         PreviewLayout(video_vae=False),
         # a batch of pictures in ``images`` ([1, C, H, W] for output_type 'pt'): one picture, a one-frame take
         Outputs(frames="images", batched=False),
         Cost(frame_vaes=("AutoencoderKL",), layer_keys=("num_layers", "num_single_layers"))),
    lacks=still_lacks("its two text encoders' prompts are encoded in its own call (not cached yet)"))
